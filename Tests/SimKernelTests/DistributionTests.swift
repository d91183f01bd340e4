// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import SimKernel
import Testing

struct DistributionTests {
    /// A distribution with its analytic mean and variance.
    struct Case: CustomTestStringConvertible, Sendable {
        var distribution: Distribution
        var mean: Double
        var variance: Double
        var testDescription: String { "\(distribution)" }
    }

    static let cases: [Case] = [
        Case(distribution: .uniform(lower: 2, upper: 5), mean: 3.5, variance: 9.0 / 12),
        Case(distribution: .normal(mean: -1, standardDeviation: 2), mean: -1, variance: 4),
        Case(
            distribution: .logNormal(mu: 0.5, sigma: 0.4), mean: exp(0.5 + 0.08), variance: (exp(0.16) - 1) * exp(1.16)),
        Case(distribution: .exponential(mean: 3), mean: 3, variance: 9),
        Case(distribution: .gamma(shape: 2.5, scale: 1.5), mean: 3.75, variance: 5.625),
        Case(
            distribution: .weibull(scale: 2, shape: 1.5), mean: 2 * tgamma(1 + 1 / 1.5),
            variance: 4 * (tgamma(1 + 2 / 1.5) - pow(tgamma(1 + 1 / 1.5), 2))),
        Case(distribution: .poisson(mean: 4.2), mean: 4.2, variance: 4.2),
        Case(distribution: .constant(1.25), mean: 1.25, variance: 0),
    ]

    /// The sample mean of n draws has standard error σ/√n; allow 5 of them. The sample variance is checked
    /// to 3 % relative (its own standard error for these shapes is below 0.6 % at n = 200 000).
    @Test(arguments: cases)
    func sampleMomentsMatchAnalyticValues(_ c: Case) throws {
        try c.distribution.validate()
        let stream = RandomStream(StreamKey(masterSeed: 9, entity: 1, purpose: c.distribution.name))
        let n = 200_000
        let values = (0..<n).map { _ in c.distribution.sample(stream) }
        let summary = try #require(SampleSummary(values))
        let standardError = (c.variance / Double(n)).squareRoot()
        #expect(abs(summary.mean - c.mean) <= max(5 * standardError, 1e-12))
        if c.variance > 0 {
            #expect(abs(summary.variance / c.variance - 1) < 0.03)
        } else {
            #expect(summary.variance == 0)
        }
    }

    @Test func bernoulliFrequencyMatchesItsProbability() {
        let stream = RandomStream(seed: 4)
        let n = 100_000
        let hits = (0..<n).filter { _ in stream.bernoulli(0.3) }.count
        #expect(abs(Double(hits) / Double(n) - 0.3) < 5 * (0.21 / Double(n)).squareRoot())
    }

    /// Dirichlet(α): E[θᵢ] = αᵢ/α₀, and every draw lies on the simplex.
    @Test func dirichletDrawsLieOnTheSimplexWithTheRightMeans() {
        let stream = RandomStream(seed: 8)
        let alpha = [0.5, 1.0, 2.5]
        var sums = [0.0, 0.0, 0.0]
        let n = 50_000
        for _ in 0..<n {
            let theta = stream.dirichlet(alpha)
            #expect(abs(theta.reduce(0, +) - 1) < 1e-12)
            for i in 0..<3 { sums[i] += theta[i] }
        }
        for i in 0..<3 {
            let expected = alpha[i] / 4
            let variance = expected * (1 - expected) / 5  // α₀ + 1 = 5
            #expect(abs(sums[i] / Double(n) - expected) < 5 * (variance / Double(n)).squareRoot())
        }
    }

    @Test func categoricalFrequenciesFollowTheWeights() throws {
        let table = try CategoricalTable(weights: [1, 0, 3, 6])
        let stream = RandomStream(seed: 12)
        var counts = [0, 0, 0, 0]
        let n = 100_000
        for _ in 0..<n { counts[table.sample(stream)] += 1 }
        #expect(counts[1] == 0)
        for (index, p) in [0.1, 0.0, 0.3, 0.6].enumerated() where p > 0 {
            #expect(abs(Double(counts[index]) / Double(n) - p) < 5 * (p * (1 - p) / Double(n)).squareRoot())
        }
    }

    @Test(arguments: [[Double](), [1, -1], [0, 0], [1, .nan]])
    func categoricalRejectsInvalidWeights(weights: [Double]) {
        #expect(throws: DistributionError.self) { try CategoricalTable(weights: weights) }
    }

    @Test(arguments: [
        Distribution.uniform(lower: 3, upper: 3), .normal(mean: 0, standardDeviation: -1), .logNormal(mu: 0, sigma: 0),
        .exponential(mean: 0), .gamma(shape: -1, scale: 1), .weibull(scale: 1, shape: 0), .poisson(mean: -2),
        .constant(.infinity),
    ])
    func invalidParametersAreReportedByName(distribution: Distribution) {
        do {
            try distribution.validate()
            Issue.record("\(distribution) validated")
        } catch {
            #expect(error.distribution == distribution.name)
            #expect(error.description.contains(error.parameter))
        }
    }
}
