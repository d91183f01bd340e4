// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// How an update's element-wise variance scales its weight in the FTTE buffer: g(σ²), with σ² the
/// variance of the client's update and σ̄² the mean of those variances over the buffer.
///
/// The FTTE paper weights buffered updates by age and variance but does not publish the variance term's
/// formula. ``ftte(beta:)`` is this simulator's documented stand-in; the alternatives let experiments show
/// how much the conclusion depends on that choice.
public enum VarianceWeighting: Equatable, Hashable, Sendable {
    /// g = 1 (age only).
    case none
    /// g = 1 / (1 + β σ²/σ̄²), β ≥ 0 — the default stand-in for FTTE.
    case ftte(beta: Double)
    /// g = σ̄² / σ² (inverse-variance weighting; an update with zero variance gets weight 0 when others
    /// vary, since it carries no signal, and 1 when all are zero).
    case inverseVariance
    /// g = e^(−β σ²/σ̄²), β ≥ 0.
    case exponential(beta: Double)

    /// Checks β.
    ///
    /// - Throws: ``FederationConfigurationError`` at `strategy.variance.beta` when β is negative or not finite.
    public func validate() throws(FederationConfigurationError) {
        switch self {
        case .none, .inverseVariance:
            break
        case .ftte(let beta), .exponential(let beta):
            guard beta.isFinite, beta >= 0 else {
                throw .invalid("strategy.variance.beta", value: "\(beta)", expected: "a number ≥ 0")
            }
        }
    }

    /// g(σ²) for one update.
    ///
    /// - Parameters:
    ///   - variance: The update's element-wise variance σ² (≥ 0).
    ///   - meanVariance: The mean σ̄² over the buffer (≥ 0).
    /// - Returns: g ≥ 0.
    public func weight(variance: Double, meanVariance: Double) -> Double {
        guard meanVariance > 0 else { return 1 }  // all updates constant: variance says nothing
        let relative = variance / meanVariance
        switch self {
        case .none: return 1
        case .ftte(let beta): return 1 / (1 + beta * relative)
        case .inverseVariance: return variance > 0 ? 1 / relative : 0
        case .exponential(let beta): return exp(-beta * relative)
        }
    }
}

/// How the number of training examples behind an update scales its weight.
public enum ExampleCountWeighting: Equatable, Hashable, Sendable {
    /// Every update counts the same.
    case equal
    /// Weight proportional to the example count n (FedAvg's rule).
    case linear
    /// Weight proportional to √n.
    case squareRoot

    /// The unnormalised weight of an update trained on `examples` examples.
    ///
    /// - Parameter examples: n ≥ 0.
    /// - Returns: c(n) ≥ 0.
    public func weight(examples: Int) -> Double {
        switch self {
        case .equal: 1
        case .linear: Double(examples)
        case .squareRoot: Double(examples).squareRoot()
        }
    }
}
