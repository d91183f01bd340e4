// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import Scenario
import SimKernel
import Testing
import TinyTrain

struct ClientTrainerTests {
    let model: FederatedModel
    let initial: [[Float]]

    init() throws {
        self.model = try FederatedModel(graph: ModelZoo.mlp28())
        var generator = RandomStream(StreamKey(masterSeed: 3, entity: 0, purpose: "init"))
        self.initial = try self.model.initialParameters(using: &generator)
    }

    func stream(_ entity: UInt64, _ purpose: String) -> RandomStream {
        RandomStream(StreamKey(masterSeed: 3, entity: entity, purpose: purpose))
    }

    func examples(_ count: Int, purpose: String) -> DatasetExamples {
        DatasetExamples(
            dataset: EmbeddedData.train, indices: EmbeddedData.sample(count, of: EmbeddedData.train, purpose: purpose))
    }

    /// FedAvg with full participation, one local full-batch step per client and equal client sizes equals one
    /// step of centralised SGD on the union: the mean loss's gradient on the union is the mean of the clients'.
    /// Both sides train with the engine; they differ only by float rounding in the gradient sums.
    @Test func fedAvgWithOneLocalStepEqualsCentralisedSGDOnTheUnion() throws {
        let clients = (0..<4).map { self.examples(5, purpose: "fedavg-\($0)") }
        let trainer = try ClientTrainer(epochs: 1, batchSize: 5, learningRate: 0.5)
        let full = self.model.subNetwork(specs: Array(repeating: .all, count: self.model.layout.tensors.count))
        var global = GlobalModel(layout: self.model.layout, parameters: self.initial)
        let updates = try clients.enumerated().map { id, data in
            try trainer.train(
                model: self.model, subNetwork: full, capBytes: nil, base: self.initial, baseVersion: 0, clientID: id,
                examples: data, shuffle: self.stream(UInt64(id), "shuffle")
            ).update
        }
        _ = FedAvgAggregator().aggregate(updates, into: &global)

        let union = clients.flatMap(\.indices)
        let plan = try TrainingPlan.compile(self.model.graph, options: CompileOptions(batch: union.count))
        let session = try TrainingSession(plan: plan, weights: self.model.layerWeights(from: self.initial))
        var inputs: [Float] = []
        var labels: [Int32] = []
        EmbeddedData.train.gather(union, into: &inputs, labels: &labels)
        try session.trainStep(inputs: inputs, labels: labels.map { Int($0) }, learningRate: 0.5)
        let central = self.model.parameters(from: session.weights())

        var largestMove: Float = 0
        var largestGap: Float = 0
        for tensor in central.indices {
            for index in central[tensor].indices {
                largestMove = max(largestMove, abs(central[tensor][index] - self.initial[tensor][index]))
                largestGap = max(largestGap, abs(central[tensor][index] - global.parameters[tensor][index]))
            }
        }
        #expect(largestMove > 1e-2)
        #expect(largestGap < 2e-6)
    }

