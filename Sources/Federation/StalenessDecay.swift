// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Maps an update's staleness τ (server versions since the client downloaded) to a weight in [0, 1],
/// or to `nil` when the update is to be dropped.
///
/// Conform a type to this protocol to add a decay function; the built-in ones are ``StalenessDecay``.
public protocol StalenessWeighting: Sendable {
    /// The weight s(τ) of an update whose staleness is `staleness` (≥ 0), or `nil` to drop it.
    func weight(staleness: Int) -> Double?
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

    /// Checks the parameters.
    ///
    /// - Throws: ``FederationConfigurationError`` naming the parameter and the valid range.
    public func validate() throws(FederationConfigurationError) {
        switch self {
        case .constant:
            break
        case .polynomial(let a):
            guard a.isFinite, a >= 0 else { throw .invalid("staleness.a", value: "\(a)", expected: "a number ≥ 0") }
        case .exponential(let lambda):
            guard lambda.isFinite, lambda >= 0 else {
                throw .invalid("staleness.lambda", value: "\(lambda)", expected: "a number ≥ 0")
            }
        case .hinge(let a, let b):
            guard a.isFinite, a >= 0 else { throw .invalid("staleness.a", value: "\(a)", expected: "a number ≥ 0") }
            guard b >= 0 else { throw .invalid("staleness.b", value: "\(b)", expected: "an integer ≥ 0") }
        case .cutoff(let maximum):
            guard maximum >= 0 else {
                throw .invalid("staleness.max", value: "\(maximum)", expected: "an integer ≥ 0")
            }
        }
    }

    /// s(τ) as documented on each case.
    ///
    /// - Precondition: `staleness >= 0`.
    public func weight(staleness: Int) -> Double? {
        precondition(staleness >= 0, "staleness cannot be negative")
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
