// SPDX-License-Identifier: GPL-3.0-or-later

import CGSL

/// Summary statistics of a sample, computed with GSL's `gsl_stats_*` routines.
///
/// GSL computes the mean and variance with a recurrence (Welford-style updates), which is stable for
/// large samples; results can differ from a naive two-pass sum in the last few ulps.
public struct SampleSummary: Equatable, Sendable {
    /// Number of observations.
    public var count: Int
    /// Arithmetic mean (`gsl_stats_mean`).
    public var mean: Double
    /// Unbiased sample variance, divisor n − 1 (`gsl_stats_variance`); 0 for a single observation.
    public var variance: Double
    /// Smallest observation.
    public var minimum: Double
    /// Largest observation.
    public var maximum: Double
    /// Median (`gsl_stats_median_from_sorted_data`).
    public var median: Double

    /// The sample standard deviation, `sqrt(variance)`.
    public var standardDeviation: Double { self.variance.squareRoot() }

    /// Summarises `values`; `nil` when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = Statistics.sorted(values)
        self.count = values.count
        self.mean = Statistics.mean(sorted)
        self.variance = values.count > 1 ? Statistics.variance(sorted) : 0
        self.minimum = sorted[0]
        self.maximum = sorted[sorted.count - 1]
        self.median = sorted.withUnsafeBufferPointer {
            gsl_stats_median_from_sorted_data($0.baseAddress, 1, $0.count)
        }
    }
}

/// Sample statistics over `[Double]`, delegated to GSL.
public enum Statistics {
    /// The arithmetic mean.
    ///
    /// - Precondition: `values` is not empty.
    public static func mean(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "mean of an empty sample")
        return values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    /// The unbiased sample variance (divisor n − 1).
    ///
    /// - Precondition: at least two values.
    public static func variance(_ values: [Double]) -> Double {
        precondition(values.count > 1, "variance needs at least two values")
        return values.withUnsafeBufferPointer { gsl_stats_variance($0.baseAddress, 1, $0.count) }
    }

    /// The `p`-quantile (0 ≤ p ≤ 1) with GSL's linear interpolation between order statistics
    /// (`gsl_stats_quantile_from_sorted_data`; Hyndman & Fan type 7, as numpy's default).
    ///
    /// - Precondition: `values` is not empty and `p` is in [0, 1].
    public static func quantile(_ values: [Double], _ p: Double) -> Double {
        precondition(!values.isEmpty && (0...1).contains(p), "quantile needs data and 0 <= p <= 1")
        let sorted = Self.sorted(values)
        return sorted.withUnsafeBufferPointer { gsl_stats_quantile_from_sorted_data($0.baseAddress, 1, $0.count, p) }
    }

    /// The population variance Σ(x − x̄)²/n of float32 values (`gsl_stats_float_tss` / n; GSL accumulates
    /// in `long double`); 0 for no values.
    public static func populationVariance(_ values: UnsafeBufferPointer<Float>) -> Double {
        guard let base = values.baseAddress, !values.isEmpty else { return 0 }
        return gsl_stats_float_tss(base, 1, values.count) / Double(values.count)
    }

    /// A sorted copy (`gsl_sort`).
    static func sorted(_ values: [Double]) -> [Double] {
        var copy = values
        copy.withUnsafeMutableBufferPointer { gsl_sort($0.baseAddress, 1, $0.count) }
        return copy
    }
}
