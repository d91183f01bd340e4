// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel
import Testing

/// Status is not death (DESIGN rule 8): offline devices come back, each participation ends once, and only
/// a flat battery (or an exclusion) ends a device.
struct DeviceStatusTests {
    enum Event: Equatable {
        case participationStep(UInt64)
        case availability(UInt64)
        case cutoff(UInt64)
    }

    let profile = DevicePowerProfile(radio: .sx1276, mcu: .stm32l476)

    @Test func anOfflineDeviceSleepsDrawsExactlySleepCurrentAndComesBackToParticipate() throws {
        var device = try PoweredDevice(id: 1, profile: self.profile, battery: try Battery(spec: .lipo1200))
        _ = try device.participationStarted(at: .zero)
        try device.enter(MCUState.active, at: .zero)
        try device.enter(RadioState.receive, at: .seconds(1 as Int64))
        let actions = try device.wentOffline(at: .seconds(2 as Int64))
        #expect(actions == [.participationEnded(.droppedOffline), .cancelParticipationEvents, .sleep])
        #expect(device.status == .offline && device.isAlive)
        #expect(device.radioState == .sleep && device.mcuState == .sleep)
        // Offline for one hour: SX1276 IDDSL 0.2 µA (Table 6) + STM32L476 Stop 2 with RTC 1.4 µA (DS10198),
        // so 1.6 µA × 3600 s = 5.76 mC, and at 3.3 V / 3.0 V: 0.2 µA·3.3 V + 1.4 µA·3.0 V = 4.86 µW × 3600 s.
        let before = device.ledger
        #expect(throws: LifecycleError.self) { try device.enter(RadioState.transmit(dBm: 14), at: .hours(1)) }
        #expect(throws: LifecycleError.self) { try device.participationStarted(at: .hours(1)) }
        #expect(try device.cameOnline(at: .seconds(3_602 as Int64)) == [.available])
        let sleepCharge = device.ledger.totalCharge - before.totalCharge
        #expect(sleepCharge == Charge(current: Current(nanoamperes: 1_600), duration: .hours(1)))
        let sleepEnergy = device.ledger.totalEnergy.zeptojoules - before.totalEnergy.zeptojoules
        // 200 nA · 3.6e12 ns · 3300 mV + 1400 nA · 3.6e12 ns · 3000 mV, in nA·ns·mV = 10⁻²¹ J.
        #expect(sleepEnergy == Int128(200) * 3_600_000_000_000 * 3_300 + Int128(1_400) * 3_600_000_000_000 * 3_000)
        // Back online it participates again and completes.
        #expect(try device.participationStarted(at: .seconds(3_700 as Int64)).isEmpty)
        #expect(device.status == .busy)
        let ended = try device.participationEnded(.completed, at: .seconds(3_800 as Int64))
        #expect(ended == [.participationEnded(.completed), .cancelParticipationEvents, .available])
        #expect(device.status == .online)
    }

    @Test func aParticipationCutByGoingOfflineEndsOnceAndTheDevicesAvailabilityEventsStillFire() throws {
        var sim = Simulator<Event>()
        var book = DeviceEventBook<Event>()
        var device = try PoweredDevice(id: 3, profile: self.profile, battery: nil)
        // Availability: offline at 10 s, online at 20 s. The participation would end at 15 s and 30 s.
        try book.schedule(.availability(3), for: 3, at: .seconds(10 as Int64), on: &sim)
        try book.schedule(.availability(3), for: 3, at: .seconds(20 as Int64), on: &sim)
        _ = try device.participationStarted(at: .zero)
        try book.scheduleParticipation(.participationStep(3), for: 3, at: .seconds(15 as Int64), on: &sim)
        try book.scheduleParticipation(.participationStep(3), for: 3, at: .seconds(30 as Int64), on: &sim)
        var outcomes: [ParticipationOutcome] = []
        var fired: [(SimTime, Event)] = []
        try sim.run { sim, event in
            fired.append((sim.now, event))
            var actions: [DeviceLifecycle.Action] = []
            switch event {
            case .availability:
                actions =
                    device.status == .offline ? try device.cameOnline(at: sim.now) : try device.wentOffline(at: sim.now)
            case .participationStep:
                Issue.record("a participation step fired after the participation ended")
            case .cutoff: break
            }
            book.perform(actions, for: 3, on: &sim)
            for case .participationEnded(let outcome) in actions { outcomes.append(outcome) }
        }
        #expect(outcomes == [.droppedOffline])
        #expect(fired.map(\.0) == [.seconds(10 as Int64), .seconds(20 as Int64)])
        #expect(device.status == .online)
        #expect(sim.pendingCount == 0)
    }

