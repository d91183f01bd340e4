// SPDX-License-Identifier: GPL-3.0-or-later

import CGSL

/// Draws from GSL's `gsl_ran_*` samplers.
///
/// Parameters are checked with preconditions: they are the caller's responsibility. Values that come
/// from users (manifests, command lines) go through ``Distribution``, whose validation throws
/// ``DistributionError`` with a message instead.
extension RandomStream {
    /// Uniform on [lower, upper) (`gsl_ran_flat`).
    @inlinable
    public func uniform(from lower: Double, to upper: Double) -> Double {
        precondition(lower < upper, "uniform needs lower < upper")
        return gsl_ran_flat(self.rng, lower, upper)
    }

    /// Normal with the given mean and standard deviation (`gsl_ran_gaussian_ziggurat`).
    @inlinable
    public func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        precondition(standardDeviation >= 0, "normal needs a non-negative standard deviation")
        return mean + gsl_ran_gaussian_ziggurat(self.rng, standardDeviation)
    }

    /// Log-normal: `exp(N(mu, sigma²))` (`gsl_ran_lognormal`).
    @inlinable
    public func logNormal(mu: Double, sigma: Double) -> Double {
        precondition(sigma > 0, "logNormal needs sigma > 0")
        return gsl_ran_lognormal(self.rng, mu, sigma)
    }

    /// Exponential with the given mean (`gsl_ran_exponential`); the rate is `1/mean`.
    @inlinable
    public func exponential(mean: Double) -> Double {
        precondition(mean > 0, "exponential needs mean > 0")
        return gsl_ran_exponential(self.rng, mean)
    }

    /// Gamma with shape `k` and scale `theta`: mean `k·theta` (`gsl_ran_gamma`).
    @inlinable
    public func gamma(shape: Double, scale: Double) -> Double {
        precondition(shape > 0 && scale > 0, "gamma needs shape > 0 and scale > 0")
        return gsl_ran_gamma(self.rng, shape, scale)
    }

    /// Weibull with scale `lambda` and shape `k` (`gsl_ran_weibull(r, a = lambda, b = k)`).
    @inlinable
    public func weibull(scale: Double, shape: Double) -> Double {
        precondition(shape > 0 && scale > 0, "weibull needs shape > 0 and scale > 0")
        return gsl_ran_weibull(self.rng, scale, shape)
    }

    /// Poisson with mean `mu` (`gsl_ran_poisson`).
    @inlinable
    public func poisson(mean: Double) -> Int {
        precondition(mean >= 0, "poisson needs mean >= 0")
        return Int(gsl_ran_poisson(self.rng, mean))
    }

    /// `true` with probability `p` (`gsl_ran_bernoulli`).
    @inlinable
    public func bernoulli(_ probability: Double) -> Bool {
        precondition((0...1).contains(probability), "bernoulli needs 0 <= p <= 1")
        return gsl_ran_bernoulli(self.rng, probability) == 1
    }

    /// A point on the simplex from Dirichlet(alpha) (`gsl_ran_dirichlet`); the result sums to 1.
    ///
    /// - Precondition: every `alpha` is positive and there is at least one.
    public func dirichlet(_ alpha: [Double]) -> [Double] {
        precondition(!alpha.isEmpty && alpha.allSatisfy { $0 > 0 }, "dirichlet needs positive concentrations")
        var theta = [Double](repeating: 0, count: alpha.count)
        alpha.withUnsafeBufferPointer { a in
            theta.withUnsafeMutableBufferPointer { t in
                gsl_ran_dirichlet(self.rng, alpha.count, a.baseAddress, t.baseAddress)
            }
        }
        return theta
    }

    /// `count` distinct integers drawn uniformly from `0..<population`, in increasing order
    /// (`gsl_ran_choose`: one pass over the population, O(population)).
    ///
    /// - Precondition: `0 <= count <= population <= 2^32`.
    public func choose(_ count: Int, from population: Int) -> [UInt32] {
        precondition(count >= 0 && count <= population && population <= 1 << 32, "choose needs 0 <= k <= n <= 2^32")
        guard count > 0 else { return [] }
        var source = (0..<population).map { UInt32(truncatingIfNeeded: $0) }
        var chosen = [UInt32](repeating: 0, count: count)
        source.withUnsafeMutableBytes { src in
            chosen.withUnsafeMutableBytes { dest in
                _ = gsl_ran_choose(
                    self.rng, dest.baseAddress, count, src.baseAddress, population, MemoryLayout<UInt32>.stride)
            }
        }
        return chosen
    }

    /// An index drawn with probability proportional to `weights` (builds a one-off
    /// ``CategoricalTable``; make a table once when drawing repeatedly).
    public func categorical(_ weights: [Double]) throws(DistributionError) -> Int {
        try CategoricalTable(weights: weights).sample(self)
    }
}

/// A reusable categorical distribution over `0..<count` (GSL's Walker alias table,
/// `gsl_ran_discrete_preproc`): O(1) per draw after O(K) set-up.
public final class CategoricalTable {
    private let table: UnsafeMutablePointer<gsl_ran_discrete_t>
    /// The number of categories.
    public let count: Int

    /// Builds the table from non-negative weights (they need not sum to 1).
    ///
    /// - Throws: ``DistributionError`` when there are no weights, one is negative or not finite, or all are 0.
    public init(weights: [Double]) throws(DistributionError) {
        guard !weights.isEmpty else {
            throw DistributionError(distribution: "categorical", parameter: "weights", expected: "at least one weight")
        }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
            throw DistributionError(
                distribution: "categorical", parameter: "weights",
                expected: "finite, non-negative weights with a positive sum")
        }
        GSL.configure()
        let made = weights.withUnsafeBufferPointer { gsl_ran_discrete_preproc(weights.count, $0.baseAddress) }
        guard let made else {
            throw DistributionError(
                distribution: "categorical", parameter: "weights", expected: "weights GSL accepts (it refused them)")
        }
        self.table = made
        self.count = weights.count
    }

    deinit { gsl_ran_discrete_free(self.table) }

    /// Draws a category index.
    public func sample(_ stream: RandomStream) -> Int {
        Int(gsl_ran_discrete(stream.rng, self.table))
    }
}
