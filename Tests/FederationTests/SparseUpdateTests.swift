// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing
import TinyTrain

struct SparseUpdateTests {
    static let capsBytes = [32, 64, 96, 128, 192, 256, 512].map { $0 * 1024 }

    /// The arena bytes of the first step alone (the classifier's bias): the least memory that trains anything.
    static func minimumBytes(_ model: FederatedModel, _ policy: SparseUpdatePolicy) throws -> Int {
        let first = policy.subNetwork(for: model, taking: policy.steps(for: model).prefix(1))
        return try TrainingPlan.compile(
            model.graph, update: first.update, options: policy.compileOptions(capBytes: nil)
        )
        .arenaBytes
    }

    /// Every chosen update compiles under the cap on its own (planner bytes), and the next step of the sequence,
    /// which the search refused, really needs more than the cap.
    @Test(arguments: ["mlp-28", "cnn-28", "cnn-cifar"], SparseUpdatePolicy.Order.allCases)
    func selectionFitsTheCapAndTheNextStepDoesNot(name: String, order: SparseUpdatePolicy.Order) throws {
        let model = try FederatedModel(graph: ModelZoo.model(named: name))
        let policy = try SparseUpdatePolicy(batchSize: 1, order: order)
        let steps = policy.steps(for: model)
        let minimum = try Self.minimumBytes(model, policy)
        for cap in Self.capsBytes {
            if cap < minimum {
                #expect(throws: FederationConfigurationError.self) { try policy.select(model: model, capBytes: cap) }
                continue
            }
            let selection = try policy.select(model: model, capBytes: cap)
            let plan = try TrainingPlan.compile(
                model.graph, update: selection.subNetwork.update, options: CompileOptions(batch: 1, capBytes: cap))
            #expect(plan.arenaBytes <= cap)
            #expect(plan.arenaBytes == selection.peakMemoryBytes)
            #expect(plan.trainableParameterCount == selection.subNetwork.subset.parameterCount(in: model.layout))
            #expect(selection.subNetwork.trainsExactlySubset)
            #expect(Array(steps.prefix(selection.steps.count)) == selection.steps)
            if selection.steps.count < steps.count {
                let next = policy.subNetwork(for: model, taking: steps.prefix(selection.steps.count + 1))
                let unconstrained = try TrainingPlan.compile(
                    model.graph, update: next.update, options: CompileOptions(batch: 1))
                #expect(unconstrained.arenaBytes > cap)
                #expect(selection.nextStepBytes == unconstrained.arenaBytes)
            } else {
                #expect(selection.nextStepBytes == nil)
            }
        }
    }

    /// A larger cap never yields a smaller subset: the held elements only grow (as sets) with the cap.
    @Test(arguments: ["mlp-28", "cnn-28", "cnn-cifar"], SparseUpdatePolicy.Order.allCases)
    func largerCapNeverYieldsSmallerSubset(name: String, order: SparseUpdatePolicy.Order) throws {
        let model = try FederatedModel(graph: ModelZoo.model(named: name))
        let policy = try SparseUpdatePolicy(batchSize: 1, order: order)
        var previous: ParameterSubset?
        let minimum = try Self.minimumBytes(model, policy)
        for cap in stride(from: minimum, through: minimum + 256 * 1024, by: 16 * 1024) {
            let subset = try policy.select(model: model, capBytes: cap).subNetwork.subset
            if let previous {
                #expect(subset.parameterCount(in: model.layout) >= previous.parameterCount(in: model.layout))
                for (tensor, layout) in model.layout.tensors.enumerated() {
                    let before = Set(previous.tensors[tensor].indexList(of: layout.elementCount))
                    #expect(before.isSubset(of: subset.tensors[tensor].indexList(of: layout.elementCount)))
                }
            }
            previous = subset
        }
    }

    /// The search walks the classifier first: bias, then growing channel ratios, then the layer before.
    @Test func stepsStartAtTheClassifier() throws {
        let model = try FederatedModel(graph: ModelZoo.cnn28())
        let steps = try SparseUpdatePolicy(batchSize: 1).steps(for: model)
        #expect(
            Array(steps.prefix(7)) == [
                .bias(layer: 2), .weights(layer: 2, rows: 2), .weights(layer: 2, rows: 3), .weights(layer: 2, rows: 5),
                .weights(layer: 2, rows: 10), .bias(layer: 1), .weights(layer: 1, rows: 2),
            ])
        #expect(steps.count == 3 * 5)
        let biasesFirst = try SparseUpdatePolicy(batchSize: 1, order: .biasesFirst).steps(for: model)
        #expect(
            Array(biasesFirst.prefix(4)) == [
                .bias(layer: 2), .bias(layer: 1), .bias(layer: 0), .weights(layer: 2, rows: 2),
            ])
        #expect(Set(biasesFirst) == Set(steps))
    }

    /// FTTE's w* is the selection for the smallest device and fits every device of the fleet.
    @Test func sharedSubsetIsSizedForTheSmallestDevice() throws {
        let model = try FederatedModel(graph: ModelZoo.cnnCIFAR())
        let policy = try SparseUpdatePolicy(batchSize: 1)
        let fleet = [256 * 1024, 96 * 1024, 512 * 1024, 128 * 1024]
        let shared = try policy.sharedSelection(model: model, deviceCapsBytes: fleet)
        #expect(shared.subNetwork == (try policy.select(model: model, capBytes: 96 * 1024)).subNetwork)
        for cap in fleet {
            #expect(throws: Never.self) {
                try TrainingPlan.compile(
                    model.graph, update: shared.subNetwork.update, options: policy.compileOptions(capBytes: cap))
            }
        }
        #expect(throws: FederationConfigurationError.self) {
            try policy.sharedSelection(model: model, deviceCapsBytes: [])
        }
    }

    @Test func capBelowTheSmallestUpdateIsAnError() throws {
        let model = try FederatedModel(graph: ModelZoo.cnnCIFAR())
        let policy = try SparseUpdatePolicy(batchSize: 1)
        let first = policy.subNetwork(for: model, taking: policy.steps(for: model).prefix(1))
        let required = try TrainingPlan.compile(model.graph, update: first.update).arenaBytes
        #expect(throws: FederationConfigurationError.self) {
            try policy.select(model: model, capBytes: required - 1)
        }
        #expect(try policy.select(model: model, capBytes: required).steps.count >= 1)
    }
}
