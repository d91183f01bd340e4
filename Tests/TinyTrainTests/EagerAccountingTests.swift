// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import TinyTrain

/// The eager framework's accounting: every tensor of the step held for the whole step, frozen weights in RAM.
struct EagerAccountingTests {
    @Test func aFullUpdateOfTheTinyMLPCountsEveryTensorOnce() throws {
        // mlp-relu: input 6 → fc1 (6→5) + ReLU → fc2 (5→3), batch 1, float32, every size rounded up to 16 bytes.
        let plan = try TrainingPlan.compile(TinyModels.make("mlp-relu"), update: .full)
        let eager = try plan.eagerAccounting()
        // activations: input 6·4 = 24 → 32; fc1 output 5·4 = 20 → 32; logits 3·4 = 12 → 16; labels 1·4 → 16.
        let activations = 32 + 32 + 16 + 16
        // activation gradients: of the fc1 output (20 → 32) and of the logits (12 → 16); none of the input.
        let activationGradients = 32 + 16
        // weights: fc1.W 30·4 = 120 → 128, fc1.b 5·4 = 20 → 32, fc2.W 15·4 = 60 → 64, fc2.b 3·4 = 12 → 16.
        let weights = 128 + 32 + 64 + 16
        // one gradient per trainable tensor, the same sizes; no masks (outputs saved), no workspace (no conv).
        let weightGradients = weights
        #expect(eager.breakdown[.activations] == activations)
        #expect(eager.breakdown[.activationGradients] == activationGradients)
        #expect(eager.breakdown[.weights] == weights)
        #expect(eager.breakdown[.weightGradients] == weightGradients)
        #expect(eager.breakdown[.masks] == 0 && eager.breakdown[.workspace] == 0)
        #expect(eager.breakdown[.optimizerState] == 0)
        #expect(eager.totalBytes == 624)
    }

    @Test func frozenWeightsAndMomentumAreHeldInRAM() throws {
        // mlp-relu with only fc2 training (weights and bias), batch 2, SGD with momentum.
        let update = UpdateSpec(rules: [.allLayers(.frozen), .layer(name: "fc2", .full)])
        let plan = try TrainingPlan.compile(
            TinyModels.make("mlp-relu"), update: update, options: CompileOptions(batch: 2, momentum: true))
        let eager = try plan.eagerAccounting()
        // activations: input 2·6·4 = 48; fc1 output 2·5·4 = 40 → 48; logits 2·3·4 = 24 → 32; labels 2·4 = 8 → 16.
        #expect(eager.breakdown[.activations] == 48 + 48 + 32 + 16)
        // only the logits' gradient (24 → 32): fc1 does not train and nothing before fc2 needs a gradient.
        #expect(eager.breakdown[.activationGradients] == 32)
        // trainable fc2.W 60 → 64 and fc2.b 12 → 16; frozen fc1.W 120 → 128 and fc1.b 20 → 32, resident too.
        #expect(eager.breakdown[.weights] == 64 + 16 + 128 + 32)
        #expect(eager.breakdown[.weightGradients] == 64 + 16)
        #expect(eager.breakdown[.optimizerState] == 64 + 16)
        #expect(eager.totalBytes == 144 + 32 + 240 + 80 + 80)
        #expect(Set(eager.tensors.map(\.name)).isSuperset(of: ["fc1.W_frozen", "fc1.b_frozen"]))
    }

    @Test func theTrainedUpdateRecompilesToTheSameTrainableParameters() throws {
        for name in ModelZoo.names {
            let model = try ModelZoo.model(named: name)
            for spec in ["full", "bias-only", "last:1", "bias-only,last:2@0.3", "none"] {
                let plan = try TrainingPlan.compile(model, update: UpdateSpec(parsing: spec))
                let again = try TrainingPlan.compile(model, update: plan.trainedUpdate)
                #expect(again.layers == plan.layers, "\(name) \(spec)")
            }
        }
    }

    @Test func eagerBytesAreAtLeastTheStaticPlanForEveryZooModel() throws {
        for name in ModelZoo.names {
            let model = try ModelZoo.model(named: name)
            for spec in ["full", "bias-only", "last:1", "bias-only,last:1@0.5", "none"] {
                for (batch, momentum) in [(1, false), (4, true)] {
                    let plan = try TrainingPlan.compile(
                        model, update: UpdateSpec(parsing: spec),
                        options: CompileOptions(batch: batch, momentum: momentum))
                    let eager = try plan.eagerAccounting()
                    #expect(eager.totalBytes >= plan.arenaBytes, "\(name) \(spec) batch \(batch)")
                    // Every parameter is resident: trainable in the plan, frozen ones in RAM instead of flash.
                    let parameterBytes = plan.layers.reduce(0) { $0 + $1.parameterCount * 4 }
                    #expect(eager.breakdown[.weights] >= parameterBytes, "\(name) \(spec)")
                }
            }
        }
    }
}
