// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import TinyTrain

/// A client's local work: E epochs of mini-batch SGD on its own examples, through a training-engine session
/// compiled under the device's memory cap, starting from the global parameters it downloaded.
///
/// Each epoch visits the examples in an order shuffled (Fisher–Yates) by the client's stream, in
/// batches of ``batchSize`` (the last one smaller when the count does not divide). Layers outside the
/// sub-network are frozen and run forward only. When the sub-network is finer than the engine's row
/// granularity, the elements of trained rows outside it are restored after every step (see ``SubNetwork``).
/// With ``privacy`` the update is clipped before it is returned, and in `local` mode noised too (in `central`
/// mode the server adds the noise).
///
/// The result is a pure function of (base parameters, examples, streams): training runs no clock.
public struct ClientTrainer: Hashable, Sendable {
    /// Local epochs E ≥ 1.
    public var epochs: Int
    /// Mini-batch size B ≥ 1.
    public var batchSize: Int
    /// SGD learning rate η > 0.
    public var learningRate: Float
    /// SGD momentum μ ∈ [0, 1); with μ > 0 the plan keeps momentum buffers in SRAM.
    public var momentum: Float
    /// Optional client-level differential privacy (clipping; in `local` mode also the noise).
    public var privacy: ClientPrivacy?

    /// Creates the trainer.
    ///
    /// - Throws: ``FederationConfigurationError`` naming the first parameter out of range.
    public init(
        epochs: Int, batchSize: Int, learningRate: Float, momentum: Float = 0, privacy: ClientPrivacy? = nil
    ) throws(FederationConfigurationError) {
        guard epochs >= 1 else {
            throw .invalid("strategy.client.epochs", value: "\(epochs)", expected: "an integer ≥ 1")
        }
        guard batchSize >= 1 else {
            throw .invalid("strategy.client.batch", value: "\(batchSize)", expected: "an integer ≥ 1")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalid("strategy.client.lr", value: "\(learningRate)", expected: "a number > 0")
        }
        guard momentum.isFinite, momentum >= 0, momentum < 1 else {
            throw .invalid("strategy.client.momentum", value: "\(momentum)", expected: "a number in [0, 1)")
        }
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.momentum = momentum
        self.privacy = privacy
    }

    /// The engine options for a device with `capBytes` of training SRAM (`nil`: no cap).
    public func compileOptions(capBytes: Int?) -> CompileOptions {
        CompileOptions(batch: self.batchSize, momentum: self.momentum > 0, capBytes: capBytes)
    }

    /// Compiles the plan that trains `subNetwork` under `capBytes`.
    ///
    /// - Throws: ``PlanError/exceedsCap(requiredBytes:availableBytes:)`` when it does not fit (the device is out
    ///   of memory), or another ``PlanError`` when the engine rejects the update.
    public func plan(model: FederatedModel, subNetwork: SubNetwork, capBytes: Int?) throws -> TrainingPlan {
        try TrainingPlan.compile(
            model.graph, update: subNetwork.update, options: self.compileOptions(capBytes: capBytes))
    }

    /// Compiles the plan under `capBytes` and trains (see ``train(model:subNetwork:plan:base:baseVersion:clientID:examples:shuffle:noise:)``).
    ///
    /// - Throws: As ``plan(model:subNetwork:capBytes:)`` and the training overload.
    public func train(
        model: FederatedModel, subNetwork: SubNetwork, capBytes: Int?, base: [[Float]], baseVersion: Int,
        clientID: Int, examples: some ClientExamples, shuffle: RandomStream, noise: RandomStream? = nil,
        stepLimit: Int? = nil
    ) throws -> ClientTrainingResult {
        let plan = try self.plan(model: model, subNetwork: subNetwork, capBytes: capBytes)
        return try self.train(
            model: model, subNetwork: subNetwork, plan: plan, base: base, baseVersion: baseVersion,
            clientID: clientID, examples: examples, shuffle: shuffle, noise: noise, stepLimit: stepLimit)
    }

