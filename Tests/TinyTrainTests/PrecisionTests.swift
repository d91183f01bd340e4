// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import TinyTrain

struct PrecisionTests {
    /// The float32 engine computes what the float64 engine (checked against finite differences) computes, up to
    /// float32 rounding: one SGD step from the same parameters and batch, compared parameter by parameter.
    @Test(arguments: TinyModels.names)
    func float32StepMatchesTheFloat64Step(model name: String) throws {
        let model = try TinyModels.make(name)
        let reference = try GradientProblem(model: model, update: .full, batch: 3, seed: 21)
        // Start both from float32-representable values so only the arithmetic differs.
        var start = reference
        start.weights = reference.weights.map {
            ($0.weights.map { Double(Float($0)) }, $0.bias.map { Double(Float($0)) })
        }
        start.inputs = reference.inputs.map { Double(Float($0)) }
        let expected = try start.parametersAfterStep()
        let plan = try TrainingPlan.compile(model, options: CompileOptions(batch: 3))
        let session = try TrainingSession(
            plan: plan,
            weights: start.weights.map {
                LayerWeights(weights: $0.weights.map(Float.init), bias: $0.bias.map(Float.init))
            })
        try session.trainStep(inputs: start.inputs.map(Float.init), labels: start.labels, learningRate: 1)
        for (layer, (actual, wanted)) in zip(plan.layers, zip(session.weights(), expected)) {
            for (a, b) in zip(actual.weights + actual.bias, wanted.weights + wanted.bias) {
                #expect(abs(Double(a) - b) <= 1e-4 * max(1, abs(b)), "\(name) \(layer.name): \(a) vs \(b)")
            }
        }
    }
}
