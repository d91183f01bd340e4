// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A Gilbert–Elliott burst-loss channel in its two-state (Gilbert) form: every frame in the bad state is
/// lost, every frame in the good state gets through, and the state is a Markov chain stepped once per frame.
///
/// Parameterised by the long-run loss rate `π` and the mean burst length `L` (frames): leaving the bad state
/// has probability `r = 1/L` and entering it `p = π·r / (1 − π)`, so that the stationary share of bad frames
/// `p / (p + r)` equals `π` and bursts are geometric with mean `L`.
public struct GilbertElliottLoss: Hashable, Sendable {
    /// Probability of moving good → bad at a frame.
    public let goodToBad: Double
    /// Probability of moving bad → good at a frame.
    public let badToGood: Double
    /// Whether the channel is in the bad state now.
    public private(set) var isBad: Bool

    /// Creates the channel in its stationary distribution's more likely state (good when `π` < 0.5).
    ///
    /// - Parameters:
    ///   - lossRate: long-run fraction of frames lost, 0 ≤ π < 1.
    ///   - meanBurstLength: mean number of consecutive losses, ≥ 1.
    /// - Throws: ``RadioParameterError`` when the parameters are out of range, or give `p > 1`
    ///   (a loss rate too high for so short bursts).
    public init(lossRate: Double, meanBurstLength: Double) throws(RadioParameterError) {
        guard (0..<1).contains(lossRate) else {
            throw RadioParameterError(parameter: "loss rate", value: "\(lossRate)", expected: "0 ≤ rate < 1")
        }
        guard meanBurstLength >= 1, meanBurstLength.isFinite else {
            throw RadioParameterError(
                parameter: "mean burst length", value: "\(meanBurstLength)", expected: "at least 1 frame")
        }
        let r = 1 / meanBurstLength
        let p = lossRate * r / (1 - lossRate)
        guard p <= 1 else {
            throw RadioParameterError(
                parameter: "loss rate", value: "\(lossRate) with mean burst \(meanBurstLength)",
                expected: "rate ≤ L/(L+1) so that bursts of mean length L are possible")
        }
        self.goodToBad = p
        self.badToGood = r
        self.isBad = lossRate >= 0.5
    }

    /// Steps the chain for one frame and says whether that frame is lost.
    public mutating func nextFrameLost(_ stream: RandomStream) -> Bool {
        let u = stream.uniform()
        if self.isBad {
            if u < self.badToGood { self.isBad = false }
        } else {
            if u < self.goodToBad { self.isBad = true }
        }
        return self.isBad
    }
}
