// SPDX-License-Identifier: GPL-3.0-or-later

import TinyTrain

/// One step of the sparse-update search: a layer's bias, or the weights of its first `rows` output channels.
public enum SparseUpdateStep: Hashable, Sendable {
    /// Train the bias of the layer at this index of ``FederatedModel/layers``.
    case bias(layer: Int)
    /// Train the weights of the first `rows` output channels of the layer.
    case weights(layer: Int, rows: Int)
}

/// What the sparse-update search chose for one memory budget.
public struct SparseUpdateSelection: Sendable {
    /// The steps taken (a prefix of ``SparseUpdatePolicy/steps(for:)``).
    public var steps: [SparseUpdateStep]
    /// The sub-network they train.
    public var subNetwork: SubNetwork
    /// The engine's plan for it, compiled under the cap.
    public var plan: TrainingPlan
    /// The arena bytes of the next step's plan, which exceeded the cap (`nil` when every step fits).
    public var nextStepBytes: Int?

    /// The planner's peak SRAM bytes of the chosen update.
    public var peakMemoryBytes: Int { self.plan.arenaBytes }
}

/// The `sparse-update` policy: Tiny-Training-Engine-style sparse updates (Lin et al., "On-Device Training Under
/// 256KB Memory", NeurIPS 2022) — bias-only and channel-ratio weight updates — chosen greedily until the device's
/// memory budget is met.
///
/// The search walks one fixed sequence of steps, later layers first (``Order``): with ``Order/depthFirst`` (the
/// default), for each conv2d/linear layer from the classifier back to the stem, its bias, then its weights for the
/// first ⌈ρ·C⌉ output channels for every ρ of ``channelRatios`` in increasing order; with ``Order/biasesFirst``,
/// every bias from the classifier back, then the weights in the same layer and ratio order. It takes steps while the engine's plan of everything taken so far fits
/// the cap (planner bytes, compiled with this policy's batch and optimizer) and stops at the first step that does
/// not. Layers not reached stay frozen and run forward only, and back-propagation stops at the earliest layer
/// that trains.
///
/// Because the sequence does not depend on the cap and the search stops at the first misfit, the chosen update
/// is a prefix of the sequence whose every shorter prefix also fits: a larger cap never yields a smaller subset.
/// ``Order/depthFirst`` prefers depth over breadth (a layer's weights before an earlier layer's bias), which keeps
/// the backward pass short; ``Order/biasesFirst`` follows TTE's observation that bias updates are cheap in
/// memory. TTE itself searches the scheme offline by contribution analysis; neither order reproduces that search.
public struct SparseUpdatePolicy: Hashable, Sendable {
    /// The order in which layers' biases and weights are added.
    public enum Order: String, Hashable, Sendable, CaseIterable {
        /// Per layer from the classifier back: bias, then growing channel ratios of the weights.
        case depthFirst = "depth-first"
        /// Every bias from the classifier back, then the weights as in ``depthFirst``.
        case biasesFirst = "biases-first"
    }

    /// The default channel ratios, as in TTE's search space (1/8, 1/4, 1/2, 1).
    public static let defaultChannelRatios: [Double] = [0.125, 0.25, 0.5, 1]

    /// Channel ratios ρ tried for each layer's weights, increasing, in (0, 1].
    public let channelRatios: [Double]
    /// Mini-batch size the plans are compiled for.
    public let batchSize: Int
    /// Whether SGD keeps momentum buffers (optimizer state in SRAM).
    public let momentum: Bool
    /// The order of the search.
    public let order: Order

    /// Creates the policy.
    ///
    /// - Throws: ``FederationConfigurationError`` for a batch below 1 or ratios outside (0, 1] or not increasing.
    public init(
        batchSize: Int, momentum: Bool = false, channelRatios: [Double] = defaultChannelRatios,
        order: Order = .depthFirst
    ) throws(FederationConfigurationError) {
        guard batchSize >= 1 else {
            throw .invalid("strategy.client.batch", value: "\(batchSize)", expected: "an integer ≥ 1")
        }
        let valid =
            channelRatios.allSatisfy { $0 > 0 && $0 <= 1 }
            && zip(channelRatios, channelRatios.dropFirst())
                .allSatisfy { $0 < $1 }
        guard !channelRatios.isEmpty, valid else {
            throw .invalid(
                "subnet.channel_ratios", value: "\(channelRatios)", expected: "increasing numbers in (0, 1]")
        }
        self.channelRatios = channelRatios
        self.batchSize = batchSize
        self.momentum = momentum
        self.order = order
    }

