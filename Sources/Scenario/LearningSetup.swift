// SPDX-License-Identifier: GPL-3.0-or-later

import Datasets
import Federation
import Foundation
import SimKernel
import TinyTrain

/// The learning side of one run: data, partition, model, starting weights, the client trainer, and what each
/// device class trains under its SRAM cap.
final class LearningSetup: @unchecked Sendable {
    /// The training split.
    let train: Dataset
    /// For each example of ``train``, its position in the data set's training file (`nil`: the same position,
    /// when `dataset.train_examples` took no subset).
    let trainFilePositions: [Int]?
    /// Test inputs (the evaluation subset, gathered once).
    let testInputs: [Float]
    /// Test labels.
    let testLabels: [Int]
    /// The model on the wire.
    let model: FederatedModel
    /// The starting parameters.
    let initial: [[Float]]
    /// Each device's training sample indices.
    let partition: [[Int]]
    /// Local training.
    let trainer: ClientTrainer
    /// What each device class trains.
    let classTraining: [ClassTraining]
    /// The payload codec (float32 values).
    let codec: PayloadCodec
    /// The forward-only plan the server evaluates with.
    let evaluationPlan: TrainingPlan

    /// What one device class trains.
    enum ClassTraining {
        /// A fixed sub-network of the full model (`full`, `sparse-update`).
        case fixed(subNetwork: SubNetwork, plan: TrainingPlan)
        /// A narrower model cut per participation (`width`, `rolling`) at this capacity ratio; `plan` is the
        /// narrow model's plan (the same for every window).
        case sliced(policy: ExtractionPolicy, ratio: Double, plan: TrainingPlan)
        /// Random elements per participation, trained inside the full model (`random-index`).
        case randomIndex(ratio: Double, plan: TrainingPlan)
        /// Nothing fits: the plan needs `requiredBytes` of SRAM.
        case outOfMemory(requiredBytes: Int)

        /// The planner's SRAM bytes of a participation (`nil` when out of memory).
        var peakMemoryBytes: Int? {
            switch self {
            case .fixed(_, let plan), .sliced(_, _, let plan), .randomIndex(_, let plan): plan.arenaBytes
            case .outOfMemory: nil
            }
        }
    }

    /// Loads and prepares everything for `manifest`'s replication `replication`.
    ///
    /// - Throws: ``ManifestError`` (at the manifest's key path) for data, model, weights or plans that do not work.
    init(manifest: Manifest, replication: Int, file: String) throws(ManifestError) {
        let seed = manifest.seed
        let rep = UInt64(replication)
        func fail(_ keyPath: String, _ message: String) -> ManifestError {
            ManifestError(file: file, keyPath: keyPath, message: message)
        }
        // Data.
        guard let choice = DatasetChoice(name: manifest.dataset.name) else {
            throw fail("dataset.name", "unknown data set '\(manifest.dataset.name)'")
        }
        let fullTrain: Dataset
        let test: Dataset
        do {
            fullTrain = try choice.load(.train, directory: manifest.dataset.path)
            test = try choice.load(.test, directory: manifest.dataset.path)
        } catch {
            throw fail("dataset.path", "\(error) (Scripts/fetch-data \(manifest.dataset.name) fetches it)")
        }
        if let limit = manifest.dataset.trainExamples, limit < fullTrain.count {
            let chosen = RandomStream(StreamKey(masterSeed: seed, replication: rep, entity: 0, purpose: "train-subset"))
                .choose(limit, from: fullTrain.count).map { Int($0) }
            self.train = fullTrain.subset(chosen)
            self.trainFilePositions = chosen
        } else {
            self.train = fullTrain
            self.trainFilePositions = nil
        }
        let testCount = min(manifest.evaluation.testSubset ?? test.count, test.count)
        let testIndices =
            testCount == test.count
            ? Array(0..<test.count)
            : RandomStream(StreamKey(masterSeed: seed, replication: rep, entity: 0, purpose: "test-subset"))
                .choose(testCount, from: test.count).map { Int($0) }
        var inputs: [Float] = []
        var labels: [Int32] = []
        test.gather(testIndices, into: &inputs, labels: &labels)
        self.testInputs = inputs
        self.testLabels = labels.map { Int($0) }

        // Model and starting weights.
        let graph: ModelGraph
        do {
            graph = try ModelZoo.resolve(manifest.model.name)
        } catch {
            throw fail("model.name", "\(error)")
        }
        let shape = graph.inputShape
        guard shape.channels == self.train.shape.channels, shape.height == self.train.shape.height,
            shape.width == self.train.shape.width, graph.classes == self.train.classNames.count
        else {
            throw fail(
                "model.name",
                "model \(graph.name) takes \(shape) inputs and \(graph.classes) classes, but \(self.train.name) has "
                    + "\(self.train.shape) samples and \(self.train.classNames.count) classes")
        }
        do {
            self.model = try FederatedModel(graph: graph)
            self.evaluationPlan = try TrainingPlan.compile(
                graph, update: UpdateSpec(rules: [.allLayers(.frozen)]), options: CompileOptions(batch: 100))
        } catch {
            throw fail("model.name", "\(error)")
        }
        self.codec = PayloadCodec(layout: self.model.layout)
        if let path = manifest.model.initialWeights {
            do {
                self.initial = try WeightsFile.load(for: self.model, from: path)
            } catch {
                throw fail("model.initial_weights", error.description)
            }
        } else {
            var generator = RandomStream(StreamKey(masterSeed: seed, replication: rep, entity: 0, purpose: "init"))
            do {
                self.initial = try self.model.initialParameters(using: &generator)
            } catch {
                throw fail("model.name", "\(error)")
            }
        }

        // Partition.
        let partitioner: any Partitioner
        switch manifest.dataset.partition {
        case "dirichlet": partitioner = DirichletPartitioner(alpha: manifest.dataset.alpha ?? 0.5)
        case "shards": partitioner = ShardPartitioner(shardsPerClient: manifest.dataset.shardsPerClient ?? 2)
        case "quantity-skew":
            partitioner = QuantitySkewPartitioner(sizes: .logNormal(mu: 0, sigma: manifest.dataset.sizeSigma ?? 1))
        default: partitioner = IIDPartitioner()
        }
        do {
            self.partition =
                try partitioner.partition(
                    labels: self.train.labels, classCount: self.train.classNames.count,
                    clientCount: manifest.devices.count,
                    stream: RandomStream(StreamKey(masterSeed: seed, replication: rep, entity: 0, purpose: "partition"))
                ).clients
        } catch {
            throw fail("dataset.partition", error.description)
        }
        if let empty = self.partition.firstIndex(where: \.isEmpty) {
            throw fail(
                "devices.count",
                "device \(empty) gets no training example from the \(manifest.dataset.partition) partition of "
                    + "\(self.train.count) examples; expected fewer devices or more data")
        }

        // Local training and what each class trains.
        do {
            self.trainer = try ClientTrainer(
                epochs: manifest.client.epochs, batchSize: manifest.client.batch,
                learningRate: Float(manifest.client.learningRate), momentum: Float(manifest.client.momentum),
                privacy: manifest.strategy.privacy.mechanism())
        } catch {
            throw fail(error.keyPath.isEmpty ? "client" : "client." + error.keyPath, error.description)
        }
        self.classTraining = try Self.classTraining(
            manifest: manifest, model: self.model, trainer: self.trainer, file: file)
        let required = self.classTraining.compactMap { training -> Int? in
            if case .outOfMemory(let bytes) = training { return bytes }
            return nil
        }
        if required.count == self.classTraining.count, let least = required.min() {
            let largest = manifest.devices.classes.map(\.sramBytes).max() ?? 0
            throw fail(
                "strategy.subnet",
                "no device class can train \(graph.name) with policy \(manifest.strategy.subnet.policy) at batch "
                    + "\(manifest.client.batch): its plan needs at least \(least) bytes, the largest SRAM cap is "
                    + "\(largest); expected a larger sram, a smaller client.batch, or a sub-network policy")
        }
    }