    /// One SGD step on a random-index sub-network moves each held element exactly as a full-model step does
    /// (the gradient of an element does not depend on which others train), and the update holds nothing else.
    @Test func randomIndexStepEqualsTheFullStepOnTheHeldElements() throws {
        let data = self.examples(16, purpose: "random-index")
        let trainer = try ClientTrainer(epochs: 1, batchSize: 16, learningRate: 0.2)
        let specs = try ExtractionPolicy.randomIndex(sharedSeed: true).extract(
            layout: self.model.layout, capacityRatio: 0.3, step: 0, stream: self.stream(1, "subnet"))
        let sub = self.model.subNetwork(specs: specs)
        #expect(!sub.trainsExactlySubset)
        let full = self.model.subNetwork(specs: Array(repeating: .all, count: self.model.layout.tensors.count))
        let sparse = try trainer.train(
            model: self.model, subNetwork: sub, capBytes: nil, base: self.initial, baseVersion: 0, clientID: 1,
            examples: data, shuffle: self.stream(1, "shuffle"))
        let dense = try trainer.train(
            model: self.model, subNetwork: full, capBytes: nil, base: self.initial, baseVersion: 0, clientID: 1,
            examples: data, shuffle: self.stream(1, "shuffle"))
        let expected = sub.subset.gather(dense.update.deltas)
        #expect(sparse.update.deltas.map(\.count) == expected.map(\.count))
        for (got, want) in zip(sparse.update.deltas, expected) {
            for (a, b) in zip(got, want) { #expect(abs(a - b) <= 1e-6) }
        }
        #expect(sparse.update.deltas.joined().contains { $0 != 0 })
    }

    /// The same streams give the same update bit for bit; another shuffle stream gives another one.
    @Test func trainingIsAPureFunctionOfItsStreams() throws {
        let data = self.examples(30, purpose: "determinism")
        let trainer = try ClientTrainer(epochs: 2, batchSize: 4, learningRate: 0.05, momentum: 0.9)
        let selection = try SparseUpdatePolicy(batchSize: 4, momentum: true).select(
            model: self.model, capBytes: 96 * 1024)
        func run(_ shuffle: String) throws -> [[Float]] {
            try trainer.train(
                model: self.model, subNetwork: selection.subNetwork, capBytes: 96 * 1024, base: self.initial,
                baseVersion: 0, clientID: 2, examples: data, shuffle: self.stream(2, shuffle)
            ).update.deltas
        }
        #expect(try run("shuffle") == run("shuffle"))
        #expect(try run("shuffle") != run("other-shuffle"))
    }

    /// MACs of a run with a short last batch equal the plans' counts: two full batches of 5 and one plan
    /// compiled for batch 2. Peak memory is the plan's arena.
    @Test func macsAndPeakMemoryComeFromThePlans() throws {
        let data = self.examples(12, purpose: "macs")
        let trainer = try ClientTrainer(epochs: 1, batchSize: 5, learningRate: 0.05)
        let selection = try SparseUpdatePolicy(batchSize: 5).select(model: self.model, capBytes: 128 * 1024)
        let result = try trainer.train(
            model: self.model, subNetwork: selection.subNetwork, capBytes: 128 * 1024, base: self.initial,
            baseVersion: 0, clientID: 0, examples: data, shuffle: self.stream(0, "shuffle"))
        let five = try TrainingPlan.compile(
            self.model.graph, update: selection.subNetwork.update, options: .init(batch: 5))
        let two = try TrainingPlan.compile(
            self.model.graph, update: selection.subNetwork.update, options: .init(batch: 2))
        #expect(result.steps == 3)
        #expect(result.macs == 2 * (five.forwardMACs + five.backwardMACs) + two.forwardMACs + two.backwardMACs)
        #expect(result.peakMemoryBytes == five.arenaBytes && result.peakMemoryBytes <= 128 * 1024)
        #expect(result.update.exampleCount == 12)
    }

    /// Local mode with σ = 0, and central mode whatever σ (the server adds the noise), only clip on the
    /// client: the update is the non-private one scaled to norm C.
    @Test(arguments: [(PrivacyMode.local, 0.0), (.central, 1.5)])
    func privacyClipsToTheNorm(mode: PrivacyMode, sigma: Double) throws {
        let data = self.examples(10, purpose: "privacy")
        let plain = try ClientTrainer(epochs: 1, batchSize: 5, learningRate: 0.1)
        var clipped = plain
        clipped.privacy = try ClientPrivacy(mode: mode, clipNorm: 0.01, noiseMultiplier: sigma)
        let full = self.model.subNetwork(specs: Array(repeating: .all, count: self.model.layout.tensors.count))
        func run(_ trainer: ClientTrainer) throws -> ClientTrainingResult {
            try trainer.train(
                model: self.model, subNetwork: full, capBytes: nil, base: self.initial, baseVersion: 0, clientID: 0,
                examples: data, shuffle: self.stream(0, "shuffle"), noise: self.stream(0, "noise"))
        }
        let reference = try run(plain)
        let private_ = try run(clipped)
        let norm = ClientPrivacy.norm(reference.update.deltas)
        #expect(norm > 0.01)
        #expect(private_.normBeforeClipping == norm)
        #expect(abs(ClientPrivacy.norm(private_.update.deltas) - 0.01) < 1e-6)
        for (a, b) in zip(private_.update.deltas.joined(), reference.update.deltas.joined()) {
            #expect(abs(Double(a) - Double(b) * 0.01 / norm) < 1e-7)
        }
    }

    /// A trained sparse update travels as its channel windows and values: the payload decodes to the same subset
    /// and the same Δ, and its size is the message header plus, per held tensor, a header, the window (8 bytes
    /// when partial) and 4 bytes per value.
    @Test func sparseUpdateRoundTripsThroughThePayloadCodec() throws {
        let selection = try SparseUpdatePolicy(batchSize: 5).select(model: self.model, capBytes: 128 * 1024)
        let trainer = try ClientTrainer(epochs: 1, batchSize: 5, learningRate: 0.05)
        let update = try trainer.train(
            model: self.model, subNetwork: selection.subNetwork, capBytes: 128 * 1024, base: self.initial,
            baseVersion: 3, clientID: 0, examples: self.examples(10, purpose: "payload"),
            shuffle: self.stream(0, "shuffle")
        ).update
        let codec = PayloadCodec(layout: self.model.layout)
        let bytes = codec.encode(version: 3, specs: selection.subNetwork.specs, values: update.deltas)
        let decoded = try codec.decode(bytes)
        #expect(decoded.version == 3 && decoded.values == update.deltas)
        #expect(zip(decoded.specs, self.model.layout.tensors).map { $0.resolve($1) } == update.subset.tensors)
        var expected = 6
        for (spec, values) in zip(selection.subNetwork.specs, update.deltas) where spec != .none {
            if case .channelWindow = spec { expected += 8 }
            expected += 4 + 4 * values.count
        }
        #expect(bytes.count == expected)
    }

    @Test func planAboveTheCapIsOutOfMemory() throws {
        let trainer = try ClientTrainer(epochs: 1, batchSize: 1, learningRate: 0.1)
        let full = self.model.subNetwork(specs: Array(repeating: .all, count: self.model.layout.tensors.count))
        #expect(throws: PlanError.exceedsCap(requiredBytes: 424_576, availableBytes: 256 * 1024)) {
            try trainer.train(
                model: self.model, subNetwork: full, capBytes: 256 * 1024, base: self.initial, baseVersion: 0,
                clientID: 0, examples: self.examples(4, purpose: "oom"), shuffle: self.stream(0, "shuffle"))
        }
    }

    @Test func invalidHyperparametersNameTheirKey() {
        #expect(
            throws: FederationConfigurationError.invalid(
                "strategy.client.epochs", value: "0", expected: "an integer ≥ 1")
        ) {
            try ClientTrainer(epochs: 0, batchSize: 1, learningRate: 0.1)
        }
        #expect(throws: FederationConfigurationError.self) {
            try ClientTrainer(epochs: 1, batchSize: 1, learningRate: 0)
        }
        #expect(throws: FederationConfigurationError.self) {
            try ClientTrainer(epochs: 1, batchSize: 1, learningRate: 0.1, momentum: 1)
        }
    }
}
