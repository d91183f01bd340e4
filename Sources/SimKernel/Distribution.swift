// SPDX-License-Identifier: GPL-3.0-or-later

/// A distribution's parameters did not make sense.
public struct DistributionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The distribution's name ("gamma", "uniform", …).
    public var distribution: String
    /// The offending parameter.
    public var parameter: String
    /// What a valid value looks like.
    public var expected: String

    /// Creates the error.
    public init(distribution: String, parameter: String, expected: String) {
        self.distribution = distribution
        self.parameter = parameter
        self.expected = expected
    }

    public var description: String {
        "\(self.distribution) distribution: parameter \(self.parameter) must be \(self.expected)"
    }
}

/// A univariate distribution described by data (manifests name these), validated once and then
/// sampled from any stream.
public enum Distribution: Equatable, Sendable {
    /// Always `value`.
    case constant(Double)
    /// Uniform on [lower, upper).
    case uniform(lower: Double, upper: Double)
    /// Normal(mean, standardDeviation).
    case normal(mean: Double, standardDeviation: Double)
    /// exp(Normal(mu, sigma)).
    case logNormal(mu: Double, sigma: Double)
    /// Exponential with the given mean.
    case exponential(mean: Double)
    /// Gamma with shape and scale (mean = shape × scale).
    case gamma(shape: Double, scale: Double)
    /// Weibull with scale and shape.
    case weibull(scale: Double, shape: Double)
    /// Poisson with the given mean (integer values returned as `Double`).
    case poisson(mean: Double)

    /// The distribution's name as manifests spell it.
    public var name: String {
        switch self {
        case .constant: "constant"
        case .uniform: "uniform"
        case .normal: "normal"
        case .logNormal: "lognormal"
        case .exponential: "exponential"
        case .gamma: "gamma"
        case .weibull: "weibull"
        case .poisson: "poisson"
        }
    }

    /// Checks the parameters.
    ///
    /// - Throws: ``DistributionError`` naming the first invalid parameter.
    public func validate() throws(DistributionError) {
        func require(_ ok: Bool, _ parameter: String, _ expected: String) throws(DistributionError) {
            if !ok { throw DistributionError(distribution: self.name, parameter: parameter, expected: expected) }
        }
        switch self {
        case .constant(let value):
            try require(value.isFinite, "value", "a finite number")
        case .uniform(let lower, let upper):
            try require(lower.isFinite && upper.isFinite && lower < upper, "upper", "greater than lower (\(lower))")
        case .normal(let mean, let standardDeviation):
            try require(mean.isFinite, "mean", "a finite number")
            try require(standardDeviation.isFinite && standardDeviation >= 0, "standard deviation", "≥ 0")
        case .logNormal(let mu, let sigma):
            try require(mu.isFinite, "mu", "a finite number")
            try require(sigma.isFinite && sigma > 0, "sigma", "> 0")
        case .exponential(let mean):
            try require(mean.isFinite && mean > 0, "mean", "> 0")
        case .gamma(let shape, let scale):
            try require(shape.isFinite && shape > 0, "shape", "> 0")
            try require(scale.isFinite && scale > 0, "scale", "> 0")
        case .weibull(let scale, let shape):
            try require(scale.isFinite && scale > 0, "scale", "> 0")
            try require(shape.isFinite && shape > 0, "shape", "> 0")
        case .poisson(let mean):
            try require(mean.isFinite && mean >= 0, "mean", "≥ 0")
        }
    }

    /// Draws one value from `stream`.
    ///
    /// - Precondition: the parameters are valid (``validate()``).
    public func sample(_ stream: RandomStream) -> Double {
        switch self {
        case .constant(let value): value
        case .uniform(let lower, let upper): stream.uniform(from: lower, to: upper)
        case .normal(let mean, let standardDeviation): stream.normal(mean: mean, standardDeviation: standardDeviation)
        case .logNormal(let mu, let sigma): stream.logNormal(mu: mu, sigma: sigma)
        case .exponential(let mean): stream.exponential(mean: mean)
        case .gamma(let shape, let scale): stream.gamma(shape: shape, scale: scale)
        case .weibull(let scale, let shape): stream.weibull(scale: scale, shape: shape)
        case .poisson(let mean): Double(stream.poisson(mean: mean))
        }
    }
}
