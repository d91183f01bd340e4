// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import Foundation
import SimKernel
import Testing

struct PrivacyTests {
    /// Reference values from Google's dp-accounting 0.6.0 `RdpAccountant` with orders 2…64 and
    /// `PoissonSampledDpEvent(q, GaussianDpEvent(σ))` composed T times.
    @Test(arguments: [
        (256.0 / 60_000, 1.1, 14_062, 1e-5, 2.5969811785948815, 8),
        (0.01, 1.0, 1_000, 1e-5, 2.1077530754515745, 8),
        (1.0, 2.0, 10, 1e-5, 8.087861628831664, 4),
        (0.1, 1.5, 100, 1e-6, 4.442648917296694, 6),
    ])
    func accountantMatchesTheDpAccountingLibrary(
        q: Double, sigma: Double, steps: Int, delta: Double, epsilon: Double, order: Int
    ) throws {
        let result = try RDPAccountant().epsilon(samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta)
        #expect(abs(result.epsilon - epsilon) < 1e-9 * epsilon)
        #expect(result.order == order)
    }

    /// TensorFlow Privacy's published MNIST DP-SGD budgets (tutorials README: N = 60 000, batch 256, δ = 1e-5;
    /// steps = epochs·N/256), computed with the classic conversion. TF Privacy also searched fractional orders;
    /// over integer orders the σ = 0.7 case comes out 7.12 instead of 7.10, so it is held to 0.03.
    @Test(arguments: [(1.1, 60, 3.01, 0.005), (1.3, 15, 1.19, 0.005), (0.7, 45, 7.10, 0.03)])
    func classicConversionReproducesTensorFlowPrivacysPublishedBudgets(
        sigma: Double, epochs: Int, published: Double, tolerance: Double
    ) throws {
        let accountant = RDPAccountant(conversion: .classic)
        let result = try accountant.epsilon(
            samplingRate: 256.0 / 60_000, noiseMultiplier: sigma, steps: epochs * 60_000 / 256, delta: 1e-5)
        #expect(abs(result.epsilon - published) <= tolerance)
    }

    /// Without subsampling the Gaussian mechanism's RDP is α/(2σ²) (Mironov 2017, Prop. 7); the binomial sum
    /// at q → 1 must approach it.
    @Test func fullParticipationRDPIsTheGaussianMechanisms() {
        let accountant = RDPAccountant()
        #expect(accountant.stepRDP(samplingRate: 1, noiseMultiplier: 2, order: 10) == 10.0 / 8)
        let nearlyFull = accountant.stepRDP(samplingRate: 1 - 1e-12, noiseMultiplier: 2, order: 10)
        #expect(abs(nearlyFull - 10.0 / 8) < 1e-6)
    }

    /// Local mode: clipping to C, then N(0, (σ·2C)²) per element (sensitivity 2C); central mode only clips.
    @Test func clippingBoundsTheNormAndLocalNoiseHasTheConfiguredSpread() throws {
        let mechanism = try ClientPrivacy(mode: .local, clipNorm: 1, noiseMultiplier: 0)
        var deltas: [[Float]] = [[3, 4], [0]]
        let before = mechanism.privatize(&deltas, stream: RandomStream(seed: 1))
        #expect(before == 5)
        #expect(abs(ClientPrivacy.norm(deltas) - 1) < 1e-6)
        #expect(deltas == [[0.6, 0.8], [0]])

        let noisy = try ClientPrivacy(mode: .local, clipNorm: 2, noiseMultiplier: 0.25)
        #expect(noisy.sensitivity == 4 && noisy.noiseStandardDeviation == 1)
        var zeros: [[Float]] = [[Float](repeating: 0, count: 50_000)]
        noisy.privatize(&zeros, stream: RandomStream(seed: 2))
        let summary = try #require(SampleSummary(zeros[0].map(Double.init)))
        #expect(abs(summary.standardDeviation - 1) < 0.02)  // σ·2C = 1; sd of the estimate ≈ 0.003
        #expect(abs(summary.mean) < 0.02)

        let central = try ClientPrivacy(mode: .central, clipNorm: 2, noiseMultiplier: 0.25)
        var untouched: [[Float]] = [[0.5, 0], [0]]
        central.privatize(&untouched, stream: RandomStream(seed: 3))
        #expect(untouched == [[0.5, 0], [0]], "central mode leaves the noise to the server")
    }