    /// Runs the local epochs with a compiled plan and returns the update on the sub-network.
    ///
    /// - Parameters:
    ///   - model: The model.
    ///   - subNetwork: What the client holds and trains.
    ///   - plan: A plan of `model` compiled for `subNetwork.update` with ``compileOptions(capBytes:)``.
    ///   - base: The global parameters the client downloaded (one flat array per tensor).
    ///   - baseVersion: Their model version.
    ///   - clientID: The device id.
    ///   - examples: The client's partition.
    ///   - shuffle: The client's stream for the order of examples.
    ///   - noise: The client's stream for privacy noise (required in `local` privacy mode with σ > 0).
    /// - Throws: ``FederationConfigurationError`` for a client without examples or a missing noise stream,
    ///   ``PlanError`` when the engine rejects the data, ``NonFiniteUpdateError`` when training diverges.
    public func train(
        model: FederatedModel, subNetwork: SubNetwork, plan: TrainingPlan, base: [[Float]], baseVersion: Int,
        clientID: Int, examples: some ClientExamples, shuffle: RandomStream, noise: RandomStream? = nil,
        stepLimit: Int? = nil
    ) throws -> ClientTrainingResult {
        precondition(plan.model == model.graph, "the plan must be compiled from the model's graph")
        precondition(plan.options.batch == self.batchSize, "the plan must be compiled for the trainer's batch")
        let count = examples.exampleCount
        guard count >= 1 else {
            throw FederationConfigurationError.invalid(
                "client[\(clientID)].examples", value: "\(count)", expected: "at least one training example")
        }
        if self.privacy?.clientAddsNoise == true && noise == nil {
            throw FederationConfigurationError.invalid(
                "strategy.privacy", value: "no noise stream", expected: "a noise stream for client \(clientID)")
        }
        let session = try TrainingSession(plan: plan, weights: model.layerWeights(from: base))
        var order = Array(0..<count)
        var inputs: [Float] = []
        var labels: [Int] = []
        var steps = 0
        var lastEpochLoss = 0.0
        var lastEpochExamples = 0
        for epoch in self.batchSchedule(exampleCount: count, stepLimit: stepLimit) {
            shuffle.shuffle(&order)
            lastEpochLoss = 0
            lastEpochExamples = 0
            for batch in epoch {
                examples.fill(positions: order[batch], inputs: &inputs, labels: &labels)
                let result = try session.trainStep(
                    inputs: inputs, labels: labels, learningRate: self.learningRate, momentum: self.momentum)
                lastEpochLoss += result.lossSum
                lastEpochExamples += batch.count
                steps += 1
                if !subNetwork.trainsExactlySubset {
                    var restored = base
                    subNetwork.subset.scatter(
                        subNetwork.subset.gather(model.parameters(from: session.weights())), into: &restored)
                    try session.load(model.layerWeights(from: restored))
                }
            }
        }
        let trained = subNetwork.subset.gather(model.parameters(from: session.weights()))
        let downloaded = subNetwork.subset.gather(base)
        var deltas = zip(trained, downloaded).map { after, before in zip(after, before).map { $0 - $1 } }
        guard deltas.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw NonFiniteUpdateError(clientID: clientID, step: steps)
        }
        var norm: Double?
        if let privacy = self.privacy {
            norm = noise.map { privacy.privatize(&deltas, stream: $0) } ?? privacy.clip(&deltas)
        }
        return ClientTrainingResult(
            update: ClientUpdate(
                clientID: clientID, baseVersion: baseVersion, subset: subNetwork.subset, deltas: deltas,
                exampleCount: count),
            macs: self.macs(plan: plan, exampleCount: count, stepLimit: stepLimit), peakMemoryBytes: plan.arenaBytes,
            flashBytes: plan.flashBytes, steps: steps,
            lastEpochMeanLoss: lastEpochLoss / Double(max(1, lastEpochExamples)), normBeforeClipping: norm)
    }
}
