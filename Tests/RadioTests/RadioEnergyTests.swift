// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Radio
import SimKernel
import Testing

/// The events of a small world: a LoRaWAN device and a BLE device, each with a `PoweredDevice` whose MCU
/// changes state at random times.
private enum WorldEvent {
    case lora(LoRaWANEvent)
    case ble(BLEEvent)
    case startLoRa
    case startBLE
    case mcu(device: Int, state: MCUState)
}

/// A radio's drained time line, applied to its device as it is drained.
private struct Feed {
    var device: PoweredDevice
    var drained: [RadioInterval] = []

    mutating func apply(_ intervals: [RadioInterval]) throws {
        for interval in intervals {
            #expect(interval.start == (self.drained.last?.end ?? .zero))
            try self.device.enter(interval.state, at: interval.start)
            self.drained.append(interval)
        }
    }

    /// Σ duration × current by radio state, in attocoulombs (nA·ns), from the drained intervals.
    func expectedCharge(profile: RadioProfile) throws -> [RadioState: Int128] {
        var charge: [RadioState: Int128] = [:]
        for interval in self.drained {
            let current = try profile.current(for: interval.state)
            charge[interval.state, default: 0] += Int128(interval.duration.nanoseconds) * Int128(current.nanoamperes)
        }
        return charge
    }
}

struct RadioEnergyTests {
    /// Runs both radios through back-to-back transfers while each device's MCU changes state at random
    /// event times (some coinciding with radio events) for `span`; drains each radio up to every event's
    /// time before anything else happens at that time.
    private func runWorld(seed: UInt64, span: SimTime) throws -> (lora: Feed, ble: Feed, transfers: Int) {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868, masterSeed: seed)
        configuration.pathLoss = try LogDistancePathLoss(shadowingSigmaDB: 0)
        var network = try LoRaWANNetwork(configuration: configuration)
        let loRaDevice = try network.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [80]))
        let link = try BLELink(phy: .le2M, connectionInterval: .milliseconds(30), transmitPowerDBm: 8)
        var ble = try BLEConnection(
            link: link, packetErrorRate: 0.05, streamKey: StreamKey(masterSeed: seed, entity: 2, purpose: "ble-link"))
        var feeds = [
            Feed(
                device: try PoweredDevice(
                    id: 1, profile: DevicePowerProfile(radio: .sx1276, mcu: .stm32l476), battery: nil)),
            Feed(
                device: try PoweredDevice(
                    id: 2, profile: DevicePowerProfile(radio: .nrf52840, mcu: .nrf52840), battery: nil)),
        ]
        let draws = RandomStream(seed: seed)
        var sim = Simulator<WorldEvent>()
        try sim.schedule(.startLoRa, at: .zero)
        try sim.schedule(.startBLE, at: .milliseconds(3))
        let states: [MCUState] = [.active, .idle, .sleep]
        for _ in 0..<400 {
            // Half of the MCU changes land on whole seconds, where radio events often fall too.
            let time =
                draws.bernoulli(0.5)
                ? SimTime.seconds(Int64(draws.integer(below: Int(span.nanoseconds / 1_000_000_000))))
                : SimTime(nanoseconds: Int64(draws.uniform(from: 0, to: Double(span.nanoseconds))))
            try sim.schedule(.mcu(device: draws.integer(below: 2), state: states[draws.integer(below: 3)]), at: time)
        }
        var transfers = 0
        try feeds[0].apply(network.drainActivity(of: loRaDevice, until: .zero))
        try feeds[1].apply(ble.drainActivity(until: .zero))
        try sim.run(until: span) { sim, event in
            let now = sim.now
            try feeds[0].apply(network.drainActivity(of: loRaDevice, until: now))
            try feeds[1].apply(ble.drainActivity(until: now))
            switch event {
            case .lora(let radioEvent):
                if network.handle(radioEvent, in: &sim, wrap: { .lora($0) }) != nil {
                    transfers += 1
                    try sim.schedule(.startLoRa, at: now + .milliseconds(Int64(draws.integer(below: 20_000))))
                }
            case .ble(let radioEvent):
                if ble.handle(radioEvent) != nil {
                    transfers += 1
                    try sim.schedule(.startBLE, at: now + .milliseconds(Int64(draws.integer(below: 5_000))))
                }
            case .startLoRa:
                let direction: LinkDirection = draws.bernoulli(0.5) ? .uplink : .downlink
                try network.startTransfer(
                    device: loRaDevice, bytes: 1 + draws.integer(below: 2_000), direction: direction, at: now,
                    in: &sim
                ) { .lora($0) }
            case .startBLE:
                ble.startTransfer(
                    bytes: 1 + draws.integer(below: 20_000), direction: .uplink, at: now, in: &sim, wrap: { .ble($0) })
            case .mcu(let device, let state):
                try feeds[device].device.enter(state, at: now)
            }
        }
        try feeds[0].apply(network.drainActivity(of: loRaDevice, until: span))
        try feeds[1].apply(ble.drainActivity(until: span))
        for index in feeds.indices { try feeds[index].device.advance(to: span) }
        return (feeds[0], feeds[1], transfers)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func drainingRadiosUpToEachEventTimeNeverThrowsAndConservesEnergy(seed: UInt64) throws {
        let span = SimTime.seconds(600 as Int64)
        let (lora, ble, transfers) = try runWorld(seed: seed, span: span)
        #expect(transfers >= 10)
        for (feed, profile) in [(lora, RadioProfile.sx1276), (ble, RadioProfile.nrf52840)] {
            // The drained intervals cover the run exactly, without holes or overlaps.
            #expect(feed.drained.first?.start == .zero)
            #expect(feed.drained.last?.end == span)
            #expect(feed.drained.reduce(SimTime.zero) { $0 + $1.duration } == span)
            #expect(feed.drained.contains { if case .transmit = $0.state { true } else { false } })
            #expect(feed.drained.contains { $0.state == .receive })
            // Conservation: what the ledger charged for each radio state is Σ duration × current.
            let expected = try feed.expectedCharge(profile: profile)
            for state in Set(feed.drained.map(\.state)) {
                #expect(feed.device.ledger.entry(for: .radio(state)).charge.attocoulombs == expected[state])
            }
            let radioStates = feed.device.ledger.entries.keys.filter { $0.component == .radio }
            #expect(radioStates.count == expected.count)
            #expect(feed.device.accountedUntil == span)
        }
    }
}

