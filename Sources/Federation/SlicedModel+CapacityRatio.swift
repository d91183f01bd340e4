// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import TinyTrain

extension SlicedModel {
    /// The capacity ratios ``largestCapacityRatio(model:policy:capBytes:options:candidates:)`` tries by default:
    /// 1/16, 2/16, …, 1.
    public static let defaultCandidateRatios: [Double] = (1...16).map { Double($0) / 16 }

    /// The largest candidate ratio r whose narrow model trains in full under `capBytes` (planner bytes with
    /// `options`), or `nil` when none fits. The window's position does not change its memory, so `rolling`
    /// is measured at round 0.
    ///
    /// - Parameters:
    ///   - model: The full model.
    ///   - policy: ``ExtractionPolicy/width`` or ``ExtractionPolicy/rolling``.
    ///   - capBytes: The device's training SRAM.
    ///   - options: Batch and optimizer of the device's plans (their cap is replaced by `capBytes`).
    ///   - candidates: Ratios in (0, 1] to try.
    /// - Throws: As ``init(model:specs:)`` and ``ExtractionPolicy/extract(layout:capacityRatio:step:stream:)``.
    public static func largestCapacityRatio(
        model: FederatedModel, policy: ExtractionPolicy, capBytes: Int, options: CompileOptions,
        candidates: [Double] = defaultCandidateRatios
    ) throws -> Double? {
        guard policy == .width || policy == .rolling else {
            throw FederationConfigurationError.invalid(
                "strategy.subnet.policy", value: policy.name, expected: "width or rolling (the policies that slice)")
        }
        var options = options
        options.capBytes = capBytes
        let unused = RandomStream(seed: 0)
        for ratio in candidates.sorted(by: >) {
            let specs = try policy.extract(layout: model.layout, capacityRatio: ratio, step: 0, stream: unused)
            let sliced = try SlicedModel(model: model, specs: specs)
            do {
                _ = try TrainingPlan.compile(sliced.narrow.graph, update: .full, options: options)
                return ratio
            } catch PlanError.exceedsCap {
                continue
            }
        }
        return nil
    }
}
