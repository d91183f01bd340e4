// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Maps an update's staleness τ (server versions since the client downloaded) to a weight in [0, 1],
/// or to `nil` when the update is to be dropped.
///
/// Conform a type to this protocol to add a decay function; the built-in ones are ``StalenessDecay``.
///
/// The aggregators call ``validate()`` when they are created, and keep what ``weight(staleness:)`` returns in
/// [0, 1] (a value above 1 counts as 1, a negative or NaN one as 0), so a custom function cannot amplify an
/// update.
public protocol StalenessWeighting: Sendable {
    /// The weight s(τ) ∈ [0, 1] of an update whose staleness is `staleness` (≥ 0), or `nil` to drop it.
    ///
    /// - Parameter staleness: τ, server versions since the client downloaded.
    /// - Returns: s(τ), or `nil` when the update is to be dropped.
    func weight(staleness: Int) -> Double?

    /// Checks the function's parameters (the default accepts any).
    ///
    /// - Throws: ``FederationConfigurationError`` naming the manifest key of the first invalid parameter.
    func validate() throws(FederationConfigurationError)
}

extension StalenessWeighting {
    /// Accepts any parameters: a custom function without parameters to check.
    ///
    /// - Throws: Never.
    public func validate() throws(FederationConfigurationError) {}

    /// s(τ) kept in [0, 1]: what the aggregators apply.
    func boundedWeight(staleness: Int) -> Double? {
        guard let weight = self.weight(staleness: staleness) else { return nil }
        return weight.isNaN ? 0 : Swift.min(1, Swift.max(0, weight))
    }
}

/// The staleness-decay functions that manifests name (`strategy.staleness.fn`).
///
/// Sources: polynomial and hinge from Xie, Koyejo & Gupta, "Asynchronous Federated Optimization" (2019, §5);
/// exponential as in FedBuff's ablations (Nguyen et al., AISTATS 2022); cutoff drops updates older than a bound.
public enum StalenessDecay: StalenessWeighting, Equatable, Hashable {
    /// s(τ) = 1.
    case constant
    /// s(τ) = (1 + τ)^−a, a ≥ 0.
    case polynomial(a: Double)
    /// s(τ) = e^(−λτ), λ ≥ 0.
    case exponential(lambda: Double)
    /// s(τ) = 1 if τ ≤ b, else 1 / (a(τ − b) + 1); a ≥ 0, b ≥ 0.
    case hinge(a: Double, b: Int)
    /// s(τ) = 1 if τ ≤ maximum, else the update is dropped.
    case cutoff(maximum: Int)

    /// The function's name as manifests spell it.
    public var name: String {
        switch self {
        case .constant: "constant"
        case .polynomial: "polynomial"
        case .exponential: "exponential"
        case .hinge: "hinge"
        case .cutoff: "cutoff"
        }
    }

    /// Checks the parameters: every exponent and slope ≥ 0 (so s(τ) ∈ [0, 1]), every bound ≥ 0.
    ///
    /// - Throws: ``FederationConfigurationError`` naming the key (`strategy.staleness.a`, `.lambda`, `.b`,
    ///   `.max`) and the valid range.
    public func validate() throws(FederationConfigurationError) {
        switch self {
        case .constant:
            break
        case .polynomial(let a):
            guard a.isFinite, a >= 0 else {
                throw .invalid("strategy.staleness.a", value: "\(a)", expected: "a number ≥ 0")
            }
        case .exponential(let lambda):
            guard lambda.isFinite, lambda >= 0 else {
                throw .invalid("strategy.staleness.lambda", value: "\(lambda)", expected: "a number ≥ 0")
            }
        case .hinge(let a, let b):
            guard a.isFinite, a >= 0 else {
                throw .invalid("strategy.staleness.a", value: "\(a)", expected: "a number ≥ 0")
            }
            guard b >= 0 else { throw .invalid("strategy.staleness.b", value: "\(b)", expected: "an integer ≥ 0") }
        case .cutoff(let maximum):
            guard maximum >= 0 else {
                throw .invalid("strategy.staleness.max", value: "\(maximum)", expected: "an integer ≥ 0")
            }
        }
    }

    /// s(τ) as documented on each case.
    ///
    /// A negative τ (a base version the server has not reached, which the servers never accept) is clamped
    /// to 0: no update is fresher than a fresh one, and s(0) = 1 is the largest weight, so s stays in [0, 1].
    ///
    /// - Parameter staleness: τ.
    /// - Returns: s(τ), or `nil` when `cutoff` drops the update.
    public func weight(staleness: Int) -> Double? {
        let staleness = Swift.max(0, staleness)
        let tau = Double(staleness)
        switch self {
        case .constant:
            return 1
        case .polynomial(let a):
            return pow(1 + tau, -a)
        case .exponential(let lambda):
            return exp(-lambda * tau)
        case .hinge(let a, let b):
            return staleness <= b ? 1 : 1 / (a * Double(staleness - b) + 1)
        case .cutoff(let maximum):
            return staleness <= maximum ? 1 : nil
        }
    }
}
