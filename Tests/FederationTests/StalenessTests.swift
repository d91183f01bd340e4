// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import Foundation
import Testing

struct StalenessTests {
    /// Values worked from each formula by hand.
    @Test(arguments: [
        (StalenessDecay.constant, 0, 1.0), (.constant, 50, 1.0),
        (.polynomial(a: 0.5), 0, 1.0), (.polynomial(a: 0.5), 3, 0.5), (.polynomial(a: 2), 1, 0.25),
        (.exponential(lambda: log(2)), 2, 0.25), (.exponential(lambda: 0), 9, 1.0),
        (.hinge(a: 10, b: 4), 4, 1.0), (.hinge(a: 10, b: 4), 6, 1.0 / 21), (.hinge(a: 0.5, b: 0), 2, 0.5),
        (.cutoff(maximum: 3), 3, 1.0),
    ])
    func decayFunctionsMatchTheirFormulas(decay: StalenessDecay, staleness: Int, expected: Double) throws {
        let weight = try #require(decay.weight(staleness: staleness))
        #expect(abs(weight - expected) < 1e-12)
    }

    @Test func cutoffDropsUpdatesOlderThanItsBound() {
        #expect(StalenessDecay.cutoff(maximum: 3).weight(staleness: 4) == nil)
    }

    @Test(arguments: [
        StalenessDecay.polynomial(a: -1), .exponential(lambda: .nan), .hinge(a: 1, b: -2), .cutoff(maximum: -1),
    ])
    func invalidParametersNameTheirKey(decay: StalenessDecay) {
        #expect(throws: FederationConfigurationError.self) { try decay.validate() }
    }

    @Test func varianceWeightsFollowTheirDefinitions() {
        #expect(VarianceWeighting.ftte(beta: 1).weight(variance: 2, meanVariance: 2) == 0.5)
        #expect(VarianceWeighting.ftte(beta: 3).weight(variance: 1, meanVariance: 2) == 0.4)
        #expect(VarianceWeighting.inverseVariance.weight(variance: 4, meanVariance: 2) == 0.5)
        #expect(abs(VarianceWeighting.exponential(beta: 1).weight(variance: 2, meanVariance: 1) - exp(-2)) < 1e-15)
        #expect(VarianceWeighting.ftte(beta: 1).weight(variance: 0, meanVariance: 0) == 1)
        #expect(ExampleCountWeighting.squareRoot.weight(examples: 49) == 7)
        #expect(ExampleCountWeighting.linear.weight(examples: 49) == 49)
    }
}