    @Test func aBatteryDeathMidParticipationGivesOneDroppedBatteryAndLeavesNothingPending() throws {
        var sim = Simulator<Event>()
        var book = DeviceEventBook<Event>()
        // 0.01 mAh = 36 mC at 8 mA (MCU active) + 0.2 µA: dies at 36 / 8.0002 s ≈ 4.4999 s, mid-training.
        let spec = BatterySpec(
            name: "tiny", chemistry: "test", nominalVolts: 3, cutoffVolts: 2, capacityMilliampereHours: 0.01,
            source: "test")
        var device = try PoweredDevice(id: 4, profile: self.profile, battery: try Battery(spec: spec))
        try book.schedule(.availability(4), for: 4, at: .seconds(100 as Int64), on: &sim)
        _ = try device.participationStarted(at: .zero)
        try device.enter(MCUState.active, at: .zero)
        try book.scheduleParticipation(.participationStep(4), for: 4, at: .seconds(10 as Int64), on: &sim)
        try book.updateCutoff(of: device, event: .cutoff(4), on: &sim)
        var outcomes: [ParticipationOutcome] = []
        var deaths: [Death] = []
        try sim.run { sim, event in
            guard case .cutoff = event else {
                Issue.record("\(event) fired after the device died")
                return
            }
            let death = try #require(try device.advance(to: sim.now))
            book.perform(death.actions, for: 4, on: &sim)
            for action in death.actions {
                if case .participationEnded(let outcome) = action { outcomes.append(outcome) }
                if case .died(let death) = action { deaths.append(death) }
            }
        }
        #expect(outcomes == [.droppedBattery])
        let death = try #require(deaths.first)
        #expect(deaths.count == 1 && death.cause == .battery && death.interruptedParticipation)
        // 36 mC / 8 000 200 nA = 36e15 aC / 8 000 200 nA, rounded up to whole ns.
        let need = Int128(36_000_000_000_000_000)
        #expect(Int128(death.time.nanoseconds) == (need + 8_000_200 - 1) / 8_000_200)
        #expect(book.pendingCount(of: 4, in: sim) == 0)
        #expect(sim.pendingCount == 0)
        // Anything after death is a typed error, not a crash.
        let after = SimTime.seconds(200 as Int64)
        #expect(throws: LifecycleError.afterDeath(death, requested: after)) { try device.cameOnline(at: after) }
        #expect(throws: LifecycleError.self) { try device.wentOffline(at: after) }
        #expect(throws: LifecycleError.self) { try device.participationStarted(at: after) }
        #expect(throws: LifecycleError.self) { try device.participationEnded(.completed, at: after) }
        #expect(throws: LifecycleError.self) { try device.enter(MCUState.sleep, at: after) }
        #expect(throws: LifecycleError.self) { try device.harvest(.milliampereHours(1), at: after) }
        #expect(throws: LifecycleError.self) { try device.excluded(reason: "late", at: after) }
    }

    @Test func theStateMachineHandlesEveryStatusAndEventExplicitly() throws {
        var machine = DeviceLifecycle(device: 9, isOnline: false)
        #expect(throws: LifecycleError.invalidTransition(device: 9, status: .offline, event: .wentOffline)) {
            try machine.wentOffline(at: .zero)
        }
        #expect(throws: LifecycleError.self) { try machine.participationStarted(at: .zero) }
        #expect(try machine.cameOnline(at: .zero) == [.available])
        #expect(throws: LifecycleError.self) { try machine.cameOnline(at: .zero) }
        #expect(try machine.wentOffline(at: .zero) == [.sleep])
        _ = try machine.cameOnline(at: .zero)
        _ = try machine.participationStarted(at: .zero)
        #expect(throws: LifecycleError.self) { try machine.participationStarted(at: .zero) }
        // Offline and battery outcomes belong to their own events, so a participation ends exactly once.
        #expect(throws: LifecycleError.self) { try machine.participationEnded(.droppedOffline, at: .zero) }
        #expect(throws: LifecycleError.self) { try machine.participationEnded(.droppedBattery, at: .zero) }
        #expect(throws: LifecycleError.self) { try machine.excluded(reason: "busy", at: .zero) }
        #expect(try machine.participationEnded(.outOfMemory, at: .zero).first == .participationEnded(.outOfMemory))
        #expect(machine.status == .online, "an out-of-memory participation does not end the device")
        let actions = try machine.excluded(reason: "model does not fit 64 KiB", at: .seconds(1 as Int64))
        let death = Death(device: 9, time: .seconds(1 as Int64), cause: .excluded(reason: "model does not fit 64 KiB"))
        #expect(actions == [.died(death), .cancelAllEvents])
        #expect(machine.status == .dead && machine.death == death)
        #expect(throws: LifecycleError.afterDeath(death, requested: .seconds(2 as Int64))) {
            try machine.batteryDepleted(at: .seconds(2 as Int64))
        }
    }
}
