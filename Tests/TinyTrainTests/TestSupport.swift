// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import SimKernel

@testable import TinyTrain

/// The seeded generator every test uses, so every test is deterministic.
typealias SplitMix64 = SimKernel.SplitMix64

/// Small models that together exercise every operator's forward and backward.
enum TinyModels {
    static let names = [
        "linear", "mlp-relu", "mlp-relu6", "conv-stride-pad", "grouped-depthwise-bn", "pools", "residual",
    ]

    /// Input scale per model: large enough that ReLU6 saturates above 6 in `mlp-relu6`.
    static func inputScale(_ name: String) -> Double { name == "mlp-relu6" ? 8 : 1 }

    static func make(_ name: String) throws -> ModelGraph {
        switch name {
        case "linear":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 2, height: 3, width: 3))
            let x = try b.flatten(b.input)
            let logits = try b.linear(x, out: 3, name: "fc")
            return try b.build(output: logits)
        case "mlp-relu":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 6))
            var x = try b.linear(b.input, out: 5, name: "fc1")
            x = try b.relu(x)
            let logits = try b.linear(x, out: 3, name: "fc2")
            return try b.build(output: logits)
        case "mlp-relu6":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 6))
            var x = try b.linear(b.input, out: 8, name: "fc1")
            x = try b.relu6(x)
            let logits = try b.linear(x, out: 3, name: "fc2")
            return try b.build(output: logits)
        case "conv-stride-pad":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 2, height: 5, width: 5))
            var x = try b.conv2d(b.input, out: 3, kernel: 3, stride: 2, padding: 1, name: "conv1")
            x = try b.relu(x)
            x = try b.flatten(x)
            let logits = try b.linear(x, out: 3, name: "fc")
            return try b.build(output: logits)
        case "grouped-depthwise-bn":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 2, height: 5, width: 5))
            var x = try b.conv2d(b.input, out: 4, kernel: 1, bias: false, name: "pw")
            x = try b.batchNorm(x)
            x = try b.relu6(x)
            x = try b.conv2d(x, out: 4, kernel: 3, padding: 1, groups: 4, bias: false, name: "dw")
            x = try b.batchNorm(x)
            x = try b.relu6(x)
            x = try b.conv2d(x, out: 4, kernel: 3, stride: 2, groups: 2, name: "grouped")
            x = try b.globalAvgPool(x)
            let logits = try b.linear(x, out: 3, name: "fc")
            return try b.build(output: logits)
        case "pools":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 2, height: 7, width: 7))
            var x = try b.conv2d(b.input, out: 3, kernel: 3, padding: 1, name: "conv1")
            x = try b.relu(x)
            x = try b.maxPool(x, kernel: 3, stride: 2)
            x = try b.conv2d(x, out: 3, kernel: 2, name: "conv2")
            x = try b.avgPool(x, kernel: 2, stride: 1)
            x = try b.flatten(x)
            let logits = try b.linear(x, out: 3, name: "fc")
            return try b.build(output: logits)
        case "residual":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 2, height: 4, width: 4))
            // conv2 unrolls 8 · 3² = 72 rows: more than one block of ConvLowering.depth.
            var a = try b.conv2d(b.input, out: 8, kernel: 3, padding: 1, name: "conv1")
            a = try b.relu(a)
            var c = try b.conv2d(a, out: 8, kernel: 3, padding: 1, bias: false, name: "conv2")
            c = try b.batchNorm(c)
            var x = try b.add(a, c)
            x = try b.relu(x)
            x = try b.globalAvgPool(x)
            let logits = try b.linear(x, out: 3, name: "fc")
            return try b.build(output: logits)
        default:
            throw ModelError(keyPath: name, message: "unknown test model")
        }
    }
}

/// Random parameters (weights and biases, so every bias is non-zero) and a random batch, in float64.
struct GradientProblem {
    var plan: TrainingPlan
    var weights: [(weights: [Double], bias: [Double])]
    var inputs: [Double]
    var labels: [Int]

    init(model: ModelGraph, update: UpdateSpec, batch: Int, seed: UInt64) throws {
        plan = try TrainingPlan.compile(model, update: update, options: CompileOptions(batch: batch, scalarBytes: 8))
        var generator = SplitMix64(seed: seed)
        weights = plan.initialWeights(using: &generator).map { layer in
            (
                layer.weights.map { Double($0) },
                layer.bias.map { _ in Double.random(in: -0.5...0.5, using: &generator) }
            )
        }
        let scale = TinyModels.inputScale(model.name)
        inputs = (0..<(batch * model.inputShape.elementCount)).map { _ in
            scale * Double.random(in: -1...1, using: &generator)
        }
        labels = (0..<batch).map { _ in Int.random(in: 0..<model.classes, using: &generator) }
    }

    /// Parameters after one SGD step with learning rate 1 (so the change is the gradient of the mean loss).
    func parametersAfterStep() throws -> [(weights: [Double], bias: [Double])] {
        let executor = try ArenaExecutor<Double>(plan: plan, weights: weights, debugChecks: false)
        _ = try inputs.withUnsafeBufferPointer { x in
            try labels.withUnsafeBufferPointer { y in
                try executor.run(inputs: x, labels: y, training: StepHyperparameters(learningRate: 1, momentum: 0))
            }
        }
        return executor.weights()
    }

    /// Mean loss at the given parameters.
    func meanLoss(_ parameters: [(weights: [Double], bias: [Double])]) throws -> Double {
        let executor = try ArenaExecutor<Double>(plan: plan, weights: parameters, debugChecks: false)
        return try executor.evaluate(inputs: inputs, labels: labels).meanLoss
    }
}