    /// Central mode, σ = 0: fleet N = 4, f = 0.5, so q·N = 2 and two of the four devices close a round.
    /// A's Δ = (3, 4, 0; 0) is clipped to C = 1 → (0.6, 0.8, 0; 0); B's (0, 0, 0.5; 0) is within C.
    /// The step is their sum over q·N = 2: (0.3, 0.4, 0.25; 0). An empty round still releases a step.
    @Test func centralModeWithoutNoiseIsClippedFedAvgOverTheExpectedCohort() throws {
        let privacy = try ClientPrivacy(mode: .central, clipNorm: 1, noiseMultiplier: 0)
        var server = try SynchronousServer(
            model: GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]]),
            selection: CohortSelection(fraction: 0.5), privacy: privacy, fleetSize: 4)
        #expect(server.expectedCohortSize == 2)
        let stream = RandomStream(seed: 5)
        guard case .opened(0, let cohort) = server.openRound(available: [0, 1, 2, 3], stream: stream) else {
            Issue.record("round 0 opens")
            return
        }
        #expect(cohort.count == 2)
        _ = server.updateArrived(linearUpdate(cohort[0], base: 0, [[3, 4, 0], [0]], examples: 7), round: 0)
        let closed = server.updateArrived(linearUpdate(cohort[1], base: 0, [[0, 0, 0.5], [0]]), round: 0)
        #expect(
            closed
                == .closed(
                    .init(
                        round: 0, cause: .requiredUpdatesArrived, updates: 2,
                        step: .stepped(version: 1, updates: 2, meanStaleness: 0))))
        for (got, want) in zip(server.model.parameters.joined(), [0.3, 0.4, 0.25, 0] as [Float]) {
            #expect(abs(got - want) < 1e-7)
        }
        _ = server.openRound(available: [0, 1, 2, 3], stream: stream)
        #expect(
            server.deadlinePassed(round: 1)
                == .closed(
                    .init(
                        round: 1, cause: .deadline, updates: 0, step: .stepped(version: 2, updates: 0, meanStaleness: 0)
                    )))
        #expect(server.privacyLedger?.stepsBySamplingRate == [0.5: 2])
    }

    /// Central mode, σ > 0: the noise on the sum has standard deviation σC. 20 000 elements, σ = 0.5, C = 2,
    /// N = 20, f = 0.1, so the model moves by noise/(q·N) = noise/2; its sample sd times 2 must be σC = 1 within
    /// four standard errors (1/√(2·20 000) ≈ 0.005).
    @Test func centralNoiseOnTheSumHasStandardDeviationSigmaTimesClip() throws {
        let layout = ModelLayout(tensors: [TensorLayout(name: "w", outputChannels: 100, inputChannels: 200)])
        let privacy = try ClientPrivacy(mode: .central, clipNorm: 2, noiseMultiplier: 0.5)
        var server = try SynchronousServer(
            model: GlobalModel(layout: layout, parameters: [[Float](repeating: 0, count: 20_000)]),
            selection: CohortSelection(fraction: 0.1), privacy: privacy, fleetSize: 20)
        _ = server.openRound(available: Array(0..<20), stream: RandomStream(seed: 6))
        _ = server.deadlinePassed(round: 0)
        let summary = try #require(SampleSummary(server.model.parameters[0].map { 2 * Double($0) }))
        #expect(abs(summary.standardDeviation - 1) < 4 * 0.005)
        #expect(abs(summary.mean) < 4 * 0.005 * 1.5)
    }

    /// The server's ledger over 1 000 central rounds, each selecting 1 of 100 available devices (q = 0.01),
    /// σ = 1, δ = 1e-5, equals dp-accounting 0.6.0's ε for 1 000 Poisson-sampled Gaussian steps (2.10775…).
    @Test func centralLedgerOverRoundsMatchesTheDpAccountingLibrary() throws {
        let privacy = try ClientPrivacy(mode: .central, clipNorm: 1, noiseMultiplier: 1)
        var server = try SynchronousServer(
            model: GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]]),
            selection: CohortSelection(fraction: 0.01), privacy: privacy, fleetSize: 100)
        let stream = RandomStream(seed: 7)
        for round in 0..<1_000 {
            _ = server.openRound(available: Array(0..<100), stream: stream)
            _ = server.deadlinePassed(round: round)
        }
        let ledger = try #require(server.privacyLedger)
        #expect(ledger.steps == 1_000)
        let epsilon = try ledger.epsilon(delta: 1e-5)
        #expect(abs(epsilon - 2.1077530754515745) < 1e-9 * 2.1077530754515745)
    }

    /// Local mode: client 0 releases three updates, client 1 one. Each release is a Gaussian mechanism with
    /// Δ = 2C and s = σ·2C, RDP α/(2σ²); at σ = 2 and α = 8 the worst client has 3·8/8 = 3, and the classic
    /// conversion adds log(1/δ)/(α − 1) = log(10⁵)/7. Over the default orders with the improved conversion
    /// the minimum of 3α/8 + log(1 − 1/α) − log(δα)/(α − 1) is taken by hand below.
    @Test func localLedgerIsTheWorstClientsComposedGaussianRDP() throws {
        let privacy = try ClientPrivacy(mode: .local, clipNorm: 0.5, noiseMultiplier: 2)
        var server = try AsynchronousServer(
            model: GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]]),
            rule: .fedBuff(FedBuffAggregator(bufferSize: 2, staleness: StalenessDecay.constant)), concurrency: 2,
            privacy: privacy)
        for _ in 0..<3 {
            let assigned = server.deviceIdle(0)
            let version = try #require(assigned.first).version
            _ = server.updateArrived(linearUpdate(0, base: version, [[0, 0, 0], [0]]))
        }
        _ = server.deviceIdle(1)
        _ = server.updateArrived(linearUpdate(1, base: server.model.version, [[0, 0, 0], [0]]))
        let ledger = try #require(server.privacyLedger)
        #expect(ledger.participations == [0: 3, 1: 1])

        let single = try RDPAccountant(orders: [8], conversion: .classic)
        let expectedSingle = 3.0 * 8 / (2 * 4) + log(1e5) / 7
        #expect(abs(try ledger.epsilon(delta: 1e-5, accountant: single) - expectedSingle) < 1e-12)

        let byHand = (2...64).map { alpha in
            let a = Double(alpha)
            return 3 * a / 8 + log1p(-1 / a) - log(1e-5 * a) / (a - 1)
        }.min()!
        #expect(abs(try ledger.epsilon(delta: 1e-5) - byHand) < 1e-12)
        #expect(try PrivacyLedger.localEpsilon(participations: 0, privacy: privacy, delta: 1e-5) == 0)
    }

    @Test func centralModeIsRefusedForAsynchronousStrategies() throws {
        let privacy = try ClientPrivacy(mode: .central, clipNorm: 1, noiseMultiplier: 1)
        #expect {
            try AsynchronousServer(
                model: GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]]),
                rule: .fedAsync(FedAsyncAggregator(alpha: 0.5, staleness: StalenessDecay.constant)), concurrency: 1,
                privacy: privacy)
        } throws: { error in
            (error as? FederationConfigurationError)?.keyPath == "strategy.privacy.mode"
        }
    }

    /// Without noise there is no privacy: ε is infinite, and the accountant does not crash on σ = 0.
    @Test func zeroNoiseGivesInfiniteEpsilon() throws {
        let accountant = RDPAccountant()
        #expect(
            try accountant.epsilon(samplingRate: 0.1, noiseMultiplier: 0, steps: 3, delta: 1e-5).epsilon == .infinity)
        #expect(try accountant.epsilon(samplingRate: 0.1, noiseMultiplier: 0, steps: 0, delta: 1e-5).epsilon < 100)
    }
}
