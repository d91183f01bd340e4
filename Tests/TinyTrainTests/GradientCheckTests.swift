// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import TinyTrain

/// Backward passes against central finite differences, in float64.
///
/// Scheme: the kernels are generic over the scalar, so the same plan runs in float64 (compiled with 8-byte
/// scalars). One SGD step with learning rate 1 changes each trainable parameter by exactly minus its gradient
/// of the mean batch loss; that change is compared with `(L(θ + h) − L(θ − h)) / 2h`, h = 1e-5, for every
/// trainable parameter. Truncation error is O(h²) ≈ 1e-10 and round-off ≈ 1e-11, so a tolerance of
/// 1e-6 absolute + 1e-5 relative separates a correct backward from a wrong one by orders of magnitude.
/// Random inputs put no pre-activation within h of a ReLU kink and no two max-pool candidates within h.
struct GradientCheckTests {
    static let step = 1e-5

    static func check(model name: String, update: UpdateSpec, seed: UInt64) throws {
        let model = try TinyModels.make(name)
        let problem = try GradientProblem(model: model, update: update, batch: 2, seed: seed)
        let after = try problem.parametersAfterStep()
        var checked = 0
        for (layerIndex, layer) in problem.plan.layers.enumerated() {
            let trainableRows = Set(layer.trainableRows)
            for index in problem.weights[layerIndex].weights.indices {
                let analytic = problem.weights[layerIndex].weights[index] - after[layerIndex].weights[index]
                guard trainableRows.contains(index / layer.rowLength) else {
                    #expect(analytic == 0, "frozen weight \(layer.name)[\(index)] changed")
                    continue
                }
                var plus = problem.weights
                plus[layerIndex].weights[index] += step
                var minus = problem.weights
                minus[layerIndex].weights[index] -= step
                let numeric = try (problem.meanLoss(plus) - problem.meanLoss(minus)) / (2 * step)
                #expect(
                    abs(numeric - analytic) <= 1e-6 + 1e-5 * abs(numeric),
                    "\(name) \(layer.name).W[\(index)]: backward \(analytic), finite difference \(numeric)")
                checked += 1
            }
            for index in problem.weights[layerIndex].bias.indices {
                let analytic = problem.weights[layerIndex].bias[index] - after[layerIndex].bias[index]
                guard layer.biasTrainable else {
                    #expect(analytic == 0, "frozen bias \(layer.name)[\(index)] changed")
                    continue
                }
                var plus = problem.weights
                plus[layerIndex].bias[index] += step
                var minus = problem.weights
                minus[layerIndex].bias[index] -= step
                let numeric = try (problem.meanLoss(plus) - problem.meanLoss(minus)) / (2 * step)
                #expect(
                    abs(numeric - analytic) <= 1e-6 + 1e-5 * abs(numeric),
                    "\(name) \(layer.name).b[\(index)]: backward \(analytic), finite difference \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 0)
        if name == "mlp-relu6" {
            // The upper clamp must be exercised: some pre-activation of the batch above 6.
            let executor = try ArenaExecutor<Double>(plan: problem.plan, weights: problem.weights, debugChecks: false)
            _ = try executor.evaluate(inputs: problem.inputs, labels: problem.labels)
            let hidden = problem.plan.bindings.value[problem.plan.ops[0].output]
            let values = UnsafeBufferPointer(start: executor.pointer(hidden, as: Double.self), count: 2 * 8)
            #expect(values.contains(6) && values.contains(0) && values.contains { $0 > 0 && $0 < 6 })
        }
    }

    @Test(arguments: TinyModels.names)
    func fullUpdateGradientsMatchCentralFiniteDifferences(model: String) throws {
        try Self.check(model: model, update: .full, seed: 7)
    }

    @Test(arguments: TinyModels.names)
    func sparseUpdateGradientsMatchCentralFiniteDifferences(model: String) throws {
        // First layer bias only, last layer half its channels: exercises pruning, partial rows and bias-only.
        let first = try TinyModels.make(model).parameterNodes.first!
        let name = try TinyModels.make(model).nodes[first].name
        let spec = try UpdateSpec(parsing: "last:1@0.5,\(name)=b")
        try Self.check(model: model, update: spec, seed: 11)
    }
}
