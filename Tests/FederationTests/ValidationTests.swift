// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing

/// Every parameter a manifest sets is checked by a throwing initializer that names its key path.
struct ValidationTests {
    static let model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])

    static let cases: [(String, @Sendable () throws -> Void)] = [
        ("strategy.alpha", { _ = try FedAsyncAggregator(alpha: 0, staleness: StalenessDecay.constant) }),
        ("strategy.alpha", { _ = try FedAsyncAggregator(alpha: 1.5, staleness: StalenessDecay.constant) }),
        ("strategy.alpha", { _ = try FedAsyncAggregator(alpha: .nan, staleness: StalenessDecay.constant) }),
        (
            "strategy.staleness.a",
            { _ = try FedAsyncAggregator(alpha: 0.5, staleness: StalenessDecay.polynomial(a: -1)) }
        ),
        ("strategy.buffer", { _ = try FedBuffAggregator(bufferSize: 0, staleness: StalenessDecay.constant) }),
        (
            "strategy.server_lr",
            { _ = try FedBuffAggregator(bufferSize: 2, serverLearningRate: 0, staleness: StalenessDecay.constant) }
        ),
        (
            "strategy.staleness.lambda",
            { _ = try FedBuffAggregator(bufferSize: 2, staleness: StalenessDecay.exponential(lambda: -1)) }
        ),
        ("strategy.buffer", { _ = try FTTEAggregator(bufferSize: -3, staleness: StalenessDecay.constant) }),
        (
            "strategy.server_lr",
            { _ = try FTTEAggregator(bufferSize: 2, serverLearningRate: .infinity, staleness: StalenessDecay.constant) }
        ),
        (
            "strategy.variance.beta",
            { _ = try FTTEAggregator(bufferSize: 2, staleness: StalenessDecay.constant, variance: .ftte(beta: -1)) }
        ),
        ("strategy.variance.beta", { try VarianceWeighting.exponential(beta: .nan).validate() }),
        (
            "strategy.staleness.b",
            { _ = try FTTEAggregator(bufferSize: 2, staleness: StalenessDecay.hinge(a: 1, b: -1)) }
        ),
        (
            "strategy.staleness.max",
            { _ = try FTTEAggregator(bufferSize: 2, staleness: StalenessDecay.cutoff(maximum: -1)) }
        ),
        (
            "strategy.subnet.capacity_ratio",
            {
                _ = try ExtractionPolicy.width.extract(
                    layout: linearLayout, capacityRatio: 0, step: 0, stream: RandomStream(seed: 0))
            }
        ),
        (
            "strategy.subnet.capacity_ratio",
            {
                _ = try ExtractionPolicy.rolling.extract(
                    layout: linearLayout, capacityRatio: 1.5, step: 0, stream: RandomStream(seed: 0))
            }
        ),
        ("strategy.privacy.clip", { _ = try ClientPrivacy(mode: .local, clipNorm: 0, noiseMultiplier: 1) }),
        (
            "strategy.privacy.noise_multiplier",
            { _ = try ClientPrivacy(mode: .central, clipNorm: 1, noiseMultiplier: -1) }
        ),
        ("strategy.privacy.orders", { _ = try RDPAccountant(orders: [1, 2]) }),
        (
            "strategy.privacy.delta",
            { _ = try RDPAccountant().epsilon(samplingRate: 0.1, noiseMultiplier: 1, steps: 1, delta: 0) }
        ),
        (
            "strategy.privacy.sampling_rate",
            { _ = try RDPAccountant().epsilon(samplingRate: 1.1, noiseMultiplier: 1, steps: 1, delta: 1e-5) }
        ),
        ("strategy.cohort_fraction", { _ = try CohortSelection(fraction: 0) }),
        ("strategy.over_selection", { _ = try CohortSelection(fraction: 0.5, overSelection: -1) }),
        (
            "devices.count",
            {
                _ = try SynchronousServer(
                    model: model, selection: CohortSelection(fraction: 0.5),
                    privacy: ClientPrivacy(mode: .central, clipNorm: 1, noiseMultiplier: 1))
            }
        ),
        (
            "strategy.concurrency",
            {
                _ = try AsynchronousServer(
                    model: model, rule: .fedBuff(FedBuffAggregator(bufferSize: 1, staleness: StalenessDecay.constant)),
                    concurrency: 0)
            }
        ),
        ("model.initial_weights", { _ = try GlobalModel(checking: linearLayout, parameters: [[0, 0], [0]]) }),
        ("model.initial_weights", { _ = try GlobalModel(checking: linearLayout, parameters: [[0, .nan, 0], [0]]) }),
        ("strategy.client.epochs", { _ = try ClientTrainer(epochs: 0, batchSize: 1, learningRate: 0.1) }),
    ]

    @Test(arguments: 0..<cases.count)
    func invalidValueThrowsNamingItsKeyPath(index: Int) {
        let (keyPath, body) = Self.cases[index]
        #expect {
            try body()
        } throws: { error in
            (error as? FederationConfigurationError)?.keyPath == keyPath
        }
    }

    /// A negative staleness (a base version the server has not reached) does not crash s(τ): it is clamped
    /// to τ = 0, the largest weight, 1.
    @Test func negativeStalenessIsClampedToFresh() {
        #expect(StalenessDecay.polynomial(a: 1).weight(staleness: -3) == 1)
        #expect(StalenessDecay.hinge(a: 1, b: 0).weight(staleness: -1) == 1)
        #expect(StalenessDecay.cutoff(maximum: 0).weight(staleness: -1) == 1)
    }

    /// A custom decay that returns weights outside [0, 1] cannot amplify or invert an update: FedAsync with
    /// α = 1 and s clamped to 1 replaces the model by x_base + Δ.
    @Test func customStalenessWeightsAreKeptInTheUnitInterval() throws {
        struct Amplifying: StalenessWeighting {
            func weight(staleness: Int) -> Double? { 5 }
        }
        var model = Self.model
        let rule = try FedAsyncAggregator(alpha: 1, staleness: Amplifying())
        _ = rule.receive(linearUpdate(0, base: 0, [[1, 2, 3], [4]]), base: model.parameters, into: &model)
        #expect(model.parameters == [[1, 2, 3], [4]])
    }
}
