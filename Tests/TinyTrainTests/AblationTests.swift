// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import TinyTrain

/// The memory optimisations change memory only: a plan without 1-bit masks (saving activation outputs instead)
/// and without in-place updates trains to bit-identical parameters. (Masks are not always smaller: on tiny
/// layers whose output is saved anyway for the next layer, a 16-byte-aligned mask is pure overhead.)
struct AblationTests {
    @Test(arguments: TinyModels.names)
    func optimisationsChangeMemoryButNotTheTrainedParameters(model name: String) throws {
        let model = try TinyModels.make(name)
        let first = model.nodes[model.parameterNodes[0]].name
        for spec in ["full", "last:1@0.5,\(first)=b"] {
            let update = try UpdateSpec(parsing: spec)
            let optimised = try GradientProblem(model: model, update: update, batch: 2, seed: 8)
            var plain = optimised
            plain.plan = try TrainingPlan.compile(
                model, update: update,
                options: CompileOptions(batch: 2, inPlaceUpdate: false, scalarBytes: 8, bitMasks: false))
            let a = try optimised.parametersAfterStep()
            let b = try plain.parametersAfterStep()
            #expect(a.map(\.weights) == b.map(\.weights), "\(name) \(spec)")
            #expect(a.map(\.bias) == b.map(\.bias), "\(name) \(spec)")
        }
    }

    @Test(arguments: ["cnn-28", "cnn-cifar", "mobilenetv2-cifar"])
    func savedOutputsCostMoreThanBitMasksOnTheShippedCNNs(model name: String) throws {
        let model = try ModelZoo.model(named: name)
        for spec in ["full", "bias-only"] {
            let update = try UpdateSpec(parsing: spec)
            let masks = try TrainingPlan.compile(model, update: update)
            let outputs = try TrainingPlan.compile(model, update: update, options: CompileOptions(bitMasks: false))
            #expect(outputs.tensors.allSatisfy { $0.role != .masks || $0.name.hasSuffix(".argmax") })
            #expect(outputs.arenaBytes > masks.arenaBytes, "\(name) \(spec)")
        }
    }

    /// The gradient checks cover activations that read their derivative off a saved output in the default
    /// (bit-mask) mode: the compiler picks that for these models, and this keeps the coverage from vanishing.
    @Test(arguments: ["grouped-depthwise-bn", "residual"])
    func defaultPlansOfGradientCheckedModelsReuseSavedOutputs(model name: String) throws {
        let plan = try TrainingPlan.compile(
            TinyModels.make(name), update: .full, options: CompileOptions(batch: 2, scalarBytes: 8))
        let activations = plan.ops.indices.filter { plan.ops[$0].activation != .none && plan.ops[$0].needsBackward }
        #expect(activations.contains { plan.bindings.mask[$0] == nil })
    }
}
