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
    @Test func fedBuffWithBufferOneEqualsFedAsyncWithAlphaOne() throws {
        let stream = RandomStream(seed: 4)
        var buffModel = GlobalModel(layout: linearLayout, parameters: [[1, 2, 3], [4]])
        var asyncModel = buffModel
        var buff = try FedBuffAggregator(bufferSize: 1, staleness: StalenessDecay.constant)
        let fedAsync = try FedAsyncAggregator(alpha: 1, staleness: StalenessDecay.constant)
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

    @Test func fedAsyncMixesStaleUpdatesByTheDecayedRate() throws {
        var model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        model.step(adding: [[1, 1, 1], [1]])  // version 1: x = 1 everywhere
        let base: [[Float]] = [[0, 0, 0], [0]]
        let update = ClientUpdate(
            clientID: 0, baseVersion: 0, subset: ParameterSubset(tensors: [.indices([1]), .none]),
            deltas: [[5], []], exampleCount: 1)
        // τ = 1, s = (1 + 1)^−1 = 0.5, α = 0.5 → w = 0.25; element 1: 0.75·1 + 0.25·(0 + 5) = 2.
        let outcome = try FedAsyncAggregator(alpha: 0.5, staleness: StalenessDecay.polynomial(a: 1))
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

    @Test func fttesBufferWeightsMultiplyAgeAndVarianceTermsAndSumToOne() throws {
        var ftte = try FTTEAggregator(
            bufferSize: 3, staleness: StalenessDecay.polynomial(a: 1), variance: .ftte(beta: 1))
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
        let receipts = updates.map { round.receive($0) }
        #expect(
            receipts.prefix(5) == [
                .accepted(waiting: 4), .accepted(waiting: 3), .accepted(waiting: 2), .accepted(waiting: 1), .completed,
            ])
        #expect(round.received.count == 5)
        #expect(receipts.dropFirst(5).allSatisfy { $0 == .late })
        #expect(round.lateCount == 2)
    }

    /// FedBuff, K = 2, η_g = 0.5, s(τ) = 1/(1 + τ), at version 2. A (τ = 1, s = 1/2) is dense,
    /// Δ = (2, 4, 6; 8); B (τ = 2, s = 1/3) holds w₀, w₁ with Δ = (3, −3). Weighted sums: w₀ = 1 + 1 = 2,
    /// w₁ = 2 − 1 = 1, w₂ = 3, b = 4. Divisor K: × η_g/K = 0.25 → (0.5, 0.25, 0.75; 1). Divisor holders
    /// (2, 2, 1, 1): × η_g → (0.5, 0.25, 1.5; 2).
    @Test(arguments: [
        (FedBuffDivisor.k, [[0.5, 0.25, 0.75], [1]] as [[Float]]),
        (.holders, [[0.5, 0.25, 1.5], [2]]),
    ])
    func fedBuffStepMatchesHandComputedNumbers(divisor: FedBuffDivisor, expected: [[Float]]) throws {
        var model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        model.step(adding: [[0, 0, 0], [0]])
        model.step(adding: [[0, 0, 0], [0]])
        var rule = try FedBuffAggregator(
            bufferSize: 2, serverLearningRate: 0.5, divisor: divisor, staleness: StalenessDecay.polynomial(a: 1))
        let a = ClientUpdate(
            clientID: 0, baseVersion: 1, subset: .full(linearLayout), deltas: [[2, 4, 6], [8]], exampleCount: 1)
        let b = ClientUpdate(
            clientID: 1, baseVersion: 0, subset: ParameterSubset(tensors: [.indices([0, 1]), .none]),
            deltas: [[3, -3], []], exampleCount: 1)
        #expect(rule.receive(a, into: &model) == .buffered(count: 1))
        #expect(rule.receive(b, into: &model) == .stepped(version: 3, updates: 2, meanStaleness: 1.5))
        for (got, want) in zip(model.parameters.joined(), expected.joined()) { #expect(abs(got - want) < 1e-6) }
    }

    /// One FTTE step, K = 3, η_g = 2, s(τ) = 1/(1 + τ), g = 1/(1 + σ²/σ̄²), equal example counts, at version 2.
    /// U₁ = ±1 (τ = 0), U₂ = ∓1 (τ = 1), U₃ = ±2 (τ = 2): variances 1, 1, 4, mean 2, so h = 2/3, 2/3, 1/3 and
    /// s·h = 2/3, 1/3, 1/9. Buffer normalisation: ω = (0.6, 0.3, 0.1), Σ ωΔ = ±0.5, × η_g = ±1. Absolute:
    /// ω = s·h / Σh = (0.4, 0.2, 1/15), Σ ωΔ = ±1/3, × η_g = ±2/3.
    @Test(arguments: [(FTTENormalisation.buffer, [0.6, 0.3, 0.1], 1.0), (.absolute, [0.4, 0.2, 1.0 / 15], 2.0 / 3)])
    func ftteStepOnThreeUpdatesMatchesHandComputedWeights(
        normalisation: FTTENormalisation, weights: [Double], magnitude: Double
    ) throws {
        let raw: [(w: [Float], b: [Float], base: Int)] = [
            ([1, -1, 1], [-1], 2), ([-1, 1, -1], [1], 1), ([2, -2, 2], [-2], 0),
        ]
        let updates = raw.enumerated().map { client, entry in
            linearUpdate(client, base: entry.base, [entry.w, entry.b])
        }
        func model() -> GlobalModel {
            var model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
            model.step(adding: [[0, 0, 0], [0]])
            model.step(adding: [[0, 0, 0], [0]])
            return model
        }
        var full = model()
        var rule = try FTTEAggregator(
            bufferSize: 3, serverLearningRate: 2, staleness: StalenessDecay.polynomial(a: 1), variance: .ftte(beta: 1),
            normalisation: normalisation)
        _ = rule.receive(updates[0], into: &full)
        _ = rule.receive(updates[1], into: &full)
        #expect(rule.bufferWeights.count == 2)
        #expect(rule.receive(updates[2], into: &full) == .stepped(version: 3, updates: 3, meanStaleness: 1))
        let m = Float(magnitude)
        for (got, want) in zip(full.parameters.joined(), [m, -m, m, -m]) { #expect(abs(got - want) < 1e-6) }

        // The same three in a buffer of 4, flushed: the weights are normalised over the three buffered.
        var flushed = model()
        var partial = try FTTEAggregator(
            bufferSize: 4, serverLearningRate: 2, staleness: StalenessDecay.polynomial(a: 1), variance: .ftte(beta: 1),
            normalisation: normalisation)
        for update in updates { _ = partial.receive(update, into: &flushed) }
        for (got, want) in zip(partial.bufferWeights, weights) { #expect(abs(got - want) < 1e-12) }
        #expect(partial.flush(into: &flushed) == .applied(.stepped(version: 3, updates: 3, meanStaleness: 1)))
        #expect(flushed.parameters == full.parameters)
        #expect(partial.flush(into: &flushed) == .empty)
    }

    /// A FedBuff flush with divisor K applies the partial buffer over its own count: two of four buffered
    /// updates (Δ = 2 and 4, s = 1) move the model by (2 + 4)/2 = 3, not by 6/4.
    @Test func fedBuffFlushDividesByTheUpdatesBuffered() throws {
        var model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        var rule = try FedBuffAggregator(bufferSize: 4, staleness: StalenessDecay.constant)
        _ = rule.receive(linearUpdate(0, base: 0, [[2, 2, 2], [2]]), into: &model)
        _ = rule.receive(linearUpdate(1, base: 0, [[4, 4, 4], [4]]), into: &model)
        #expect(rule.flush(into: &model) == .applied(.stepped(version: 1, updates: 2, meanStaleness: 0)))
        #expect(model.parameters == [[3, 3, 3], [3]])
    }

    /// An update claiming a version the server has not reached (τ < 0) is rejected, not weighted.
    @Test func updateFromAFutureVersionIsRejected() throws {
        var model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        var rule = try FedBuffAggregator(bufferSize: 1, staleness: StalenessDecay.polynomial(a: 1))
        #expect(
            rule.receive(linearUpdate(0, base: 3, [[1, 1, 1], [1]]), into: &model)
                == .rejected(baseVersion: 3, currentVersion: 0))
        #expect(model.version == 0)
    }
}
