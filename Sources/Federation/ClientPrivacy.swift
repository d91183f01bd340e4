// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Where the Gaussian noise of client-level differential privacy is added (`strategy.privacy.mode`).
public enum PrivacyMode: String, CaseIterable, Hashable, Sendable {
    /// DP-FedAvg (McMahan et al., ICLR 2018): clients clip their updates to C; the server adds N(0, (σC)²)
    /// once per element to the sum of the round's clipped updates and divides by a fixed expected cohort
    /// size q·N. Sensitivity C (add/remove one client); ε from the subsampled-Gaussian RDP accountant over
    /// rounds. Synchronous FedAvg only.
    case central
    /// Each client adds N(0, (σ·2C)²) per element to its own clipped update. Sensitivity 2C (replace one
    /// client's data: two clipped updates differ by at most 2C); ε per client composes its own
    /// participations without amplification, and a run reports the largest.
    case local
}

/// Client-level (user-level) differential privacy: clipping to L2 norm C and Gaussian noise with multiplier
/// σ, added where ``mode`` says.
///
/// The noise standard deviation is σ times the mechanism's sensitivity Δ: σC on the server's sum in
/// `central` mode, σ·2C on each client's update in `local` mode. So the per-release Gaussian RDP is
/// α·Δ²/(2(σΔ)²) = α/(2σ²) in both modes before subsampling.
public struct ClientPrivacy: Hashable, Sendable {
    /// Where the noise is added.
    public let mode: PrivacyMode
    /// The clipping norm C > 0.
    public let clipNorm: Double
    /// The noise multiplier σ ≥ 0 (0 clips without noise, and ε is infinite).
    public let noiseMultiplier: Double

    /// Creates the mechanism.
    ///
    /// - Parameters:
    ///   - mode: `central` or `local` (`strategy.privacy.mode`).
    ///   - clipNorm: C > 0 (`strategy.privacy.clip`).
    ///   - noiseMultiplier: σ ≥ 0 (`strategy.privacy.noise_multiplier`).
    /// - Throws: ``FederationConfigurationError`` for C ≤ 0 or σ < 0 (or either not finite).
    public init(mode: PrivacyMode, clipNorm: Double, noiseMultiplier: Double) throws(FederationConfigurationError) {
        guard clipNorm.isFinite, clipNorm > 0 else {
            throw .invalid("strategy.privacy.clip", value: "\(clipNorm)", expected: "a number > 0")
        }
        guard noiseMultiplier.isFinite, noiseMultiplier >= 0 else {
            throw .invalid("strategy.privacy.noise_multiplier", value: "\(noiseMultiplier)", expected: "a number ≥ 0")
        }
        self.mode = mode
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
    }

    /// The L2 sensitivity Δ of what is noised: C (`central`, one client's clipped update in the sum) or 2C
    /// (`local`, one client's clipped update replaced by another).
    public var sensitivity: Double {
        switch self.mode {
        case .central: self.clipNorm
        case .local: 2 * self.clipNorm
        }
    }

    /// The standard deviation of the noise per element, σ·Δ: on the server's sum (`central`) or on each
    /// client's update (`local`).
    public var noiseStandardDeviation: Double { self.noiseMultiplier * self.sensitivity }

    /// The L2 norm of an update over all its tensors (accumulated in `Double`).
    ///
    /// - Parameter deltas: The update, one array per tensor.
    /// - Returns: ‖Δ‖₂.
    public static func norm(_ deltas: [[Float]]) -> Double {
        var squares = 0.0
        for tensor in deltas { for value in tensor { squares += Double(value) * Double(value) } }
        return squares.squareRoot()
    }

    /// Scales `deltas` by min(1, C/‖Δ‖), so its norm is at most C.
    ///
    /// - Parameter deltas: The update, modified in place.
    /// - Returns: The norm before clipping.
    @discardableResult
    public func clip(_ deltas: inout [[Float]]) -> Double {
        let norm = Self.norm(deltas)
        guard norm > self.clipNorm else { return norm }
        let scale = Float(self.clipNorm / norm)
        for tensor in deltas.indices {
            for element in deltas[tensor].indices { deltas[tensor][element] *= scale }
        }
        return norm
    }

    /// The client's side of the mechanism: clips; in `local` mode with σ > 0, then adds N(0, (σ·2C)²) to every
    /// element. In `central` mode the stream is not used (the server adds the noise).
    ///
    /// - Parameters:
    ///   - deltas: The client's update, modified in place.
    ///   - stream: The client's own noise stream (draws in tensor, then element order).
    /// - Returns: The update's norm before clipping.
    @discardableResult
    public func privatize(_ deltas: inout [[Float]], stream: RandomStream) -> Double {
        let norm = self.clip(&deltas)
        let standardDeviation = self.noiseStandardDeviation
        guard self.mode == .local, standardDeviation > 0 else { return norm }
        for tensor in deltas.indices {
            for element in deltas[tensor].indices {
                deltas[tensor][element] += Float(stream.normal(mean: 0, standardDeviation: standardDeviation))
            }
        }
        return norm
    }

    /// Whether the client needs a noise stream (`local` mode with σ > 0).
    public var clientAddsNoise: Bool { self.mode == .local && self.noiseMultiplier > 0 }
}
