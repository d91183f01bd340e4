// SPDX-License-Identifier: GPL-3.0-or-later
//
// Cross-check against PyTorch: trains a shipped model for a few full-update SGD steps from seeded weights on
// seeded random batches, and prints JSON with the initial weights, the batches, the loss of every step and the
// final weights. Scripts/crosscheck-train feeds it to the same architecture in PyTorch and compares.
//
// Usage: train-crosscheck MODEL [STEPS] [BATCH] [LEARNING_RATE]

import SimKernel
import TinyTrain

func json(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }
func json(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ",") + "]" }
func json(_ layers: [LayerWeights]) -> String {
    "[" + layers.map { "{\"weights\":\(json($0.weights)),\"bias\":\(json($0.bias))}" }.joined(separator: ",") + "]"
}

let arguments = Array(CommandLine.arguments.dropFirst())
let name = arguments.first ?? "cnn-cifar"
let steps = arguments.count > 1 ? Int(arguments[1]) ?? 3 : 3
let batch = arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4
let learningRate = arguments.count > 3 ? Float(arguments[3]) ?? 0.05 : 0.05

let model = try ModelZoo.model(named: name)
let plan = try TrainingPlan.compile(model, options: CompileOptions(batch: batch))
var generator = SplitMix64(seed: 2024)
let initial = plan.initialWeights(using: &generator).map { layer in
    // Non-zero biases so that bias handling is compared too.
    LayerWeights(weights: layer.weights, bias: layer.bias.map { _ in Float.random(in: -0.1...0.1, using: &generator) })
}
let session = try TrainingSession(plan: plan, weights: initial)
var batches: [String] = []
var losses: [Double] = []
for _ in 0..<steps {
    let inputs = (0..<(batch * model.inputShape.elementCount)).map { _ in Float.random(in: 0..<1, using: &generator) }
    let labels = (0..<batch).map { _ in Int.random(in: 0..<model.classes, using: &generator) }
    batches.append("{\"inputs\":\(json(inputs)),\"labels\":\(json(labels))}")
    losses.append(try session.trainStep(inputs: inputs, labels: labels, learningRate: learningRate).meanLoss)
}
print(
    "{\"model\":\"\(name)\",\"batch\":\(batch),\"learning_rate\":\(learningRate),\"initial\":\(json(initial)),"
        + "\"batches\":[\(batches.joined(separator: ","))],\"losses\":[\(losses.map { "\($0)" }.joined(separator: ","))],"
        + "\"final\":\(json(session.weights()))}")