struct CancelTransferTests {
    private enum Event {
        case lora(LoRaWANEvent)
        case ble(BLEEvent)
        case cancel
        case restart
    }

    /// Starts 10 kB at 0, cancels at `cancel`, starts 100 bytes at `restart`; returns the reports and the
    /// device's whole time line.
    private func cancelLoRaWAN(
        cancel: SimTime, restart: SimTime
    ) throws -> (reports: [LoRaWANTransferReport], log: [RadioInterval], cancelled: Int?) {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868)
        configuration.pathLoss = try LogDistancePathLoss(shadowingSigmaDB: 0)
        var network = try LoRaWANNetwork(configuration: configuration)
        let device = try network.addDevice(
            LoRaWANDeviceConfiguration(entity: 1, dataRateIndex: 5, gatewayDistancesMeters: [50]))
        var sim = Simulator<Event>()
        try network.startTransfer(device: device, bytes: 10_000, direction: .uplink, at: .zero, in: &sim) { .lora($0) }
        try sim.schedule(.cancel, at: cancel)
        try sim.schedule(.restart, at: restart)
        var reports: [LoRaWANTransferReport] = []
        var log: [RadioInterval] = []
        var cancelled: Int?
        try sim.run { sim, event in
            log += network.drainActivity(of: device, until: sim.now)
            switch event {
            case .lora(let event):
                if let report = network.handle(event, in: &sim, wrap: { .lora($0) }) { reports.append(report) }
            case .cancel:
                cancelled = network.cancelTransfer(device: device, at: sim.now)
                #expect(!network.isBusy(device))
            case .restart:
                try network.startTransfer(device: device, bytes: 100, direction: .uplink, at: sim.now, in: &sim) {
                    .lora($0)
                }
            case .ble:
                break
            }
        }
        log += network.drainActivity(of: device)
        return (reports, log, cancelled)
    }

    @Test func aLoRaWANFrameOnTheAirIsCutAtTheCancelAndNothingFollowsUntilTheNextTransfer() throws {
        // The first 242-byte DR5 frame is on the air over [0, 399.616 ms): cancel in the middle of it.
        let (reports, log, cancelled) = try cancelLoRaWAN(cancel: .milliseconds(200), restart: .seconds(10 as Int64))
        #expect(cancelled == 0)
        #expect(log.first == RadioInterval(start: .zero, end: .milliseconds(200), state: .transmit(dBm: 14)))
        // Drained at every event time, the rest comes in pieces: all sleep up to the restart.
        #expect(
            log.filter { $0.start >= .milliseconds(200) && $0.start < .seconds(10 as Int64) }.allSatisfy {
                $0.state == .sleep
            })
        #expect(log.contains { $0.start == .seconds(10 as Int64) && $0.state == .transmit(dBm: 14) })
        // Only the new transfer reports, and it delivers.
        #expect(reports.map(\.transfer) == [1])
        #expect(reports.first?.delivered == true)
        #expect(reports.first?.start == .seconds(10 as Int64))
    }

    @Test func aLoRaWANTransferCancelledMidWayStopsAtTheCancelTime() throws {
        let cancel = SimTime.seconds(20 as Int64)
        let restart = SimTime.seconds(100 as Int64)
        let (reports, log, cancelled) = try cancelLoRaWAN(cancel: cancel, restart: restart)
        #expect(cancelled == 0)
        // Some frames went out before the cancel, nothing but sleep between the cancel and the restart.
        #expect(log.contains { $0.start < cancel && $0.state == .transmit(dBm: 14) })
        #expect(log.filter { $0.end > cancel && $0.start < restart }.allSatisfy { $0.state == .sleep })
        #expect(log.contains { $0.start == restart && $0.state == .transmit(dBm: 14) })
        #expect(reports.map(\.transfer) == [1])
        #expect(reports.first?.uplinkFrames == 1)
        // The time line stays contiguous.
        for (a, b) in zip(log, log.dropFirst()) { #expect(a.end == b.start) }
    }

    @Test func aBLETransferCancelledMidWayReportsNothingAndTheNextOneConnectsAgain() throws {
        let link = try BLELink(phy: .le1M, connectionInterval: .milliseconds(50))
        var connection = try BLEConnection(link: link, streamKey: StreamKey(masterSeed: 1, entity: 3, purpose: "ble"))
        var sim = Simulator<Event>()
        let first = connection.startTransfer(bytes: 100_000, direction: .uplink, at: .zero, in: &sim) { .ble($0) }
        let cancel = SimTime.milliseconds(700)
        let restart = SimTime.seconds(5 as Int64)
        try sim.schedule(.cancel, at: cancel)
        try sim.schedule(.restart, at: restart)
        var reports: [BLETransferReport] = []
        var log: [RadioInterval] = []
        var cancelled: [Int] = []
        try sim.run { sim, event in
            log += connection.drainActivity(until: sim.now)
            switch event {
            case .ble(let event):
                if let report = connection.handle(event) { reports.append(report) }
            case .cancel:
                cancelled = connection.cancelTransfer(at: sim.now)
                #expect(!connection.isConnected)
            case .restart:
                connection.startTransfer(bytes: 1_000, direction: .uplink, at: sim.now, in: &sim) { .ble($0) }
            case .lora:
                break
            }
        }
        log += connection.drainActivity()
        #expect(cancelled == [first])
        // 100 kB at 1M take far longer than 700 ms: the transfer was on the air when cancelled.
        #expect(log.contains { $0.start < cancel && $0.state == .transmit(dBm: 0) })
        #expect(log.last { $0.start < cancel }?.end == cancel)
        #expect(log.filter { $0.end > cancel && $0.start < restart }.allSatisfy { $0.state == .sleep })
        #expect(reports.map(\.transfer) == [first + 1])
        #expect(reports.first?.delivered == true)
        for (a, b) in zip(log, log.dropFirst()) { #expect(a.end == b.start) }
    }
}
