// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// How the server cuts a sub-network for a device that can train a fraction r of the model.
///
/// - `randomIndex`: a uniform random ⌈r·n⌉ of each tensor's n elements (Caldas et al.-style random
///   sub-models); with `sharedSeed` the index list costs 12 bytes per tensor, otherwise it travels explicitly.
/// - `width`: HeteroFL (Diao, Ding & Tarokh, ICLR 2021) nested slicing — the first ⌈r·C⌉ channels of every
///   hidden dimension.
/// - `rolling`: FedRolex (Alam et al., NeurIPS 2022) — a window of ⌈r·C⌉ channels starting at `step mod C`,
///   so every channel is trained as the strategy's rounds advance. The step is the strategy's round counter,
///   passed explicitly, not the model version (which stands still when a round closes empty).
///
/// A device trains `width` and `rolling` sub-networks as a narrower model (``SlicedModel``) and `random-index`
/// ones inside the full model (``FederatedModel/subNetwork(specs:)``). The memory-driven `sparse-update` policy,
/// which asks the training engine's planner what fits, is ``SparseUpdatePolicy``.
public enum ExtractionPolicy: Hashable, Sendable {
    /// Random elements per tensor.
    case randomIndex(sharedSeed: Bool)
    /// Nested prefix channel slicing.
    case width
    /// Rolling channel window.
    case rolling

    /// The policy's name as manifests spell it.
    public var name: String {
        switch self {
        case .randomIndex: "random-index"
        case .width: "width"
        case .rolling: "rolling"
        }
    }

    /// The sub-network for capacity ratio `capacityRatio` at rolling step `step`.
    ///
    /// - Parameters:
    ///   - layout: The model's tensors.
    ///   - capacityRatio: r ∈ (0, 1] (`strategy.subnet.capacity_ratio`).
    ///   - step: Only `rolling` reads it: the window of every sliced dimension of C channels starts at
    ///     `step mod C` (Euclidean, so a negative step wraps too). FedRolex rolls once per round of the
    ///     strategy: pass the round number (``SynchronousServer/OpenAction/opened(round:cohort:)``), or for an
    ///     asynchronous strategy a counter the caller advances once per server step.
    ///   - stream: Draws for `randomIndex` (the device's own stream, so its choice is reproducible): per
    ///     tensor, one 64-bit seed (`sharedSeed`) or one `choose` draw.
    /// - Returns: One index description per tensor.
    /// - Throws: ``FederationConfigurationError`` when r is outside (0, 1].
    public func extract(
        layout: ModelLayout, capacityRatio: Double, step: Int, stream: RandomStream
    ) throws(FederationConfigurationError) -> [IndexSpec] {
        guard capacityRatio > 0, capacityRatio <= 1 else {
            throw .invalid("strategy.subnet.capacity_ratio", value: "\(capacityRatio)", expected: "a number in (0, 1]")
        }
        func kept(_ total: Int) -> Int {
            Swift.min(total, Swift.max(1, Int((capacityRatio * Double(total)).rounded(.up))))
        }
        return layout.tensors.map { tensor in
            switch self {
            case .randomIndex(let sharedSeed):
                let count = kept(tensor.elementCount)
                if count == tensor.elementCount { return .all }
                if sharedSeed { return .seeded(seed: stream.next(), count: count) }
                return .explicit(stream.choose(count, from: tensor.elementCount))
            case .width, .rolling:
                let offset = self == .rolling ? step : 0
                func window(_ total: Int, _ sliced: Bool) -> ChannelWindow {
                    let start = ((offset % total) + total) % total
                    return sliced ? ChannelWindow(start: start, count: kept(total), total: total) : .all(total)
                }
                let outputs = window(tensor.outputChannels, tensor.slicesOutputChannels)
                let inputs = window(tensor.inputChannels, tensor.slicesInputChannels)
                if outputs.count == outputs.total && inputs.count == inputs.total { return .all }
                return .channelWindow(outputs: outputs, inputs: inputs)
            }
        }
    }
}