    /// What each class trains under its cap.
    private static func classTraining(
        manifest: Manifest, model: FederatedModel, trainer: ClientTrainer, file: String
    ) throws(ManifestError) -> [ClassTraining] {
        let caps = manifest.devices.classes.map(\.sramBytes)
        let subnet = manifest.strategy.subnet
        func fail(_ message: String) -> ManifestError {
            ManifestError(file: file, keyPath: "strategy.subnet", message: message)
        }
        func planned(_ body: () throws -> ClassTraining) throws(ManifestError) -> ClassTraining {
            do {
                return try body()
            } catch PlanError.exceedsCap(let required, _) {
                return .outOfMemory(requiredBytes: required)
            } catch {
                throw fail("\(error)")
            }
        }
        let all = model.subNetwork(specs: Array(repeating: .all, count: model.layout.tensors.count))
        switch subnet.policy {
        case "sparse-update":
            // FTTE's shared w*: the sparse update that fits the smallest cap, trained by every device.
            let shared: SparseUpdateSelection
            do {
                let policy = try SparseUpdatePolicy(
                    batchSize: manifest.client.batch, momentum: manifest.client.momentum > 0)
                shared = try policy.sharedSelection(model: model, deviceCapsBytes: caps)
            } catch {
                throw fail("no sparse update of \(model.graph.name) fits the smallest SRAM cap: \(error)")
            }
            return try caps.map { (cap) throws(ManifestError) in
                try planned {
                    .fixed(
                        subNetwork: shared.subNetwork,
                        plan: try trainer.plan(model: model, subNetwork: shared.subNetwork, capBytes: cap))
                }
            }
        case "width", "rolling", "random-index":
            let policy: ExtractionPolicy =
                subnet.policy == "width"
                ? .width : subnet.policy == "rolling" ? .rolling : .randomIndex(sharedSeed: true)
            return try caps.map { (cap) throws(ManifestError) in
                try planned {
                    let specs = try policy.extract(
                        layout: model.layout, capacityRatio: subnet.capacityRatio, step: 0,
                        stream: RandomStream(seed: 0))
                    if subnet.policy == "random-index" {
                        let sub = model.subNetwork(specs: specs)
                        return .randomIndex(
                            ratio: subnet.capacityRatio,
                            plan: try trainer.plan(model: model, subNetwork: sub, capBytes: cap))
                    }
                    let sliced = try SlicedModel(model: model, specs: specs)
                    let narrowAll = sliced.narrow.subNetwork(
                        specs: Array(repeating: .all, count: sliced.narrow.layout.tensors.count))
                    return .sliced(
                        policy: policy, ratio: subnet.capacityRatio,
                        plan: try trainer.plan(model: sliced.narrow, subNetwork: narrowAll, capBytes: cap))
                }
            }
        default:
            return try caps.map { (cap) throws(ManifestError) in
                try planned {
                    .fixed(subNetwork: all, plan: try trainer.plan(model: model, subNetwork: all, capBytes: cap))
                }
            }
        }
    }

    /// Test accuracy and mean loss of `parameters` on the evaluation subset.
    func evaluate(_ parameters: [[Float]]) throws -> (accuracy: Double, loss: Double) {
        let session = try TrainingSession(plan: self.evaluationPlan, weights: self.model.layerWeights(from: parameters))
        let result = try session.evaluate(inputs: self.testInputs, labels: self.testLabels)
        return (result.accuracy, result.meanLoss)
    }
}
