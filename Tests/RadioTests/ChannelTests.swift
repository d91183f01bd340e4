// SPDX-License-Identifier: GPL-3.0-or-later

import Radio
import SimKernel
import Testing

struct ChannelTests {
    @Test func pathLossIsTheReferenceAtTheReferenceDistanceAndGrowsTenNDecibelsPerDecade() throws {
        let model = LogDistancePathLoss.loRaSim
        #expect(model.meanLossDB(distanceMeters: 40) == 127.41)
        #expect(abs(model.meanLossDB(distanceMeters: 400) - (127.41 + 20.8)) < 1e-9)
        #expect(abs(model.distanceMeters(meanLossDB: model.meanLossDB(distanceMeters: 1_234)) - 1_234) < 1e-6)
        #expect(throws: RadioParameterError.self) { try LogDistancePathLoss(exponent: 0) }
    }

    @Test func shadowingHasTheConfiguredSpreadAndIsDeterministicPerStream() throws {
        let model = LogDistancePathLoss.loRaSim
        let stream = RandomStream(StreamKey(masterSeed: 3, entity: 1, purpose: "shadowing"))
        let draws = (0..<20_000).map { _ in
            model.lossDB(distanceMeters: 1_000, stream: stream) - model.meanLossDB(distanceMeters: 1_000)
        }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let sd = (draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count - 1)).squareRoot()
        #expect(abs(mean) < 4 * 3.57 / Double(draws.count).squareRoot())
        #expect(abs(sd - 3.57) < 0.05)
        let again = RandomStream(StreamKey(masterSeed: 3, entity: 1, purpose: "shadowing"))
        #expect(
            model.lossDB(distanceMeters: 1_000, stream: again) - model.meanLossDB(distanceMeters: 1_000) == draws[0])
    }

    @Test(arguments: [
        (SpreadingFactor.sf7, -7.5, -124.5), (.sf8, -10, -127), (.sf9, -12.5, -129.5), (.sf10, -15, -132),
        (.sf11, -17.5, -134.5), (.sf12, -20, -137),
    ])
    func sensitivityIsNoiseFloorPlusTheSpreadingFactorsSNRFloor(sf: SpreadingFactor, floor: Double, dBm: Double) {
        let receiver = LoRaReceiver()
        #expect(LoRaReceiver.demodulationFloorDB(sf) == floor)
        // −174 + 10·log10(125 000) + 6 = −117.03 dBm.
        #expect(abs(receiver.sensitivityDBm(sf, .khz125) - (dBm - 0.0309)) < 0.001)
        #expect(receiver.canDemodulate(powerDBm: dBm + 0.1, sf, .khz125))
        #expect(!receiver.canDemodulate(powerDBm: dBm - 0.1, sf, .khz125))
    }

    private func frame(_ start: Int64, _ end: Int64, _ dBm: Double, sf: SpreadingFactor = .sf7, hz: Int = 868_100_000)
        -> ReceivedFrame
    {
        ReceivedFrame(
            start: .milliseconds(start), end: .milliseconds(end), frequencyHertz: hz, spreadingFactor: sf, powerDBm: dBm
        )
    }

    @Test func overlappingFramesOfEqualPowerDestroyEachOther() {
        let a = frame(0, 50, -100)
        let b = frame(40, 90, -100)
        #expect(!a.survives([a, b]))
        #expect(!b.survives([a, b]))
    }

    @Test func aFrameSixDecibelsStrongerCapturesTheReceiver() {
        let strong = frame(0, 50, -94)
        let weak = frame(10, 60, -100)
        #expect(strong.survives([strong, weak]))
        #expect(!weak.survives([strong, weak]))
        let almost = frame(0, 50, -94.01)
        #expect(!almost.survives([almost, weak]))
    }

    @Test func framesApartInTimeChannelOrSpreadingFactorDoNotCollide() {
        let a = frame(0, 50, -100)
        #expect(a.survives([frame(50, 90, -90)]))  // back to back: [0, 50) and [50, 90)
        #expect(a.survives([frame(0, 50, -90, sf: .sf8)]))
        #expect(a.survives([frame(0, 50, -90, hz: 868_300_000)]))
    }

    @Test func gilbertElliottMatchesLossRateAndBurstLengthAndIsDeterministic() throws {
        var channel = try GilbertElliottLoss(lossRate: 0.1, meanBurstLength: 4)
        let stream = RandomStream(StreamKey(masterSeed: 9, entity: 2, purpose: "burst-loss"))
        let frames = 200_000
        var lost = 0
        var bursts = 0
        var previous = false
        var pattern: [Bool] = []
        for _ in 0..<frames {
            let now = channel.nextFrameLost(stream)
            if now { lost += 1 }
            if now && !previous { bursts += 1 }
            previous = now
            if pattern.count < 64 { pattern.append(now) }
        }
        #expect(abs(Double(lost) / Double(frames) - 0.1) < 0.01)
        #expect(abs(Double(lost) / Double(bursts) - 4) < 0.2)
        var replay = try GilbertElliottLoss(lossRate: 0.1, meanBurstLength: 4)
        let again = RandomStream(StreamKey(masterSeed: 9, entity: 2, purpose: "burst-loss"))
        #expect((0..<64).map { _ in replay.nextFrameLost(again) } == pattern)
        #expect(throws: RadioParameterError.self) { try GilbertElliottLoss(lossRate: 0.9, meanBurstLength: 1) }
    }
    @Test func imperfectOrthogonalityLetsAMuchStrongerOtherSpreadingFactorDestroyAFrame() {
        let wanted = frame(0, 50, -110)
        // Croce et al.: SF7 survives an SF8 interferer up to 8 dB stronger (SIR ≥ −8 dB).
        #expect(wanted.survives([frame(10, 60, -102, sf: .sf8)], model: .croce))
        #expect(!wanted.survives([frame(10, 60, -101, sf: .sf8)], model: .croce))
        // Goursaud: SF7 against SF8 needs −16 dB; orthogonal: nothing across SFs.
        #expect(wanted.survives([frame(10, 60, -101, sf: .sf8)], model: .goursaud))
        #expect(!wanted.survives([frame(10, 60, -93, sf: .sf8)], model: .goursaud))
        #expect(wanted.survives([frame(10, 60, -60, sf: .sf8)], model: .standard))
        // Same SF: 1 dB (Croce) and 6 dB (Goursaud, standard) capture.
        #expect(wanted.survives([frame(10, 60, -111)], model: .croce))
        #expect(!wanted.survives([frame(10, 60, -111)], model: .goursaud))
    }

    @Test func publishedSIRMatricesHaveTheirCoSpreadingFactorThresholdOnTheDiagonal() {
        for wanted in SpreadingFactor.allCases where wanted != .sf6 {
            #expect(LoRaInterferenceModel.croce.requiredSIR(wanted: wanted, interferer: wanted) == 1)
            #expect(LoRaInterferenceModel.goursaud.requiredSIR(wanted: wanted, interferer: wanted) == 6)
            for interferer in SpreadingFactor.allCases where interferer != .sf6 && interferer != wanted {
                #expect((LoRaInterferenceModel.croce.requiredSIR(wanted: wanted, interferer: interferer) ?? 0) < 0)
                #expect(LoRaInterferenceModel.standard.requiredSIR(wanted: wanted, interferer: interferer) == nil)
            }
        }
        // Slower SFs tolerate more: SF12 against SF7 needs −25 dB (Croce), −36 dB (Goursaud).
        #expect(LoRaInterferenceModel.croce.requiredSIR(wanted: .sf12, interferer: .sf7) == -25)
        #expect(LoRaInterferenceModel.goursaud.requiredSIR(wanted: .sf12, interferer: .sf7) == -36)
    }
}
