// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import Scenario
import SimKernel
import Testing
import TinyTrain

/// Small federated runs on the embedded Fashion-MNIST subset, in process and without radios: 8 clients with
/// 40 training images each (IID), the 784-64-64-10 MLP, one local epoch of batch-10 SGD, 300 test images.
///
/// Asynchronous strategies see clients finish in an order drawn from seeded exponential training times
/// (client k's mean is 1 + k mod 3 time units); a client that finishes downloads the current model and starts
/// again at once, so fast clients contribute more and slow ones arrive stale.
struct EndToEndTests {
    static let clientCount = 8
    static let examplesPerClient = 40
    static let asyncArrivals = 32

    let model: FederatedModel
    let initial: [[Float]]
    let clients: [DatasetExamples]
    let testIndices: [Int]
    let trainer: ClientTrainer

    init() throws {
        self.model = try FederatedModel(graph: ModelZoo.mlp28())
        var generator = RandomStream(StreamKey(masterSeed: 21, entity: 0, purpose: "init"))
        self.initial = try self.model.initialParameters(using: &generator)
        let train = EmbeddedData.sample(
            Self.clientCount * Self.examplesPerClient, of: EmbeddedData.train, purpose: "end-to-end-train")
        self.clients = (0..<Self.clientCount).map { client in
            let start = client * Self.examplesPerClient
            return DatasetExamples(
                dataset: EmbeddedData.train, indices: Array(train[start..<(start + Self.examplesPerClient)]))
        }
        self.testIndices = EmbeddedData.sample(300, of: EmbeddedData.test, purpose: "end-to-end-test")
        self.trainer = try ClientTrainer(epochs: 1, batchSize: 10, learningRate: 0.1)
    }

    func accuracy(_ parameters: [[Float]]) throws -> Double {
        try FederationTests.accuracy(
            of: self.model, parameters: parameters, on: EmbeddedData.test, indices: self.testIndices)
    }

    func shuffleStream(_ client: Int, _ round: Int) -> RandomStream {
        RandomStream(StreamKey(masterSeed: 21, replication: UInt64(round), entity: UInt64(client), purpose: "shuffle"))
    }

    /// Runs ``asyncArrivals`` client completions through `server`, as a run loop would: every client reports
    /// idle at time 0, each assignment an event returns starts a training job that ends after a drawn training
    /// time, the earliest job's update arrives (ties by device id), and its device reports idle again.
    /// Devices train the version they were given under their cap in `capsBytes` (no cap when `nil`).
    func runAsynchronously(
        trainer: ClientTrainer? = nil, subNetwork: SubNetwork, capsBytes: [Int]? = nil, server: inout AsynchronousServer
    ) throws {
        let durations = (0..<Self.clientCount).map {
            RandomStream(StreamKey(masterSeed: 21, entity: UInt64($0), purpose: "training-time"))
        }
        var jobs: [Int: (finish: Double, base: [[Float]], version: Int)] = [:]
        func start(_ assignments: [Assignment], at time: Double) {
            for work in assignments {
                let duration = durations[work.device].exponential(mean: 1 + Double(work.device % 3))
                jobs[work.device] = (time + duration, work.parameters, work.version)
            }
        }
        for client in 0..<Self.clientCount { start(server.deviceIdle(client), at: 0) }
        for arrival in 0..<Self.asyncArrivals {
            let (client, job) = try #require(jobs.min { ($0.value.finish, $0.key) < ($1.value.finish, $1.key) })
            jobs[client] = nil
            let result = try (trainer ?? self.trainer).train(
                model: self.model, subNetwork: subNetwork, capBytes: capsBytes?[client], base: job.base,
                baseVersion: job.version, clientID: client, examples: self.clients[client],
                shuffle: self.shuffleStream(client, arrival))
            guard case .aggregated(_, let work) = server.updateArrived(result.update) else {
                Issue.record("the update of a training device is aggregated")
                return
            }
            #expect(work.count <= 1, "one slot freed")
            start(work, at: job.finish)
            start(server.deviceIdle(client), at: job.finish)
            #expect(jobs.count == min(server.concurrency, Self.clientCount))
        }
    }

    var fullNetwork: SubNetwork {
        self.model.subNetwork(specs: Array(repeating: .all, count: self.model.layout.tensors.count))
    }

    @Test func fedAvgImprovesTestAccuracy() throws {
        var global = GlobalModel(layout: self.model.layout, parameters: self.initial)
        let before = try self.accuracy(global.parameters)
        let stream = RandomStream(StreamKey(masterSeed: 21, entity: 0, purpose: "selection"))
        var server = try SynchronousServer(model: global, selection: CohortSelection(fraction: 1))
        for round in 0..<4 {
            let opened = server.openRound(available: Array(0..<Self.clientCount), stream: stream)
            #expect(opened == .opened(round: round, cohort: Array(0..<Self.clientCount)))
            var last: SynchronousServer.UpdateAction?
            for client in 0..<Self.clientCount {
                let result = try self.trainer.train(
                    model: self.model, subNetwork: self.fullNetwork, capBytes: nil, base: server.model.parameters,
                    baseVersion: server.model.version, clientID: client, examples: self.clients[client],
                    shuffle: self.shuffleStream(client, server.model.version))
                last = server.updateArrived(result.update, round: round)
            }
            guard case .closed(let closed) = last else {
                Issue.record("the last cohort member's update closes round \(round)")
                return
            }
            #expect(closed.cause == .requiredUpdatesArrived && closed.updates == Self.clientCount)
        }
        global = server.model
        let after = try self.accuracy(global.parameters)
        #expect(after > before + 0.25)
    }

