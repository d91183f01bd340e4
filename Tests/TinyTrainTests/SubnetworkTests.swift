// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import TinyTrain

struct SubnetworkTests {
    @Test
    func trainableParametersAreExactlyWhatASparseStepChanges() throws {
        let model = try ModelZoo.cnn28()
        let spec = try UpdateSpec(parsing: "bias-only,last:1@0.5")
        let plan = try TrainingPlan.compile(model, update: spec, options: CompileOptions(batch: 2))
        var generator = SplitMix64(seed: 4)
        let before = plan.initialWeights(using: &generator)
        let session = try TrainingSession(plan: plan, weights: before)
        let inputs = (0..<(2 * 784)).map { _ in Float.random(in: 0...1, using: &generator) }
        try session.trainStep(inputs: inputs, labels: [1, 7], learningRate: 0.1)
        let after = session.weights()
        let sent = try plan.trainableParameters(of: after)
        #expect(sent.count == plan.trainableParameterCount)
        // Applying the sent sub-network to the old weights reproduces the trained model exactly.
        var rebuilt = before
        try plan.setTrainableParameters(sent, in: &rebuilt)
        #expect(rebuilt == after)
        #expect(try plan.trainableParameters(of: before) != sent)
        #expect(throws: PlanError.self) { try plan.setTrainableParameters(Array(sent.dropLast()), in: &rebuilt) }
    }
}
