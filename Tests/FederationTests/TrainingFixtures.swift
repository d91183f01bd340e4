// SPDX-License-Identifier: GPL-3.0-or-later

import Datasets
import Federation
import Scenario
import SimKernel
import TinyTrain

/// The embedded Fashion-MNIST subset, loaded once for all tests.
enum EmbeddedData {
    static let train: Dataset = load(.train)
    static let test: Dataset = load(.test)

    private static func load(_ split: KnownDataset.Split) -> Dataset {
        do { return try EmbeddedDataset.load(split) } catch { fatalError("embedded data set: \(error)") }
    }

    /// `count` distinct sample indices of `dataset`, drawn from a stream named by `purpose`.
    static func sample(_ count: Int, of dataset: Dataset, purpose: String) -> [Int] {
        RandomStream(StreamKey(masterSeed: 7, entity: 0, purpose: purpose)).choose(count, from: dataset.count)
            .map { Int($0) }
    }
}

/// Test accuracy of `parameters` on `indices` of `dataset`, with a forward-only plan.
func accuracy(of model: FederatedModel, parameters: [[Float]], on dataset: Dataset, indices: [Int]) throws -> Double {
    let plan = try TrainingPlan.compile(
        model.graph, update: UpdateSpec(rules: [.allLayers(.frozen)]), options: CompileOptions(batch: 50))
    let session = try TrainingSession(plan: plan, weights: model.layerWeights(from: parameters))
    var inputs: [Float] = []
    var labels: [Int32] = []
    dataset.gather(indices, into: &inputs, labels: &labels)
    return try session.evaluate(inputs: inputs, labels: labels.map { Int($0) }).accuracy
}