    /// FedRolex-style heterogeneous rounds: clients with capacity ratios 1, 1/2 and 1/4 train narrower MLPs whose
    /// hidden windows roll with the round number; FedAvg averages each element over the clients that hold it.
    @Test func fedAvgWithRollingSubNetworksImprovesTestAccuracy() throws {
        var global = GlobalModel(layout: self.model.layout, parameters: self.initial)
        let before = try self.accuracy(global.parameters)
        let unused = RandomStream(seed: 0)
        for round in 0..<4 {
            var updates: [ClientUpdate] = []
            for client in 0..<Self.clientCount {
                let ratio = [1, 0.5, 0.25][client % 3]
                let specs = try ExtractionPolicy.rolling.extract(
                    layout: self.model.layout, capacityRatio: ratio, step: round, stream: unused)
                let sliced = try SlicedModel(model: self.model, specs: specs)
                let result = try sliced.train(
                    with: self.trainer, capBytes: nil, base: global.parameters, baseVersion: global.version,
                    clientID: client, examples: self.clients[client],
                    shuffle: self.shuffleStream(client, global.version))
                updates.append(result.update)
            }
            _ = FedAvgAggregator().aggregate(updates, into: &global)
        }
        let after = try self.accuracy(global.parameters)
        #expect(after > before + 0.25)
    }

    @Test func fedAsyncImprovesTestAccuracy() throws {
        var server = try AsynchronousServer(
            model: GlobalModel(layout: self.model.layout, parameters: self.initial),
            rule: .fedAsync(try FedAsyncAggregator(alpha: 0.6, staleness: StalenessDecay.polynomial(a: 0.5))),
            concurrency: Self.clientCount)
        let before = try self.accuracy(server.model.parameters)
        try self.runAsynchronously(subNetwork: self.fullNetwork, server: &server)
        let after = try self.accuracy(server.model.parameters)
        #expect(after > before + 0.25)
    }

    /// FedBuff with 3 training slots for 8 devices: the waiting devices are started by the assignments that
    /// arriving updates return, as a run loop would do.
    @Test func fedBuffWithFewerSlotsThanDevicesImprovesTestAccuracy() throws {
        var server = try AsynchronousServer(
            model: GlobalModel(layout: self.model.layout, parameters: self.initial),
            rule: .fedBuff(try FedBuffAggregator(bufferSize: 4, staleness: StalenessDecay.polynomial(a: 0.5))),
            concurrency: 3)
        let before = try self.accuracy(server.model.parameters)
        try self.runAsynchronously(subNetwork: self.fullNetwork, server: &server)
        let after = try self.accuracy(server.model.parameters)
        #expect(server.model.version == Self.asyncArrivals / 4)
        #expect(server.waiting.count == Self.clientCount - 3)
        #expect(after > before + 0.25)
    }

    @Test func fedBuffImprovesTestAccuracy() throws {
        var server = try AsynchronousServer(
            model: GlobalModel(layout: self.model.layout, parameters: self.initial),
            rule: .fedBuff(try FedBuffAggregator(bufferSize: 4, staleness: StalenessDecay.polynomial(a: 0.5))),
            concurrency: Self.clientCount)
        let before = try self.accuracy(server.model.parameters)
        try self.runAsynchronously(subNetwork: self.fullNetwork, server: &server)
        let after = try self.accuracy(server.model.parameters)
        #expect(server.model.version == Self.asyncArrivals / 4)
        #expect(after > before + 0.25)
    }

    /// FTTE: every device trains the shared sparse sub-network w*, sized for the smallest of the fleet's caps
    /// (64, 96 and 128 KiB), under its own cap. The sparse update (the classifier, the middle layer and the
    /// first layer's bias) takes a larger learning rate than full-model training.
    @Test func ftteImprovesTestAccuracy() throws {
        let caps = (0..<Self.clientCount).map { [64, 96, 128][$0 % 3] * 1024 }
        let shared = try SparseUpdatePolicy(batchSize: 10).sharedSelection(model: self.model, deviceCapsBytes: caps)
        #expect(shared.peakMemoryBytes <= 64 * 1024)
        var server = try AsynchronousServer(
            model: GlobalModel(layout: self.model.layout, parameters: self.initial),
            rule: .ftte(try FTTEAggregator(bufferSize: 4, staleness: StalenessDecay.polynomial(a: 0.5))),
            concurrency: Self.clientCount)
        let before = try self.accuracy(server.model.parameters)
        let trainer = try ClientTrainer(epochs: 1, batchSize: 10, learningRate: 0.25)
        try self.runAsynchronously(trainer: trainer, subNetwork: shared.subNetwork, capsBytes: caps, server: &server)
        let global = server.model
        let after = try self.accuracy(global.parameters)
        #expect(global.version == Self.asyncArrivals / 4)
        #expect(after > before + 0.25)
        // Only w* moved: every element outside it is still the initial value.
        var outside = self.initial
        shared.subNetwork.subset.scatter(shared.subNetwork.subset.gather(global.parameters), into: &outside)
        #expect(outside == global.parameters)
        #expect(shared.subNetwork.subset.gather(global.parameters) != shared.subNetwork.subset.gather(self.initial))
    }
}
