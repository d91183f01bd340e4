// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import Scenario
import SimKernel
import Testing
import TinyTrain

struct SlicedModelTests {
    static let policies: [(ExtractionPolicy, Double, Int)] = [
        (.width, 0.5, 0), (.rolling, 0.5, 3), (.rolling, 0.25, 7),
    ]

    func setUp(_ name: String, _ policy: ExtractionPolicy, _ ratio: Double, _ round: Int) throws -> (
        SlicedModel, [[Float]]
    ) {
        let model = try FederatedModel(graph: ModelZoo.model(named: name))
        let stream = RandomStream(StreamKey(masterSeed: 9, entity: 0, purpose: "sliced"))
        let specs = try policy.extract(layout: model.layout, capacityRatio: ratio, step: round, stream: stream)
        var generator = RandomStream(StreamKey(masterSeed: 9, entity: 0, purpose: "init"))
        return (try SlicedModel(model: model, specs: specs), try model.initialParameters(using: &generator))
    }

    /// The full parameters with every output channel outside its window silenced (zero weights and bias; ReLU,
    /// ReLU6, pooling and residual sums keep a zero channel zero).
    func silenced(_ sliced: SlicedModel, _ parameters: [[Float]]) -> [[Float]] {
        var result = parameters
        for (tensor, layout) in sliced.full.layout.tensors.enumerated() where layout.slicesOutputChannels {
            guard case .channelWindow(let window, _) = sliced.specs[tensor] else { continue }
            let outside = Set(0..<layout.outputChannels).subtracting(window.channels).sorted()
            for index in layout.elements(outputChannels: outside, inputChannels: Array(0..<layout.inputChannels)) {
                result[tensor][Int(index)] = 0
            }
        }
        return result
    }

    /// `count` embedded images, or standard-normal inputs for models that do not read 1×28×28 images.
    func batch(_ count: Int, shape: TensorShape) -> (inputs: [Float], labels: [Int]) {
        if shape != TensorShape(channels: 1, height: 28, width: 28) {
            let stream = RandomStream(StreamKey(masterSeed: 9, entity: 0, purpose: "inputs"))
            let inputs = (0..<(count * shape.elementCount)).map { _ in Float(stream.normal()) }
            return (inputs, (0..<count).map { $0 % 10 })
        }
        var inputs: [Float] = []
        var labels: [Int32] = []
        let indices = EmbeddedData.sample(count, of: EmbeddedData.train, purpose: "sliced-batch")
        EmbeddedData.train.gather(indices, into: &inputs, labels: &labels)
        return (inputs, labels.map { Int($0) })
    }

    /// The narrow model with the gathered parameters computes what the full model computes once the channels
    /// outside the windows are silenced: same loss and predictions (up to summation order).
    @Test(arguments: [
        ("cnn-28", 0), ("cnn-28", 1), ("cnn-28", 2), ("mlp-28", 0), ("mlp-28", 2), ("cnn-cifar", 2),
        ("mobilenetv2-cifar", 1),
    ])
    func narrowModelEqualsTheFullModelWithSilencedChannels(name: String, policy: Int) throws {
        let (sliced, parameters) = try self.setUp(
            name, Self.policies[policy].0, Self.policies[policy].1, Self.policies[policy].2)
        let full = self.silenced(sliced, parameters)
        let count = name == "mobilenetv2-cifar" ? 2 : 16
        let (inputs, labels) = self.batch(count, shape: sliced.full.graph.inputShape)
        func evaluate(_ model: FederatedModel, _ parameters: [[Float]]) throws -> BatchResult {
            let plan = try TrainingPlan.compile(
                model.graph, update: UpdateSpec(rules: [.allLayers(.frozen)]), options: CompileOptions(batch: count))
            return try TrainingSession(plan: plan, weights: model.layerWeights(from: parameters))
                .evaluate(inputs: inputs, labels: labels)
        }
        let wide = try evaluate(sliced.full, full)
        let narrow = try evaluate(sliced.narrow, sliced.narrowParameters(from: full))
        #expect(sliced.narrow.layout.parameterCount < sliced.full.layout.parameterCount)
        #expect(abs(wide.lossSum - narrow.lossSum) < 1e-4 * abs(wide.lossSum))
        #expect(wide.correct == narrow.correct)
    }

