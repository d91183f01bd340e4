// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Privacy spent by repeated Poisson-subsampled Gaussian mechanisms, by Rényi differential privacy.
///
/// RDP of one step at integer order α (Mironov, Talwar & Zhang, "Rényi Differential Privacy of the Sampled
/// Gaussian Mechanism", 2019, §3.3): ε(α) = log(A_α)/(α − 1) with
/// A_α = Σ_{k=0}^{α} C(α,k) (1−q)^{α−k} q^k exp((k² − k)/(2σ²)), summed in log space; for q = 1 it is
/// α/(2σ²) exactly. Steps compose additively. Conversion to (ε, δ), minimised over the orders:
/// - ``Conversion/improved`` (Canonne, Kamath & Steinke 2020, Prop. 12):
///   ε = T·ε(α) + log(1 − 1/α) − log(δ·α)/(α − 1), floored at 0 — what Google's `dp-accounting` computes;
/// - ``Conversion/classic`` (Mironov 2017, Prop. 3): ε = T·ε(α) + log(1/δ)/(α − 1) — what TensorFlow Privacy's
///   tutorials published (e.g. ε = 3.01 for its MNIST DP-SGD run).
/// The tests pin values from both.
public struct RDPAccountant: Sendable {
    /// How an RDP curve becomes an (ε, δ) guarantee.
    public enum Conversion: Sendable {
        /// Mironov (2017), Proposition 3.
        case classic
        /// Canonne, Kamath & Steinke (2020), Proposition 12 (tighter).
        case improved
    }

    /// The Rényi orders searched (default 2…64).
    public var orders: [Int]
    /// The conversion used by ``epsilon(samplingRate:noiseMultiplier:steps:delta:)``.
    public var conversion: Conversion

    /// Creates an accountant over integer orders ≥ 2.
    public init(orders: [Int] = Array(2...64), conversion: Conversion = .improved) {
        precondition(!orders.isEmpty && orders.allSatisfy { $0 >= 2 }, "RDP orders must be integers ≥ 2")
        self.orders = orders
        self.conversion = conversion
    }

    /// The RDP ε(α) of one Poisson-subsampled Gaussian step.
    ///
    /// - Parameters:
    ///   - samplingRate: q ∈ [0, 1], the probability that a given client takes part in the step.
    ///   - noiseMultiplier: σ > 0, the noise standard deviation over the clipping norm.
    ///   - order: α ≥ 2.
    public func stepRDP(samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Int) -> Double {
        precondition((0...1).contains(q) && sigma > 0)
        if q == 0 { return 0 }
        if q == 1 { return Double(alpha) / (2 * sigma * sigma) }
        var logA = -Double.infinity
        let logQ = log(q)
        let log1mQ = log1p(-q)
        for k in 0...alpha {
            let kk = Double(k)
            let term =
                logBinomial(alpha, k) + kk * logQ + Double(alpha - k) * log1mQ + (kk * kk - kk) / (2 * sigma * sigma)
            logA = logAddExp(logA, term)
        }
        return logA / Double(alpha - 1)
    }

    /// The (ε, δ) guarantee after `steps` steps, and the order that attains it.
    ///
    /// - Parameters:
    ///   - samplingRate: q per step.
    ///   - noiseMultiplier: σ.
    ///   - steps: T ≥ 0.
    ///   - delta: δ ∈ (0, 1).
    public func epsilon(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double)
        -> (epsilon: Double, order: Int)
    {
        precondition(steps >= 0 && delta > 0 && delta < 1)
        var best = (epsilon: Double.infinity, order: self.orders[0])
        for alpha in self.orders {
            let rdp = Double(steps) * self.stepRDP(samplingRate: q, noiseMultiplier: sigma, order: alpha)
            let a = Double(alpha)
            var epsilon: Double
            switch self.conversion {
            case .classic:
                epsilon = rdp + log(1 / delta) / (a - 1)
            case .improved:
                epsilon = rdp + log1p(-1 / a) - log(delta * a) / (a - 1)
                if delta * delta + expm1(-rdp) > 0 { epsilon = 0 }
            }
            if epsilon < best.epsilon { best = (Swift.max(0, epsilon), alpha) }
        }
        return best
    }
}

/// log C(n, k) via lgamma.
private func logBinomial(_ n: Int, _ k: Int) -> Double {
    lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
}

/// log(e^a + e^b) without overflow.
private func logAddExp(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    let high = Swift.max(a, b)
    return high + log1p(exp(-abs(a - b)))
}
