// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Client-level differential privacy (DP-FedAvg, McMahan et al., ICLR 2018): each update is clipped to L2
/// norm C and Gaussian noise of standard deviation σ·C is added to every element.
public struct ClientPrivacy: Hashable, Sendable {
    /// The clipping norm C > 0.
    public var clipNorm: Double
    /// The noise multiplier σ ≥ 0 (0 clips without noise).
    public var noiseMultiplier: Double

    /// Creates the mechanism.
    ///
    /// - Throws: ``FederationConfigurationError`` for C ≤ 0 or σ < 0.
    public init(clipNorm: Double, noiseMultiplier: Double) throws(FederationConfigurationError) {
        guard clipNorm.isFinite, clipNorm > 0 else {
            throw .invalid("privacy.clip_norm", value: "\(clipNorm)", expected: "a number > 0")
        }
        guard noiseMultiplier.isFinite, noiseMultiplier >= 0 else {
            throw .invalid("privacy.noise_multiplier", value: "\(noiseMultiplier)", expected: "a number ≥ 0")
        }
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
    }

    /// The L2 norm of an update over all its tensors (accumulated in `Double`).
    public static func norm(_ deltas: [[Float]]) -> Double {
        var squares = 0.0
        for tensor in deltas { for value in tensor { squares += Double(value) * Double(value) } }
        return squares.squareRoot()
    }

    /// Clips `deltas` to norm C (scaling by min(1, C/‖Δ‖)) and adds N(0, (σC)²) to every element.
    ///
    /// - Parameters:
    ///   - deltas: The client's update, modified in place.
    ///   - stream: The client's own noise stream (draws in tensor, then element order).
    /// - Returns: The update's norm before clipping.
    @discardableResult
    public func privatize(_ deltas: inout [[Float]], stream: RandomStream) -> Double {
        let norm = Self.norm(deltas)
        let scale = norm > self.clipNorm ? Float(self.clipNorm / norm) : 1
        let standardDeviation = self.noiseMultiplier * self.clipNorm
        for tensor in deltas.indices {
            for element in deltas[tensor].indices {
                var value = deltas[tensor][element] * scale
                if standardDeviation > 0 {
                    value += Float(stream.normal(mean: 0, standardDeviation: standardDeviation))
                }
                deltas[tensor][element] = value
            }
        }
        return norm
    }
}