    /// One full-batch SGD step of the narrow model is the full model's step on the silenced parameters, restricted
    /// to the held elements; the full step leaves every element outside the sub-network unchanged (silenced
    /// channels pass no gradient through ReLU).
    @Test(arguments: [0, 1])
    func narrowTrainingStepIsTheFullStepOnTheHeldElements(policy: Int) throws {
        let (sliced, parameters) = try self.setUp(
            "cnn-28", Self.policies[policy].0, Self.policies[policy].1, Self.policies[policy].2)
        let base = self.silenced(sliced, parameters)
        let indices = EmbeddedData.sample(12, of: EmbeddedData.train, purpose: "sliced-batch")
        let examples = DatasetExamples(dataset: EmbeddedData.train, indices: indices)
        let trainer = try ClientTrainer(epochs: 1, batchSize: 12, learningRate: 0.1)
        let shuffle = { RandomStream(StreamKey(masterSeed: 9, entity: 1, purpose: "shuffle")) }
        let narrow = try sliced.train(
            with: trainer, capBytes: nil, base: base, baseVersion: 4, clientID: 1, examples: examples,
            shuffle: shuffle())
        #expect(narrow.update.subset == sliced.subset && narrow.update.baseVersion == 4)
        let everything = sliced.full.subNetwork(specs: Array(repeating: .all, count: sliced.full.layout.tensors.count))
        let wide = try trainer.train(
            model: sliced.full, subNetwork: everything, capBytes: nil, base: base, baseVersion: 4, clientID: 1,
            examples: examples, shuffle: shuffle())
        var outside = sliced.full.layout.tensors.map { [Bool](repeating: true, count: $0.elementCount) }
        for (tensor, subset) in sliced.subset.tensors.enumerated() {
            for index in subset.indexList(of: outside[tensor].count) { outside[tensor][Int(index)] = false }
        }
        for tensor in outside.indices {
            for index in outside[tensor].indices where outside[tensor][index] {
                #expect(wide.update.deltas[tensor][index] == 0)
            }
        }
        let expected = sliced.subset.gather(wide.update.deltas)
        for (got, want) in zip(narrow.update.deltas.joined(), expected.joined()) { #expect(abs(got - want) <= 1e-6) }
        #expect(narrow.update.deltas.joined().contains { $0 != 0 })
        #expect(narrow.peakMemoryBytes < wide.peakMemoryBytes)
        #expect(narrow.macs < wide.macs)
    }

    /// Training memory (planner bytes) of the narrow cnn-cifar shrinks with the capacity ratio, and a device
    /// with exactly that many bytes can compile it.
    @Test func narrowPlansShrinkWithTheRatioAndFitTheirCap() throws {
        let model = try FederatedModel(graph: ModelZoo.cnnCIFAR())
        let stream = RandomStream(seed: 1)
        var previous = Int.max
        for ratio in [1.0, 0.5, 0.25, 0.125] {
            let specs = try ExtractionPolicy.width.extract(
                layout: model.layout, capacityRatio: ratio, step: 0, stream: stream)
            let sliced = try SlicedModel(model: model, specs: specs)
            let bytes = try TrainingPlan.compile(sliced.narrow.graph).arenaBytes
            #expect(bytes < previous)
            previous = bytes
            let trainer = try ClientTrainer(epochs: 1, batchSize: 1, learningRate: 0.1)
            let all = sliced.narrow.subNetwork(specs: Array(repeating: .all, count: sliced.narrow.layout.tensors.count))
            #expect(throws: Never.self) { try trainer.plan(model: sliced.narrow, subNetwork: all, capBytes: bytes) }
            #expect(throws: PlanError.self) {
                try trainer.plan(model: sliced.narrow, subNetwork: all, capBytes: bytes - 1)
            }
        }
    }

    @Test func mobileNetSlicesDepthwiseAndResidualChannelsConsistently() throws {
        let (sliced, _) = try self.setUp("mobilenetv2-cifar", .rolling, 0.5, 5)
        #expect(sliced.narrow.layout.parameterCount == sliced.subset.parameterCount(in: sliced.full.layout))
        #expect(sliced.narrow.layout.parameterCount < sliced.full.layout.parameterCount / 2)
    }

    @Test func randomIndexSpecsCannotBeSliced() throws {
        let model = try FederatedModel(graph: ModelZoo.cnn28())
        let specs = try ExtractionPolicy.randomIndex(sharedSeed: true).extract(
            layout: model.layout, capacityRatio: 0.5, step: 0, stream: RandomStream(seed: 2))
        #expect(throws: FederationConfigurationError.self) { try SlicedModel(model: model, specs: specs) }
    }
}

extension SlicedModelTests {
    /// The ratio chosen for a cap trains under it, and the next larger candidate does not.
    @Test(arguments: [128 * 1024, 256 * 1024])
    func largestCapacityRatioIsTheLargestThatFits(capBytes: Int) throws {
        let model = try FederatedModel(graph: ModelZoo.cnnCIFAR())
        let ratio = try #require(
            try SlicedModel.largestCapacityRatio(
                model: model, policy: .width, capBytes: capBytes, options: CompileOptions(batch: 1)))
        func bytes(_ ratio: Double) throws -> Int {
            let specs = try ExtractionPolicy.width.extract(
                layout: model.layout, capacityRatio: ratio, step: 0, stream: RandomStream(seed: 0))
            return try TrainingPlan.compile(SlicedModel(model: model, specs: specs).narrow.graph).arenaBytes
        }
        #expect(try bytes(ratio) <= capBytes)
        #expect(ratio < 1)
        #expect(try bytes(ratio + 1.0 / 16) > capBytes)
    }
}
