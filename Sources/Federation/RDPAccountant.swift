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
    public let orders: [Int]
    /// The conversion used by the `epsilon` functions.
    public let conversion: Conversion

    /// The default orders, 2…64 (as dp-accounting's integer orders).
    public static let defaultOrders = Array(2...64)

    /// Creates an accountant over the default orders 2…64.
    ///
    /// - Parameter conversion: How RDP becomes (ε, δ).
    public init(conversion: Conversion = .improved) {
        self.orders = Self.defaultOrders
        self.conversion = conversion
    }

    /// Creates an accountant over chosen integer orders.
    ///
    /// - Parameters:
    ///   - orders: At least one order, each ≥ 2 (`strategy.privacy.orders`).
    ///   - conversion: How RDP becomes (ε, δ).
    /// - Throws: ``FederationConfigurationError`` for an empty list or an order below 2.
    public init(orders: [Int], conversion: Conversion = .improved) throws(FederationConfigurationError) {
        guard !orders.isEmpty, orders.allSatisfy({ $0 >= 2 }) else {
            throw .invalid("strategy.privacy.orders", value: "\(orders)", expected: "integers ≥ 2")
        }
        self.orders = orders
        self.conversion = conversion
    }

    /// The RDP ε(α) of one Poisson-subsampled Gaussian step.
    ///
    /// - Parameters:
    ///   - samplingRate: q, the probability that a given client takes part in the step (clamped to [0, 1]).
    ///   - noiseMultiplier: σ, the noise standard deviation over the sensitivity; σ ≤ 0 (no noise) gives +∞
    ///     when q > 0.
    ///   - order: α ≥ 2.
    /// - Returns: ε(α) ≥ 0, or +∞.
    public func stepRDP(samplingRate: Double, noiseMultiplier sigma: Double, order alpha: Int) -> Double {
        let q = Swift.min(1, Swift.max(0, samplingRate.isNaN ? 1 : samplingRate))
        if q == 0 { return 0 }
        guard sigma > 0 else { return .infinity }
        if q == 1 { return Self.gaussianRDP(sensitivity: 1, standardDeviation: sigma, order: alpha) }
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

    /// The RDP of the Gaussian mechanism without subsampling (Mironov 2017, Prop. 7): ε(α) = α·Δ²/(2s²).
    ///
    /// - Parameters:
    ///   - sensitivity: Δ, the L2 sensitivity.
    ///   - standardDeviation: s, the noise standard deviation; s ≤ 0 gives +∞.
    ///   - order: α.
    /// - Returns: ε(α).
    public static func gaussianRDP(sensitivity: Double, standardDeviation: Double, order: Int) -> Double {
        guard standardDeviation > 0 else { return .infinity }
        return Double(order) * sensitivity * sensitivity / (2 * standardDeviation * standardDeviation)
    }

    /// The (ε, δ) guarantee after `steps` steps, and the order that attains it.
    ///
    /// - Parameters:
    ///   - samplingRate: q ∈ [0, 1] per step.
    ///   - noiseMultiplier: σ ≥ 0.
    ///   - steps: T ≥ 0.
    ///   - delta: δ ∈ (0, 1).
    /// - Returns: ε (+∞ when σ = 0 and q·T > 0) and the order.
    /// - Throws: ``FederationConfigurationError`` for a value out of range.
    public func epsilon(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double)
        throws(FederationConfigurationError) -> (epsilon: Double, order: Int)
    {
        try self.epsilon(composing: [(q, steps)], noiseMultiplier: sigma, delta: delta)
    }

    /// The (ε, δ) guarantee of steps at different sampling rates (RDP composes additively at each order).
    ///
    /// - Parameters:
    ///   - steps: Pairs of sampling rate q ∈ [0, 1] and step count ≥ 0, summed in the order given.
    ///   - noiseMultiplier: σ ≥ 0.
    ///   - delta: δ ∈ (0, 1).
    /// - Returns: ε and the order that attains it.
    /// - Throws: ``FederationConfigurationError`` for a value out of range.
    public func epsilon(
        composing steps: [(samplingRate: Double, count: Int)], noiseMultiplier sigma: Double, delta: Double
    ) throws(FederationConfigurationError) -> (epsilon: Double, order: Int) {
        guard sigma.isFinite, sigma >= 0 else {
            throw .invalid("strategy.privacy.noise_multiplier", value: "\(sigma)", expected: "a number ≥ 0")
        }
        for (q, count) in steps {
            guard q >= 0, q <= 1 else {
                throw .invalid("strategy.privacy.sampling_rate", value: "\(q)", expected: "a number in [0, 1]")
            }
            guard count >= 0 else {
                throw .invalid("strategy.privacy.steps", value: "\(count)", expected: "an integer ≥ 0")
            }
        }
        return try self.epsilon(delta: delta) { alpha in
            steps.reduce(0) { total, step in
                step.count == 0
                    ? total
                    : total + Double(step.count)
                        * self.stepRDP(
                            samplingRate: step.samplingRate, noiseMultiplier: sigma, order: alpha)
            }
        }
    }

    /// Converts an RDP curve to (ε, δ) with ``conversion``, minimised over ``orders``.
    ///
    /// - Parameters:
    ///   - delta: δ ∈ (0, 1) (`strategy.privacy.delta`).
    ///   - rdp: The total RDP ε(α) at each order α.
    /// - Returns: ε ≥ 0 (+∞ when the curve is infinite) and the order that attains it.
    /// - Throws: ``FederationConfigurationError`` for δ outside (0, 1).
    public func epsilon(delta: Double, rdp: (Int) -> Double) throws(FederationConfigurationError)
        -> (epsilon: Double, order: Int)
    {
        guard delta > 0, delta < 1 else {
            throw .invalid("strategy.privacy.delta", value: "\(delta)", expected: "a number in (0, 1)")
        }
        var best = (epsilon: Double.infinity, order: self.orders[0])
        for alpha in self.orders {
            let total = rdp(alpha)
            let a = Double(alpha)
            var epsilon: Double
            switch self.conversion {
            case .classic:
                epsilon = total + log(1 / delta) / (a - 1)
            case .improved:
                epsilon = total + log1p(-1 / a) - log(delta * a) / (a - 1)
                if delta * delta + expm1(-total) > 0 { epsilon = 0 }
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
