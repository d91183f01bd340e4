// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel
import Testing

struct StragglerTests {
    func stream(_ device: Int) -> RandomStream {
        RandomStream(StreamKey(masterSeed: 11, entity: UInt64(device), purpose: "straggler"))
    }

    @Test func aFractionOfDevicesIsSlowedByFactorsFromTheDistribution() throws {
        let model = StragglerModel(fraction: 0.9, slowdown: .uniform(lower: 5, upper: 20))
        try model.validate()
        let devices = 10_000
        let assignments = (0..<devices).map { model.assign(self.stream($0)) }
        let stragglers = assignments.filter(\.isStraggler)
        // Binomial(10 000, 0.9): σ = 30 devices; allow 5σ.
        #expect(abs(stragglers.count - 9_000) <= 150)
        #expect(stragglers.allSatisfy { (5..<20).contains($0.computeSlowdown) })
        let mean = stragglers.map(\.computeSlowdown).reduce(0, +) / Double(stragglers.count)
        // Uniform(5, 20): mean 12.5, σ of the mean ≈ 4.33 / √9000 ≈ 0.046.
        #expect(abs(mean - 12.5) < 0.25)
        #expect(assignments.filter { !$0.isStraggler }.allSatisfy { $0 == .normal })
        #expect(stragglers.allSatisfy { $0.linkSlowdown == 1 }, "the link is untouched unless configured")
    }

    @Test func theLinkIsSlowedByTheSameFactorWhenConfigured() {
        let model = StragglerModel(fraction: 1, slowdown: .logNormal(mu: 1, sigma: 0.5), appliesToLink: true)
        for device in 0..<100 {
            let assignment = model.assign(self.stream(device))
            #expect(assignment.isStraggler)
            #expect(assignment.linkSlowdown == assignment.computeSlowdown)
        }
    }

    @Test func assignmentsArePureFunctionsOfTheDevicesStream() {
        let model = StragglerModel(fraction: 0.3, slowdown: .gamma(shape: 2, scale: 3))
        let first = (0..<500).map { model.assign(self.stream($0)) }
        let again = (0..<500).reversed().map { model.assign(self.stream($0)) }.reversed()
        #expect(first == Array(again))
    }

    @Test func slowdownsBelowOneAreRaisedToOneAndBadFractionsRejected() throws {
        let model = StragglerModel(fraction: 1, slowdown: .constant(0.25))
        #expect(model.assign(self.stream(0)).computeSlowdown == 1)
        #expect(throws: DistributionError.self) {
            try StragglerModel(fraction: 1.5, slowdown: .constant(2)).validate()
        }
        #expect(throws: DistributionError.self) {
            try StragglerModel(fraction: 0.5, slowdown: .uniform(lower: 3, upper: 2)).validate()
        }
    }
}
