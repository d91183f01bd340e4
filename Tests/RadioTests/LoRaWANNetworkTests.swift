// SPDX-License-Identifier: GPL-3.0-or-later

import Radio
import SimKernel
import Testing

/// Runs transfers on a network until every event is handled; collects the reports.
private func run(
    _ network: inout LoRaWANNetwork, transfers: [(LoRaWANDeviceID, Int, LinkDirection, SimTime)]
) throws -> [LoRaWANTransferReport] {
    var sim = Simulator<LoRaWANEvent>()
    for (device, bytes, direction, time) in transfers {
        try network.startTransfer(device: device, bytes: bytes, direction: direction, at: time, in: &sim) { $0 }
    }
    var reports: [LoRaWANTransferReport] = []
    sim.run { sim, event in
        if let report = network.handle(event, in: &sim, wrap: { $0 }) { reports.append(report) }
    }
    return reports
}

private func noShadowing(_ configuration: inout LoRaWANNetworkConfiguration) {
    configuration.pathLoss = try! LogDistancePathLoss(shadowingSigmaDB: 0)
}

private func transmissions(_ log: RadioActivityLog) -> [RadioInterval] {
    log.intervals.filter { if case .transmit = $0.state { true } else { false } }
}

struct LoRaWANNetworkTests {
    @Test func underThePerFrameRuleAConfirmedUplinkIsFragmentedAndSpacedByTheOnePercentDutyCycle() throws {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        noShadowing(&configuration)
        configuration.dutyCycleRule = .perFrame
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50]))
        let reports = try run(&network, transfers: [(device, 1_000, .uplink, .zero)])
        let report = try #require(reports.first)
        #expect(report.delivered)
        #expect(report.uplinkFrames == 5)  // 4 × 242 + 32
        #expect(report.downlinkFrames == 5)  // one acknowledgement each
        #expect(report.retransmissions == 0)
        let tx = transmissions(network.activity(of: device))
        #expect(tx.count == 5)
        #expect(tx.first?.start == .zero)
        let rate = try LoRaWANRegion.eu868.uplinkDataRate(5)
        for (k, pair) in zip(tx, tx.dropFirst()).enumerated() {
            let airtime = LoRaWANRegion.eu868.frameAirtime(
                applicationBytes: k < 4 ? 242 : 32, dataRate: rate, direction: .uplink)
            #expect(pair.0.duration == airtime)
            // All three default channels are in h1.5 (1 %): the next frame starts 100 × airtime after this one.
            #expect(pair.1.start - pair.0.start == airtime * 100)
        }
        #expect(report.uplinkAirtime == tx.reduce(SimTime.zero) { $0 + $1.duration })
    }

    @Test func underTheWindowRuleABurstWithinTheHourlyBudgetGoesOutBackToBack() throws {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        noShadowing(&configuration)
        #expect(configuration.dutyCycleRule == .window)
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(
                entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50], confirmedUplinks: false))
        // 9 full frames: 242 + 13 = 255 PHY bytes at SF7/125, CR 4/5, CRC, explicit header:
        // 8 + ceil((8·255 − 28 + 28 + 16) / 28) · 5 = 378 payload symbols + 12.25 preamble = 390.25 × 1.024 ms.
        let airtime = SimTime.microseconds(399_616)
        // 9 × 0.4 s ≈ 3.6 s of the 36 s hourly budget: the only waits are the MAC's own, RX1 (1 s after the
        // frame) and RX2 (2 s after it, open 8 DR0 symbols = 262.144 ms).
        let period = airtime + .milliseconds(2_000) + .microseconds(262_144)
        let report = try #require(try run(&network, transfers: [(device, 9 * 242, .uplink, .zero)]).first)
        #expect(report.delivered)
        let tx = transmissions(network.activity(of: device))
        #expect(tx.map(\.start) == (0..<9).map { period * Int64($0) })
        #expect(tx.allSatisfy { $0.duration == airtime })
        #expect(report.end == period * 9)
    }

    @Test func acknowledgementArrivesInRX1OneSecondAfterTheUplinkAndRX2IsSkipped() throws {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        noShadowing(&configuration)
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50]))
        let reports = try run(&network, transfers: [(device, 10, .uplink, .milliseconds(5))])
        let log = network.activity(of: device)
        let tx = try #require(transmissions(log).first)
        let receive = log.intervals.filter { $0.state == .receive }
        #expect(receive.count == 1)
        #expect(receive.first?.start == tx.end + .milliseconds(1_000))
        // ACK: 12-byte frame at SF7/125 without CRC: 8·12 − 28 + 28 = 96 → 4 blocks → 28 + 12.25 symbols.
        #expect(receive.first?.duration == .microseconds(1_024 * 40 + 256))
        #expect(reports.first?.end == receive.first?.end)
        #expect(reports.first?.start == .milliseconds(5))
    }

    @Test func unconfirmedUplinkOpensBothEmptyWindows() throws {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        noShadowing(&configuration)
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(
                entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50], confirmedUplinks: false))
        _ = try run(&network, transfers: [(device, 10, .uplink, .zero)])
        let log = network.activity(of: device)
        let tx = try #require(transmissions(log).first)
        let receive = log.intervals.filter { $0.state == .receive }
        let expectedOpenings: [SimTime] = [tx.end + .milliseconds(1_000), tx.end + .milliseconds(2_000)]
        #expect(receive.map(\.start) == expectedOpenings)
        // RX1 at DR5 (SF7/125) and RX2 at DR0 (SF12/125) stay open for 8 symbols each.
        let expectedWindows: [SimTime] = [.microseconds(8 * 1_024), .microseconds(8 * 32_768)]
        #expect(receive.map(\.duration) == expectedWindows)
        // The time line has no holes: its intervals add up to its span.
        let total = log.intervals.reduce(SimTime.zero) { $0 + $1.duration }
        #expect(total == log.intervals.last!.end - log.intervals.first!.start)
    }

    @Test func underThePerFrameRuleTheGatewayDutyCycleBoundsHowFastAModelComesDown() throws {
        // RX2 moved into h1.5 as well, so every downlink shares one 1 % sub-band of the gateway.
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        noShadowing(&configuration)
        configuration.rx2FrequencyHertz = 868_500_000
        configuration.rx2DataRateIndex = 5
        configuration.dutyCycleRule = .perFrame
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50]))
        let bytes = 2_420
        let report = try #require(try run(&network, transfers: [(device, bytes, .downlink, .zero)]).first)
        #expect(report.delivered)
        #expect(report.downlinkFrames == 10)
        let rate = try LoRaWANRegion.eu868.uplinkDataRate(5)
        let frameAirtime = LoRaWANRegion.eu868.frameAirtime(applicationBytes: 242, dataRate: rate, direction: .downlink)
        #expect(report.downlinkAirtime == frameAirtime * 10)
        // Ten frames on one 1 % sub-band: the last starts at least 9 × 100 × airtime after the first.
        #expect(report.end - report.start >= frameAirtime * 900)
        // …and the device polled far more often than it received (the gateway, not the device, is the limit).
        #expect(report.uplinkFrames > 3 * report.downlinkFrames)

        // Without duty cycles the same transfer needs one poll per frame.
        var free = configuration
        free.enforcesDutyCycle = false
        var unlimited = try LoRaWANNetwork(configuration: free)
        let other = try unlimited.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50]))
        let fast = try #require(try run(&unlimited, transfers: [(other, bytes, .downlink, .zero)]).first)
        #expect(fast.uplinkFrames == 10)
        #expect((fast.end - fast.start).nanoseconds * 10 < (report.end - report.start).nanoseconds)
    }

    @Test func simultaneousEqualFramesCollideAndAStrongerOneIsCaptured() throws {
        func outcome(distances: (Double, Double)) throws -> [Bool] {
            var configuration = LoRaWANNetworkConfiguration(region: .eu868)
            noShadowing(&configuration)
            configuration.uplinkChannelsHertz = [868_100_000]
            var network = try LoRaWANNetwork(configuration: configuration)
            let a = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: 1, dataRateIndex: 3, gatewayDistancesMeters: [distances.0], confirmedUplinks: false))
            let b = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: 2, dataRateIndex: 3, gatewayDistancesMeters: [distances.1], confirmedUplinks: false))
            let reports = try run(
                &network, transfers: [(a, 20, .uplink, .zero), (b, 20, .uplink, .milliseconds(30))])
            return reports.sorted { $0.device < $1.device }.map(\.delivered)
        }
        #expect(try outcome(distances: (100, 100)) == [false, false])
        // 10 m vs 200 m: 20.8 · log10(20) ≈ 27 dB apart: the near device captures the receiver.
        #expect(try outcome(distances: (10, 200)) == [true, false])
        // 3 dB apart (distance ratio 10^(3/20.8)): below the 6 dB threshold, both lost.
        #expect(try outcome(distances: (100, 100 * 1.394)) == [false, false])
        // Each alone is received: the losses above are collisions, not range.
        #expect(try outcome(distances: (100, 200)).count == 2)
    }

    @Test func anUplinkDuringTheGatewaysOwnTransmissionIsLost() throws {
        func bDelivered(withA: Bool) throws -> Bool {
            var configuration = LoRaWANNetworkConfiguration(region: .eu868)
            noShadowing(&configuration)
            var network = try LoRaWANNetwork(configuration: configuration)
            let a = try network.addDevice(
                LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50]))
            let b = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: 2, dataRateIndex: 0, gatewayDistancesMeters: [300], confirmedUplinks: false))
            // A (SF7) ends at ≈ 46 ms; its ACK goes out at ≈ 1.046 s, in the middle of B's 1.5 s SF12 frame.
            var transfers: [(LoRaWANDeviceID, Int, LinkDirection, SimTime)] = [(b, 20, .uplink, .milliseconds(500))]
            if withA { transfers.append((a, 10, .uplink, .zero)) }
            let reports = try run(&network, transfers: transfers)
            return try #require(reports.first { $0.device == b }).delivered
        }
        #expect(try bDelivered(withA: false))
        #expect(try !bDelivered(withA: true))
    }

    @Test func us915HasNoDutyCycleSoFramesFollowTheReceiveWindows() throws {
        var configuration = LoRaWANNetworkConfiguration(region: .us915)
        noShadowing(&configuration)
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(
                entity: 4, dataRateIndex: 3, gatewayDistancesMeters: [50], confirmedUplinks: false))
        let report = try #require(try run(&network, transfers: [(device, 1_000, .uplink, .zero)]).first)
        #expect(report.uplinkFrames == 5)
        let log = network.activity(of: device)
        let tx = transmissions(log)
        let rx2 = log.intervals.filter { $0.state == .receive }.enumerated().filter { $0.offset % 2 == 1 }.map(
            \.element)
        for (frame, window) in zip(tx.dropFirst(), rx2) { #expect(frame.start == window.end) }
        #expect(tx.allSatisfy { $0.duration <= .milliseconds(400) })
    }

    @Test func fairUseCapsUplinkAirtimePerDay() throws {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        noShadowing(&configuration)
        configuration.fairUse = .theThingsNetwork
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(
                entity: 1, dataRateIndex: 0, gatewayDistancesMeters: [200], confirmedUplinks: false))
        // 51-byte frames at SF12 last 2.466 s: 12 fit into 30 s. 40 frames need four days.
        let report = try #require(try run(&network, transfers: [(device, 51 * 40, .uplink, .zero)]).first)
        #expect(report.uplinkFrames == 40)
        var perDay: [Int64: SimTime] = [:]
        for interval in transmissions(network.activity(of: device)) {
            perDay[interval.start.nanoseconds / SimTime.Unit.day.rawValue, default: .zero] += interval.duration
        }
        #expect(perDay.count == 4)
        #expect(perDay.values.allSatisfy { $0 <= .milliseconds(30_000) })
    }

    @Test func burstLossForcesRetransmissionsAndSameSeedGivesSameRun() throws {
        func once(seed: UInt64) throws -> ([LoRaWANTransferReport], [RadioInterval]) {
            var configuration = LoRaWANNetworkConfiguration(region: .eu868, masterSeed: seed)
            configuration.enforcesDutyCycle = false
            var network = try LoRaWANNetwork(configuration: configuration)
            let device = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50], maximumAttempts: 50,
                    burstLoss: try GilbertElliottLoss(lossRate: 0.3, meanBurstLength: 3)))
            let reports = try run(&network, transfers: [(device, 5_000, .uplink, .zero)])
            return (reports, network.activity(of: device).intervals)
        }
        let (first, log) = try once(seed: 11)
        let report = try #require(first.first)
        #expect(report.delivered)
        #expect(report.retransmissions > 0)
        #expect(report.uplinkFrames == 21 + report.retransmissions)  // ceil(5000 / 242) = 21 fragments
        let (again, againLog) = try once(seed: 11)
        #expect(again == first)
        #expect(againLog == log)
        let (other, _) = try once(seed: 12)
        #expect(other != first)
    }

    @Test func rejectsBadDevicesAndOverlappingTransfers() throws {
        var network = try LoRaWANNetwork(configuration: LoRaWANNetworkConfiguration(region: .eu868))
        #expect(throws: RadioParameterError.self) {
            try network.addDevice(LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 7, gatewayDistancesMeters: [1]))
        }
        #expect(throws: RadioParameterError.self) {
            try network.addDevice(LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: []))
        }
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [100]))
        var sim = Simulator<LoRaWANEvent>()
        try network.startTransfer(device: device, bytes: 100, direction: .uplink, at: .zero, in: &sim) { $0 }
        #expect(network.isBusy(device))
        #expect(throws: LoRaWANTransferError.self) {
            try network.startTransfer(device: device, bytes: 100, direction: .uplink, at: .zero, in: &sim) { $0 }
        }
    }
    @Test func aSecondGatewayInRangeDeliversWhatTheFirstCannotHear() throws {
        func delivered(gateways: Int) throws -> Bool {
            var configuration = LoRaWANNetworkConfiguration(region: .eu868, gatewayCount: gateways)
            noShadowing(&configuration)
            var network = try LoRaWANNetwork(configuration: configuration)
            // 2 km from gateway 0 (far below SF7's sensitivity), 50 m from gateway 1.
            let distances: [Double] = gateways == 1 ? [2_000] : [2_000, 50]
            let device = try network.addDevice(
                LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: distances))
            return try #require(try run(&network, transfers: [(device, 100, .uplink, .zero)]).first).delivered
        }
        #expect(try !delivered(gateways: 1))
        #expect(try delivered(gateways: 2))
    }

    @Test func us915RX1UsesTheMappedDownlinkChannel() {
        let configuration = LoRaWANNetworkConfiguration(region: .us915)
        // Uplink channel 8 (903.9 MHz) → downlink channel 0 (923.3 MHz); channel 15 → 927.5 MHz.
        #expect(configuration.rx1FrequencyHertz(uplinkHertz: 903_900_000) == 923_300_000)
        #expect(configuration.rx1FrequencyHertz(uplinkHertz: 905_300_000) == 927_500_000)
        #expect(LoRaWANNetworkConfiguration(region: .eu868).rx1FrequencyHertz(uplinkHertz: 868_300_000) == 868_300_000)
    }
    @Test func aGatewayWithAllDemodulatorsBusyMissesAnOtherwiseCleanFrame() throws {
        func deliveries(paths: Int?) throws -> [Bool] {
            var configuration = LoRaWANNetworkConfiguration(region: .eu868)
            noShadowing(&configuration)
            configuration.uplinkChannelsHertz = [868_100_000]
            configuration.demodulatorsPerGateway = paths
            var network = try LoRaWANNetwork(configuration: configuration)
            // Four devices on one channel at four different spreading factors: orthogonal, so no collisions.
            var transfers: [(LoRaWANDeviceID, Int, LinkDirection, SimTime)] = []
            for (k, rate) in [0, 1, 2, 3].enumerated() {
                let device = try network.addDevice(
                    LoRaWANDeviceConfiguration(
                        entity: UInt64(k), dataRateIndex: rate, gatewayDistancesMeters: [50], confirmedUplinks: false))
                transfers.append((device, 20, .uplink, .milliseconds(Int64(k))))
            }
            let reports = try run(&network, transfers: transfers)
            return reports.sorted { $0.device < $1.device }.map(\.delivered)
        }
        #expect(try deliveries(paths: nil) == [true, true, true, true])
        #expect(try deliveries(paths: 3) == [true, true, true, false])
        #expect(try deliveries(paths: LoRaWANNetworkConfiguration.sx1301Demodulators) == [true, true, true, true])
    }
    @Test func withImperfectOrthogonalityAStrongNeighbourOnAnotherSpreadingFactorCostsAFrame() throws {
        func deliveries(_ model: LoRaInterferenceModel) throws -> [Bool] {
            var configuration = LoRaWANNetworkConfiguration(region: .eu868)
            noShadowing(&configuration)
            configuration.uplinkChannelsHertz = [868_100_000]
            configuration.interference = model
            var network = try LoRaWANNetwork(configuration: configuration)
            // SF7 at 100 m and SF8 at 10 m: the SF8 frame arrives ≈ 20.8 dB stronger.
            let weak = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [100], confirmedUplinks: false))
            let strong = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: 2, dataRateIndex: 4, gatewayDistancesMeters: [10], confirmedUplinks: false))
            let reports = try run(&network, transfers: [(weak, 20, .uplink, .zero), (strong, 20, .uplink, .zero)])
            return reports.sorted { $0.device < $1.device }.map(\.delivered)
        }
        #expect(try deliveries(.standard) == [true, true])
        #expect(try deliveries(.croce) == [false, true])
        #expect(try deliveries(.goursaud) == [false, true])
    }
    @Test func devicesWhosePollsCollidePollAgainAfterARandomACKTimeoutAndGetTheirDownlinks() throws {
        func poll(devices count: Int, seed: UInt64) throws -> (reports: [LoRaWANTransferReport], gaps: [SimTime]) {
            var configuration = LoRaWANNetworkConfiguration(region: .eu868, masterSeed: seed)
            noShadowing(&configuration)
            configuration.uplinkChannelsHertz = [868_100_000]
            var network = try LoRaWANNetwork(configuration: configuration)
            // Equal distances, one channel, one instant: every first poll collides with every other (no capture).
            var transfers: [(LoRaWANDeviceID, Int, LinkDirection, SimTime)] = []
            for k in 0..<count {
                let device = try network.addDevice(
                    LoRaWANDeviceConfiguration(
                        entity: UInt64(k + 1), dataRateIndex: 5, gatewayDistancesMeters: [100]))
                transfers.append((device, 100, .downlink, .zero))
            }
            let reports = try run(&network, transfers: transfers)
            let gaps = try transfers.map { device, _, _, _ in
                let tx = transmissions(network.activity(of: device))
                try #require(tx.count >= 2)
                return tx[1].start - tx[0].end
            }
            return (reports, gaps)
        }
        for seed: UInt64 in [1, 2, 3] {
            let (reports, gaps) = try poll(devices: 2, seed: seed)
            // ACK_TIMEOUT (RP002 §2): the next poll starts 1…3 s after RX2 opens, i.e. 3…5 s after the poll ended
            // (the empty RX2 window at DR0, 8 symbols of 32.768 ms, has closed by then).
            for gap in gaps { #expect(gap >= SimTime.milliseconds(3_000) && gap <= SimTime.milliseconds(5_000)) }
            #expect(gaps[0] != gaps[1])
            // Out of step after the first collision, both get their single downlink frame.
            #expect(reports.count == 2 && reports.allSatisfy(\.delivered))
        }
        // A device out of range: none of its eight polls is heard. After the k-th, the next waits RX2's 2 s plus
        // ACK_TIMEOUT × 2^(k−1) (1…3 s, doubled per further poll without data), so the polls spread out.
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        noShadowing(&configuration)
        var network = try LoRaWANNetwork(configuration: configuration)
        let far = try network.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [100_000]))
        let report = try #require(try run(&network, transfers: [(far, 100, .downlink, .zero)]).first)
        #expect(!report.delivered)
        let polls = transmissions(network.activity(of: far))
        #expect(polls.count == 8)
        for (k, pair) in zip(polls, polls.dropFirst()).enumerated() {
            let gap = pair.1.start - pair.0.end
            let scale = Int64(1) << Int64(k)
            #expect(gap >= SimTime.milliseconds(2_000 + 1_000 * scale))
            #expect(gap <= SimTime.milliseconds(2_000 + 3_000 * scale))
        }
        // Twelve devices polling together on one channel: the random back-off spreads them over ~2 s, so most
        // polls are heard within the eight attempts; in lock-step every one would be lost.
        let (reports, _) = try poll(devices: 12, seed: 1)
        #expect(reports.filter(\.delivered).count >= 9)
    }
}
