// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import TinyTrain

struct ExecutorTests {
    @Test(arguments: TinyModels.names)
    func sparseUpdateEqualsFullUpdateRestrictedToTheTrainableSet(model name: String) throws {
        let model = try TinyModels.make(name)
        let first = model.nodes[model.parameterNodes[0]].name
        let spec = try UpdateSpec(parsing: "last:1@0.5,\(first)=b")
        let full = try GradientProblem(model: model, update: .full, batch: 3, seed: 5)
        var sparse = try GradientProblem(model: model, update: spec, batch: 3, seed: 5)
        sparse.weights = full.weights
        let fullAfter = try full.parametersAfterStep()
        let sparseAfter = try sparse.parametersAfterStep()
        for (index, layer) in sparse.plan.layers.enumerated() {
            let rows = Set(layer.trainableRows)
            for k in layer.rows * layer.rowLength > 0 ? 0..<(layer.rows * layer.rowLength) : 0..<0 {
                let expected =
                    rows.contains(k / layer.rowLength) ? fullAfter[index].weights[k] : full.weights[index].weights[k]
                #expect(sparseAfter[index].weights[k] == expected, "\(name) \(layer.name).W[\(k)]")
            }
            for k in sparseAfter[index].bias.indices {
                let expected = layer.biasTrainable ? fullAfter[index].bias[k] : full.weights[index].bias[k]
                #expect(sparseAfter[index].bias[k] == expected, "\(name) \(layer.name).b[\(k)]")
            }
        }
    }

    @Test(arguments: TinyModels.names)
    func debugModeRunsCleanAndMatchesTheNormalRunBitForBit(model name: String) throws {
        let model = try TinyModels.make(name)
        for spec in ["full", "bias-only,last:1@0.5"] {
            let update = try UpdateSpec(parsing: spec)
            let guarded = try GradientProblem(model: model, update: update, batch: 2, seed: 3)
            var plain = guarded
            plain.plan = try TrainingPlan.compile(
                model, update: update, options: CompileOptions(batch: 2, scalarBytes: 8))
            let debugPlan = try TrainingPlan.compile(
                model, update: update, options: CompileOptions(batch: 2, scalarBytes: 8, guardBytes: 16))
            let checked = try ArenaExecutor<Double>(plan: debugPlan, weights: guarded.weights, debugChecks: true)
            let normal = try ArenaExecutor<Double>(plan: plain.plan, weights: guarded.weights, debugChecks: false)
            for _ in 0..<3 {
                let a = try run(checked, guarded)
                let b = try run(normal, guarded)
                #expect(a.lossSum == b.lossSum && a.lossSum.isFinite)
            }
            #expect(checked.weights().map(\.weights) == normal.weights().map(\.weights))
            #expect(checked.weights().map(\.bias) == normal.weights().map(\.bias))
        }
    }

    @Test
    func debugModeReportsOverwrittenGuardBytes() throws {
        let model = try TinyModels.make("pools")
        let problem = try GradientProblem(model: model, update: .full, batch: 2, seed: 3)
        let plan = try TrainingPlan.compile(model, options: CompileOptions(batch: 2, scalarBytes: 8, guardBytes: 16))
        let executor = try ArenaExecutor<Double>(plan: plan, weights: problem.weights, debugChecks: true)
        let victim = try #require(plan.tensors.firstIndex { $0.name == "fc.W" })
        let tensor = plan.tensors[victim]
        (executor.arena + tensor.offset + tensor.paddedBytes - 1).storeBytes(of: 0, as: UInt8.self)
        #expect(throws: MemoryCheckError(tensor: "fc.W", step: 0)) { try run(executor, problem) }
    }

    @Test
    func debugModePoisonExposesTensorsThatShareMemoryWhileLive() throws {
        // Corrupt a correct plan: move the saved input of the classifier onto an activation gradient that is
        // live at the same time. The poison written when tensors are born or die must reach the result.
        let model = try TinyModels.make("conv-stride-pad")
        let problem = try GradientProblem(model: model, update: .full, batch: 2, seed: 3)
        var plan = try TrainingPlan.compile(model, options: CompileOptions(batch: 2, scalarBytes: 8, guardBytes: 16))
        let classifier = try #require(plan.ops.last)
        let saved = plan.bindings.value[classifier.inputs[0]]
        let gradient = try #require(plan.tensors.firstIndex { $0.name == "fc.grad" })
        #expect(plan.tensors[saved].livesWith(plan.tensors[gradient]))
        plan.tensors[gradient].offset = plan.tensors[saved].offset
        let executor = try ArenaExecutor<Double>(plan: plan, weights: problem.weights, debugChecks: true)
        _ = try? run(executor, problem)
        let reference = try problem.parametersAfterStep()
        let after = executor.weights()
        #expect(after[1].weights != reference[1].weights || after[0].weights != reference[0].weights)
    }

    @Test
    func trainingIsDeterministicAndWeightsRoundTrip() throws {
        let model = try TinyModels.make("residual")
        let plan = try TrainingPlan.compile(model, options: CompileOptions(batch: 4, momentum: true))
        var generator = SplitMix64(seed: 9)
        let weights = plan.initialWeights(using: &generator)
        let inputs = (0..<(4 * model.inputShape.elementCount)).map { _ in Float.random(in: 0...1, using: &generator) }
        let labels = [2, 1, 0, 1]
        let a = try TrainingSession(plan: plan, weights: weights)
        let b = try TrainingSession(plan: plan, weights: weights)
        #expect(a.weights() == weights)
        for _ in 0..<2 {
            try a.trainStep(inputs: inputs, labels: labels, learningRate: 0.05, momentum: 0.9)
            try b.trainStep(inputs: inputs, labels: labels, learningRate: 0.05, momentum: 0.9)
        }
        #expect(a.weights() == b.weights())
        #expect(a.weights() != weights)
        try b.load(weights)
        #expect(b.weights() == weights)
        // With momentum reset, a reloaded session retraces the first session's steps exactly.
        b.resetOptimizerState()
        let c = try TrainingSession(plan: plan, weights: weights)
        try b.trainStep(inputs: inputs, labels: labels, learningRate: 0.05, momentum: 0.9)
        try c.trainStep(inputs: inputs, labels: labels, learningRate: 0.05, momentum: 0.9)
        #expect(b.weights() == c.weights())
    }

    @Test
    func badDataIsRejectedWithTypedErrors() throws {
        let plan = try TrainingPlan.compile(ModelZoo.cnn28(), options: CompileOptions(batch: 2))
        var generator = SplitMix64(seed: 1)
        let session = try TrainingSession(plan: plan, weights: plan.initialWeights(using: &generator))
        let sample = [Float](repeating: 0, count: 784)
        #expect(throws: PlanError.self) { try session.trainStep(inputs: sample, labels: [10], learningRate: 0.1) }
        #expect(throws: PlanError.self) { try session.trainStep(inputs: sample, labels: [1, 2], learningRate: 0.1) }
        #expect(throws: PlanError.self) {
            try session.trainStep(inputs: sample + sample + sample, labels: [1, 2, 3], learningRate: 0.1)
        }
        #expect(throws: PlanError.self) { try session.load([]) }
    }

    @discardableResult
    func run(_ executor: ArenaExecutor<Double>, _ problem: GradientProblem) throws -> (lossSum: Double, correct: Int) {
        try problem.inputs.withUnsafeBufferPointer { x in
            try problem.labels.withUnsafeBufferPointer { y in
                try executor.run(inputs: x, labels: y, training: StepHyperparameters(learningRate: 0.1, momentum: 0))
            }
        }
    }
}
