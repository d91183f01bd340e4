// SPDX-License-Identifier: GPL-3.0-or-later

extension TrainingPlan {
    /// Channel ratios tried by ``largestFitting(_:capBytes:options:ratios:)``, largest first.
    public static let fittingRatios: [Double] = [1, 0.5, 0.25, 0.125]

    /// The plan that trains the most parameters within an SRAM cap, among sparse updates of the form
    /// `bias-only,last:K@R` (every bias trains; the last K conv2d/linear layers train the first ⌈R·C⌉ output
    /// channels of their weights), falling back to `bias-only` and then to `none`.
    ///
    /// Every candidate is compiled and measured by the planner; ties in trainable parameters go to the smaller
    /// arena. A device with more memory thus trains a larger sub-network of the same model.
    /// - Parameters:
    ///   - model: the forward graph.
    ///   - capBytes: SRAM available for training.
    ///   - options: batch and optimizer (its `capBytes` is ignored).
    ///   - ratios: channel ratios to try.
    /// - Returns: the chosen plan and its specification.
    /// - Throws: ``PlanError/exceedsCap(requiredBytes:availableBytes:)`` when not even the forward pass fits.
    /// - Complexity: one compilation per (K, R) pair.
    public static func largestFitting(
        _ model: ModelGraph, capBytes: Int, options: CompileOptions = .init(), ratios: [Double] = fittingRatios
    ) throws -> (plan: TrainingPlan, update: UpdateSpec) {
        var uncapped = options
        uncapped.capBytes = nil
        let layerCount = model.parameterNodes.count
        var candidates: [UpdateSpec] = [UpdateSpec(rules: [.allLayers(.frozen)]), .biasOnly]
        for count in 1...max(layerCount, 1) where layerCount > 0 {
            for ratio in ratios {
                let weights: ChannelSelection = ratio >= 1 ? .all : .ratio(ratio)
                candidates.append(
                    UpdateSpec(rules: [
                        .allLayers(.biasOnly), .lastLayers(count: count, LayerUpdate(weights: weights, bias: true)),
                    ]))
            }
        }
        var best: (plan: TrainingPlan, update: UpdateSpec)?
        var smallestRequired = Int.max
        for update in candidates {
            let plan = try compile(model, update: update, options: uncapped)
            smallestRequired = min(smallestRequired, plan.arenaBytes)
            guard plan.arenaBytes <= capBytes else { continue }
            if let current = best {
                let more = plan.trainableParameterCount > current.plan.trainableParameterCount
                let tieSmaller =
                    plan.trainableParameterCount == current.plan.trainableParameterCount
                    && plan.arenaBytes < current.plan.arenaBytes
                if !(more || tieSmaller) { continue }
            }
            best = (plan, update)
        }
        guard let best else { throw PlanError.exceedsCap(requiredBytes: smallestRequired, availableBytes: capBytes) }
        return best
    }
}
