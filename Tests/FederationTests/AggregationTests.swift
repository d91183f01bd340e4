// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing

/// A two-tensor linear model y = w·x + b with w ∈ R³, for aggregation arithmetic.
let linearLayout = ModelLayout(tensors: [
    TensorLayout(name: "w", outputChannels: 1, inputChannels: 3),
    TensorLayout(name: "b", outputChannels: 1, inputChannels: 1),
])

struct AggregationTests {
    /// Mean-squared-error gradient of the linear model on (x, y) pairs.
    func gradient(_ parameters: [[Float]], _ data: [([Float], Float)]) -> [[Float]] {
        var gw: [Float] = [0, 0, 0]
        var gb: Float = 0
        for (x, y) in data {
            let error =
                parameters[0][0] * x[0] + parameters[0][1] * x[1] + parameters[0][2] * x[2] + parameters[1][0] - y
            for i in 0..<3 { gw[i] += 2 * error * x[i] / Float(data.count) }
            gb += 2 * error / Float(data.count)
        }
        return [gw, [gb]]
    }

    /// FedAvg with full participation, one local full-batch step and equal client sizes is one step of
    /// centralised gradient descent on the union (the mean of equal-size gradients is the union's gradient).
    @Test func fedAvgWithOneLocalStepEqualsCentralisedGradientDescent() {
        let stream = RandomStream(seed: 3)
        let clients = (0..<4).map { _ in
            (0..<5).map { _ in ((0..<3).map { _ in Float(stream.normal()) }, Float(stream.normal())) }
        }
        let initial: [[Float]] = [[0.1, -0.2, 0.3], [0.05]]
        let learningRate: Float = 0.1
        var model = GlobalModel(layout: linearLayout, parameters: initial)
        let updates = clients.enumerated().map { id, data in
            ClientUpdate(
                clientID: id, baseVersion: 0, subset: .full(linearLayout),
                deltas: gradient(initial, data).map { $0.map { -learningRate * $0 } }, exampleCount: data.count)
        }
        let outcome = FedAvgAggregator().aggregate(updates, into: &model)
        #expect(outcome == .stepped(version: 1, updates: 4, meanStaleness: 0))
        let central = gradient(initial, clients.flatMap { $0 })
        for tensor in 0..<2 {
            for i in initial[tensor].indices {
                #expect(
                    abs(model.parameters[tensor][i] - (initial[tensor][i] - learningRate * central[tensor][i])) < 1e-6)
            }
        }
    }

    /// With every client downloading the latest model (τ = 0), FedBuff with K = 1, η = 1 and constant
    /// staleness takes the same steps as FedAsync with α = 1.
    @Test func fedBuffWithBufferOneEqualsFedAsyncWithAlphaOne() {
        let stream = RandomStream(seed: 4)
        var buffModel = GlobalModel(layout: linearLayout, parameters: [[1, 2, 3], [4]])
        var asyncModel = buffModel
        var buff = FedBuffAggregator(bufferSize: 1, staleness: StalenessDecay.constant)
        let fedAsync = FedAsyncAggregator(alpha: 1, staleness: StalenessDecay.constant)
        for client in 0..<10 {
            let deltas: [[Float]] = [(0..<3).map { _ in Float(stream.normal()) }, [Float(stream.normal())]]
            let update = ClientUpdate(
                clientID: client, baseVersion: buffModel.version, subset: .full(linearLayout), deltas: deltas,
                exampleCount: 1)
            let base = asyncModel.parameters
            #expect(buff.receive(update, into: &buffModel) == fedAsync.receive(update, base: base, into: &asyncModel))
        }
        #expect(buffModel.version == 10)
        for tensor in 0..<2 {
            for (a, b) in zip(buffModel.parameters[tensor], asyncModel.parameters[tensor]) {
                #expect(abs(a - b) < 1e-5)
            }
        }
    }

    @Test func fedAsyncMixesStaleUpdatesByTheDecayedRate() {
        var model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        model.step(adding: [[1, 1, 1], [1]])  // version 1: x = 1 everywhere
        let base: [[Float]] = [[0, 0, 0], [0]]
        let update = ClientUpdate(
            clientID: 0, baseVersion: 0, subset: ParameterSubset(tensors: [.indices([1]), .none]),
            deltas: [[5], []], exampleCount: 1)
        // τ = 1, s = (1 + 1)^−1 = 0.5, α = 0.5 → w = 0.25; element 1: 0.75·1 + 0.25·(0 + 5) = 2.
        let outcome = FedAsyncAggregator(alpha: 0.5, staleness: StalenessDecay.polynomial(a: 1))
            .receive(update, base: base, into: &model)
        #expect(outcome == .stepped(version: 2, updates: 1, meanStaleness: 1))
        #expect(model.parameters == [[1, 2, 1], [1]])
    }

    @Test func overlappingSubsetsAreAveragedOverTheClientsThatHoldEachElement() {
        let a = ClientUpdate(
            clientID: 0, baseVersion: 0, subset: ParameterSubset(tensors: [.indices([0, 1]), .none]),
            deltas: [[2, 4], []], exampleCount: 1)
        let b = ClientUpdate(
            clientID: 1, baseVersion: 0, subset: ParameterSubset(tensors: [.indices([1, 2]), .all]),
            deltas: [[8, 6], [3]], exampleCount: 3)
        let combined = combineSparseDeltas([(a, 1), (b, 3)], layout: linearLayout)
        #expect(combined == [[2, (4 + 24) / 4, 6], [3]])
    }

    @Test func fttesBufferWeightsMultiplyAgeAndVarianceTermsAndSumToOne() {
        var ftte = FTTEAggregator(bufferSize: 3, staleness: StalenessDecay.polynomial(a: 1), variance: .ftte(beta: 1))
        var model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        model.step(adding: [[0, 0, 0], [0]])  // version 1
        // Variances 1 (Δ = ±1) and 4 (Δ = ±2); mean 2.5.
        let calm = ClientUpdate(
            clientID: 0, baseVersion: 1, subset: .full(linearLayout), deltas: [[1, -1, 1], [-1]], exampleCount: 1)
        let wild = ClientUpdate(
            clientID: 1, baseVersion: 0, subset: .full(linearLayout), deltas: [[2, -2, 2], [-2]], exampleCount: 1)
        #expect(ftte.receive(calm, into: &model) == .buffered(count: 1))
        #expect(ftte.receive(wild, into: &model) == .buffered(count: 2))
        let calmRaw = 1.0 * (1 / (1 + 1 / 2.5))  // τ = 0
        let wildRaw = 0.5 * (1 / (1 + 4 / 2.5))  // τ = 1
        let weights = ftte.bufferWeights
        #expect(abs(weights[0] - calmRaw / (calmRaw + wildRaw)) < 1e-12)
        #expect(abs(weights.reduce(0, +) - 1) < 1e-12)
        let third = ClientUpdate(
            clientID: 2, baseVersion: 1, subset: .full(linearLayout), deltas: [[0, 0, 0], [0]], exampleCount: 1)
        guard case .stepped(let version, let count, let meanStaleness) = ftte.receive(third, into: &model) else {
            Issue.record("the third update fills the buffer")
            return
        }
        #expect(version == 2 && count == 3 && abs(meanStaleness - 1.0 / 3) < 1e-12)
    }

    @Test func fedAvgRoundClosesAtTheRequiredCountAndCountsLateUpdates() throws {
        let stream = RandomStream(seed: 8)
        var round = try FedAvgRound(
            version: 0, available: Array(0..<20), fraction: 0.25, overSelection: 0.4, stream: stream)
        #expect(round.required == 5)
        #expect(round.cohort.count == 7)
        #expect(Set(round.cohort).count == 7 && round.cohort.allSatisfy { (0..<20).contains($0) })
        let updates = round.cohort.map {
            ClientUpdate(
                clientID: $0, baseVersion: 0, subset: .full(linearLayout), deltas: [[0, 0, 0], [0]], exampleCount: 1)
        }
        let closedAt = updates.firstIndex { round.receive($0) }
        #expect(closedAt == 4)
        #expect(round.received.count == 5)
        for update in updates.dropFirst(5) { _ = round.receive(update) }
        #expect(round.lateCount == 2)
    }
}
