// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel
import Testing

/// A small scenario on the event kernel: two devices run a transfer-then-train round; device 1 has a
/// tiny battery that runs out mid-transfer, device 2 is mains powered.
struct LifecycleTests {
    enum Event: Equatable {
        case transferStart(device: UInt64)
        case transferEnd(device: UInt64)
        case trainStart(device: UInt64)
        case trainEnd(device: UInt64)
        case batteryCutoff(device: UInt64)

        var device: UInt64 {
            switch self {
            case .transferStart(let d), .transferEnd(let d), .trainStart(let d), .trainEnd(let d),
                .batteryCutoff(let d):
                d
            }
        }
    }

    struct World {
        var devices: [UInt64: PoweredDevice]
        var book = DeviceEventBook<Event>()
        var dropouts: [Death] = []
        var handled: [(time: SimTime, event: Event)] = []
    }

    @Test func aDeviceThatDiesMidTransferDropsOutOnceForBatteryAndDoesNothingMore() throws {
        let profile = DevicePowerProfile(radio: .sx1276, mcu: .stm32l476)
        // Transfer at 14 dBm from 10 s to 12 s with the MCU idle: 87 mA (PA_BOOST bound) + 8 mA = 95 mA.
        // Sleeping before it draws 0.2 µA + 1.4 µA. A 0.02 mAh cell (72 mC) lasts 10 s of sleep (16 µC) plus
        // (72 000 − 16) µC / 95 mA ≈ 0.758 s of transfer: it dies at about 10.758 s.
        let spec = BatterySpec(
            name: "tiny", chemistry: "test", nominalVolts: 3, cutoffVolts: 2, capacityMilliampereHours: 0.02,
            source: "test")
        var world = World(devices: [
            1: try PoweredDevice(id: 1, profile: profile, battery: try Battery(spec: spec)),
            2: try PoweredDevice(id: 2, profile: profile, battery: nil),
        ])
        var sim = Simulator<Event>()
        for id: UInt64 in [1, 2] {
            try world.book.schedule(.transferStart(device: id), for: id, at: .seconds(10 as Int64), on: &sim)
            try world.book.schedule(.transferEnd(device: id), for: id, at: .seconds(12 as Int64), on: &sim)
            try world.book.schedule(.trainStart(device: id), for: id, at: .seconds(12 as Int64), on: &sim)
            try world.book.schedule(.trainEnd(device: id), for: id, at: .seconds(100 as Int64), on: &sim)
            try world.book.updateCutoff(of: world.devices[id]!, event: .batteryCutoff(device: id), on: &sim)
        }

        try sim.run { sim, event in
            world.handled.append((sim.now, event))
            let id = event.device
            var device = world.devices[id]!
            let dropout: Death?
            switch event {
            case .transferStart:
                dropout = try device.enter(MCUState.idle, at: sim.now) ?? device.enter(.transmit(dBm: 14), at: sim.now)
            case .transferEnd:
                dropout = try device.enter(RadioState.sleep, at: sim.now)
            case .trainStart:
                dropout = try device.enter(MCUState.active, at: sim.now)
            case .trainEnd:
                dropout = try device.enter(MCUState.sleep, at: sim.now)
            case .batteryCutoff:
                dropout = try device.advance(to: sim.now)
                #expect(dropout != nil, "the predicted cutoff is exact: the battery is flat when the event fires")
            }
            world.devices[id] = device
            if let dropout {
                world.dropouts.append(dropout)
                world.book.bury(dropout, on: &sim)
                #expect(world.book.pendingCount(of: id, in: sim) == 0)
            } else {
                try world.book.updateCutoff(of: device, event: .batteryCutoff(device: id), on: &sim)
            }
        }

        let dropout = try #require(world.dropouts.only)
        #expect(dropout.device == 1)
        #expect(dropout.cause == .battery)
        #expect(!dropout.interruptedParticipation)
        #expect(dropout.time > .seconds(10 as Int64) && dropout.time < .seconds(12 as Int64), "mid-transfer")

        // The exact cutoff, computed independently from the figures in integer nA·ns:
        let capacity = Int128(72_000_000_000_000_000)  // 0.02 mAh = 0.072 C in aC
        let sleeping = Int128(200 + 1_400) * 10_000_000_000
        let transferring = Int128(87_000_000 + 8_000_000)
        let expected = 10_000_000_000 + (capacity - sleeping + transferring - 1) / transferring
        #expect(Int128(dropout.time.nanoseconds) == expected)

        // No event of device 1 was handled after its death, and none is left pending; device 2 went on.
        #expect(!world.handled.contains { $0.event.device == 1 && $0.time > dropout.time })
        #expect(
            world.handled.filter { $0.event.device == 1 }.map(\.event) == [
                .transferStart(device: 1), .batteryCutoff(device: 1),
            ])
        #expect(world.handled.filter { $0.event.device == 2 }.count == 4)
        #expect(sim.pendingCount == 0)