    /// The fixed sequence of steps for `model` (duplicate row counts from different ratios appear once).
    public func steps(for model: FederatedModel) -> [SparseUpdateStep] {
        var result: [SparseUpdateStep] = []
        if self.order == .biasesFirst {
            for index in model.layers.indices.reversed() where model.layers[index].hasBias {
                result.append(.bias(layer: index))
            }
        }
        for index in model.layers.indices.reversed() {
            let layer = model.layers[index]
            if layer.hasBias && self.order == .depthFirst { result.append(.bias(layer: index)) }
            var previous = 0
            for ratio in self.channelRatios {
                let rows = Swift.min(layer.rows, Int((ratio * Double(layer.rows)).rounded(.up)))
                if rows > previous { result.append(.weights(layer: index, rows: rows)) }
                previous = rows
            }
        }
        return result
    }

    /// The sub-network trained after taking `steps` (index descriptions: whole biases, output-channel windows).
    public func subNetwork(for model: FederatedModel, taking steps: some Sequence<SparseUpdateStep>) -> SubNetwork {
        var specs = [IndexSpec](repeating: .none, count: model.layout.tensors.count)
        for step in steps {
            switch step {
            case .bias(let layer):
                if let tensor = model.tensorsOfLayer[layer].bias { specs[tensor] = .all }
            case .weights(let layer, let rows):
                let tensor = model.tensorsOfLayer[layer].weights
                let shape = model.layout.tensors[tensor]
                specs[tensor] =
                    rows == shape.outputChannels
                    ? .all
                    : .channelWindow(
                        outputs: ChannelWindow(start: 0, count: rows, total: shape.outputChannels),
                        inputs: .all(shape.inputChannels))
            }
        }
        return model.subNetwork(specs: specs)
    }

    /// The engine options of this policy's plans under `capBytes`.
    public func compileOptions(capBytes: Int?) -> CompileOptions {
        CompileOptions(batch: self.batchSize, momentum: self.momentum, capBytes: capBytes)
    }

    /// Chooses the sparse update for a device with `capBytes` of SRAM for training.
    ///
    /// - Complexity: one plan compilation per step taken, plus one.
    /// - Throws: ``FederationConfigurationError`` when not even the first step (the classifier's bias, or its
    ///   first channels) fits; ``PlanError`` when the engine rejects the model.
    public func select(model: FederatedModel, capBytes: Int) throws -> SparseUpdateSelection {
        let all = self.steps(for: model)
        var taken = 0
        var best: (subNetwork: SubNetwork, plan: TrainingPlan)?
        var nextBytes: Int?
        search: while taken < all.count {
            let candidate = self.subNetwork(for: model, taking: all[..<(taken + 1)])
            do {
                let plan = try TrainingPlan.compile(
                    model.graph, update: candidate.update, options: self.compileOptions(capBytes: capBytes))
                best = (candidate, plan)
                taken += 1
            } catch PlanError.exceedsCap(let required, _) {
                nextBytes = required
                break search
            }
        }
        guard !all.isEmpty else {
            throw FederationConfigurationError.invalid(
                "model", value: model.graph.name, expected: "a model with at least one conv2d or linear layer")
        }
        guard let best else {
            throw FederationConfigurationError.invalid(
                "device.sram_bytes", value: "\(capBytes)",
                expected:
                    "at least \(nextBytes ?? 0) bytes (the plan of the smallest sparse update of \(model.graph.name))"
            )
        }
        return SparseUpdateSelection(
            steps: Array(all[..<taken]), subNetwork: best.subNetwork, plan: best.plan, nextStepBytes: nextBytes)
    }

    /// FTTE's shared sub-network w*: the sparse update for the smallest device memory M_min, which every device
    /// trains.
    ///
    /// - Parameter deviceCapsBytes: The training-memory caps of the devices (at least one).
    /// - Throws: As ``select(model:capBytes:)``; ``FederationConfigurationError`` for an empty fleet.
    public func sharedSelection(model: FederatedModel, deviceCapsBytes: [Int]) throws -> SparseUpdateSelection {
        guard let smallest = deviceCapsBytes.min() else {
            throw FederationConfigurationError.invalid("devices.count", value: "0", expected: "at least one device")
        }
        return try self.select(model: model, capBytes: smallest)
    }
}
