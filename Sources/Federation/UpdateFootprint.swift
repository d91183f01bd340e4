// SPDX-License-Identifier: GPL-3.0-or-later

import TinyTrain

/// Which update a ``UpdateFootprint`` measures.
public enum FootprintScheme: String, Hashable, Sendable, CaseIterable {
    /// FedAvg's full update: every parameter trains and travels.
    case fedavg
    /// FTTE's memory-driven sparse update: what ``SparseUpdatePolicy/select(model:capBytes:)`` picks under the cap.
    case ftte
}

/// The memory and payload of one device update under one SRAM cap: the engine's static plan beside an eager
/// framework's accounting, and the bytes the update costs on the wire as the Scenario encodes it.
public struct UpdateFootprint: Sendable {
    /// The update measured.
    public var scheme: FootprintScheme
    /// The SRAM cap the update is measured against.
    public var capBytes: Int
    /// The engine's plan of the update. FedAvg's is compiled without the cap; so is FTTE's when ``nothingFits``.
    public var plan: TrainingPlan
    /// The parameters the update trains and sends (every tensor whole for FedAvg).
    public var subNetwork: SubNetwork
    /// An eager framework's accounting of the same step (``TrainingPlan/eagerAccounting()``).
    public var eager: EagerAccounting
    /// FTTE only: no sparse update fits the cap, so the row shows the smallest one (the policy's first step),
    /// compiled without the cap.
    public var nothingFits: Bool
    /// Parameters of the model.
    public var parametersTotal: Int
    /// Parameters the update trains (and uploads).
    public var parametersTrained: Int
    /// Bytes of the upload: the trained parameters' deltas as one ``PayloadCodec`` message.
    public var uploadBytes: Int
    /// Bytes of the download: the sub-network's values as one message (what a device with the frozen weights
    /// already provisioned downloads each participation).
    public var downloadBytes: Int
    /// Bytes of the whole model as one message (one-time provisioning of the frozen weights over the link).
    public var fullModelBytes: Int

    /// The planner's arena bytes of the update.
    public var staticPeakBytes: Int { self.plan.arenaBytes }
    /// The eager framework's bytes of the update.
    public var eagerBytes: Int { self.eager.totalBytes }
    /// Whether the planner's arena fits the cap.
    public var fitsCap: Bool { self.staticPeakBytes <= self.capBytes }
    /// Bytes of the frozen parameters, read from flash by the engine.
    public var flashBytes: Int { self.plan.flashBytes }

    /// Measures `scheme` on `model` under `capBytes`.
    ///
    /// - Parameters:
    ///   - model: The model.
    ///   - scheme: FedAvg's full update or FTTE's sparse update.
    ///   - capBytes: The device's SRAM cap for training.
    ///   - policy: The sparse-update policy (its batch and momentum also compile FedAvg's plan).
    ///   - codec: The wire format (its precision sets the value bytes).
    /// - Returns: The footprint.
    /// - Throws: ``PlanError`` when the engine rejects the model; ``FederationConfigurationError`` for FTTE on a
    ///   model without a conv2d or linear layer.
    public static func measure(
        model: FederatedModel, scheme: FootprintScheme, capBytes: Int, policy: SparseUpdatePolicy, codec: PayloadCodec
    ) throws -> UpdateFootprint {
        var nothingFits = false
        let subNetwork: SubNetwork
        let plan: TrainingPlan
        switch scheme {
        case .fedavg:
            subNetwork = model.subNetwork(specs: Array(repeating: .all, count: model.layout.tensors.count))
            plan = try TrainingPlan.compile(
                model.graph, update: subNetwork.update, options: policy.compileOptions(capBytes: nil))
        case .ftte:
            let steps = policy.steps(for: model)
            do {
                let selection = try policy.select(model: model, capBytes: capBytes)
                (subNetwork, plan) = (selection.subNetwork, selection.plan)
            } catch is FederationConfigurationError where !steps.isEmpty {
                // With steps to take, the only configuration failure left is "not even the first step fits".
                nothingFits = true
                subNetwork = policy.subNetwork(for: model, taking: steps.prefix(1))
                plan = try TrainingPlan.compile(
                    model.graph, update: subNetwork.update, options: policy.compileOptions(capBytes: nil))
            }
        }
        let zeros = model.layout.tensors.map { [Float](repeating: 0, count: $0.elementCount) }
        let held = subNetwork.subset.gather(zeros)
        let all = [IndexSpec](repeating: .all, count: model.layout.tensors.count)
        // Deltas and values of the same sub-network have the same counts, so both directions cost the same.
        let subNetworkBytes = codec.encode(version: 0, specs: subNetwork.specs, values: held).count
        return UpdateFootprint(
            scheme: scheme, capBytes: capBytes, plan: plan, subNetwork: subNetwork, eager: try plan.eagerAccounting(),
            nothingFits: nothingFits, parametersTotal: plan.parameterCount,
            parametersTrained: subNetwork.subset.parameterCount(in: model.layout),
            uploadBytes: subNetworkBytes, downloadBytes: subNetworkBytes,
            fullModelBytes: codec.encode(version: 0, specs: all, values: zeros).count)
    }
}