        // The dead device refuses anything further, and its battery delivered exactly its capacity (to 1 ns).
        var dead = world.devices[1]!
        #expect(throws: LifecycleError.self) { try dead.enter(RadioState.receive, at: .seconds(13 as Int64)) }
        #expect(throws: LifecycleError.self) { try dead.participationStarted(at: .seconds(13 as Int64)) }
        let battery = try #require(dead.battery)
        #expect(battery.isDepleted)
        #expect(battery.delivered.attocoulombs >= capacity)
        #expect(battery.delivered.attocoulombs - capacity < transferring)
        #expect(dead.ledger.totalCharge == battery.delivered)
        #expect(dead.ledger.entry(for: .radio(.transmit(dBm: 14))).duration == dropout.time - .seconds(10 as Int64))
    }

    @Test func aBatteryDeathBeforeALaterEventTakesPrecedenceAndBadTimesOrPowersAreTypedErrors() throws {
        let profile = DevicePowerProfile(radio: .nrf52840, mcu: .nrf52840)
        // A battery that died before the link failure was noticed: the participation's outcome is the
        // battery's, at the cutoff, and the device is dead.
        var flat = try PoweredDevice(
            id: 5, profile: profile, battery: try Battery(spec: .cr2032, stateOfCharge: 0.000_01), mcu: .active)
        _ = try flat.participationStarted(at: .zero)
        let death = try #require(flat.predictedCutoff())
        let actions = try flat.participationEnded(.droppedLink, at: death + .seconds(1 as Int64))
        let recorded = Death(device: 5, time: death, cause: .battery, interruptedParticipation: true)
        #expect(actions == [.participationEnded(.droppedBattery), .died(recorded), .cancelAllEvents])

        #expect(throws: LifecycleError.self) {
            var device = try PoweredDevice(id: 6, profile: profile, battery: nil, start: .seconds(9 as Int64))
            try device.advance(to: .seconds(8 as Int64))
        }
        #expect(throws: LifecycleError.self) {
            var device = try PoweredDevice(id: 7, profile: profile, battery: nil)
            try device.enter(.transmit(dBm: 4), at: .zero)
        }
    }

    @Test func participationOutcomesAreTheTraceStrings() {
        // DESIGN.md "Outputs": completed | dropped_battery | dropped_link | dropped_offline | oom (plus nan).
        #expect(
            ParticipationOutcome.allCases.map(\.outcome) == [
                "completed", "dropped_battery", "dropped_link", "dropped_offline", "oom", "nan",
            ])
    }

    @Test func poissonHarvestPulsesArePureFunctionsOfTheStreamKey() throws {
        let model = HarvestModel.poisson(meanInterval: .hours(6), milliampereHours: .exponential(mean: 2))
        try model.validate()
        func pulses(_ entity: UInt64) -> [SimTime] {
            var process = HarvestProcess(
                model: model, stream: RandomStream(StreamKey(masterSeed: 5, entity: entity, purpose: "harvest")))
            return (0..<50).map { _ in process.next().time }
        }
        #expect(pulses(1) == pulses(1))
        #expect(pulses(1) != pulses(2))
        // Mean gap of 6 h over 50 pulses: within 5σ (σ of the mean gap = 6 h / √50 ≈ 0.85 h).
        let meanGapHours = pulses(3).last!.seconds / 3_600 / 50
        #expect(abs(meanGapHours - 6) < 4.3)
        #expect(throws: ProfileError.self) {
            try HarvestModel.periodic(interval: .zero, milliampereHours: 1).validate()
        }
    }
}

extension Array {
    /// The single element, or `nil` when there are none or several.
    fileprivate var only: Element? { self.count == 1 ? self.first : nil }
}
