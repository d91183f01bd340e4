// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel
import Testing

/// Many devices on one event kernel: periodic rounds (transmit, receive, train), small random batteries,
/// Markov churn. Checks the lifecycle invariants over the whole run (offline devices come back, every
/// participation ends once, only batteries kill), and that the run is reproducible.
struct FleetTests {
    enum Event {
        case roundStart(UInt64)
        case transmitEnd(UInt64)
        case receiveEnd(UInt64)
        case trainEnd(UInt64)
        case availability(UInt64)
        case cutoff(UInt64)

        var device: UInt64 {
            switch self {
            case .roundStart(let d), .transmitEnd(let d), .receiveEnd(let d), .trainEnd(let d), .availability(let d),
                .cutoff(let d):
                d
            }
        }
    }

    struct Outcome: Equatable {
        var deaths: [Death]
        var outcomes: [ParticipationOutcome]
        var energyZeptojoules: [Int128]
    }

    func run(seed: UInt64, devices count: UInt64) throws -> (Outcome, violations: [String]) {
        let profile = DevicePowerProfile(radio: .sx1276, mcu: .stm32l476)
        let churn = AvailabilityModel.markov(MarkovAvailability(meanOnline: .hours(2), meanOffline: .minutes(20)))
        var sim = Simulator<Event>()
        var book = DeviceEventBook<Event>()
        var devices: [UInt64: PoweredDevice] = [:]
        var availability: [UInt64: AvailabilityCursor] = [:]
        var violations: [String] = []
        var deaths: [Death] = []
        var outcomes: [ParticipationOutcome] = []
        var diedAtStep: [UInt64: Int] = [:]
        var step = 0
        let training = try TrainingCost(macs: 40_000_000, macsPerSecond: 2e7)  // 2 s

        for id in 0..<count {
            let stream = RandomStream(StreamKey(masterSeed: seed, entity: id, purpose: "battery-size"))
            let spec = BatterySpec(
                name: "cell-\(id)", chemistry: "test", nominalVolts: 3, cutoffVolts: 2,
                capacityMilliampereHours: stream.uniform(from: 0.2, to: 2), source: "test")
            let cursor = try AvailabilityCursor(
                model: churn, device: id,
                stream: RandomStream(StreamKey(masterSeed: seed, entity: id, purpose: "availability")))
            devices[id] = try PoweredDevice(
                id: id, profile: profile, supply: .battery(spec), isOnline: cursor.isOnline)
            availability[id] = cursor
            if let change = cursor.nextChange { try book.schedule(.availability(id), for: id, at: change, on: &sim) }
            if cursor.isOnline { try book.schedule(.roundStart(id), for: id, at: .seconds(Int64(id)), on: &sim) }
            try book.updateCutoff(of: devices[id]!, event: .cutoff(id), on: &sim)
        }

        try sim.run(until: .hours(12)) { sim, event in
            step += 1
            let id = event.device
            if let died = diedAtStep[id] {
                violations.append("device \(id) handled \(event) at step \(step) after dying at step \(died)")
                return
            }
            var device = devices[id]!
            let now = sim.now
            var actions: [DeviceLifecycle.Action] = []
            func died(_ death: Death?) -> Bool {
                if let death { actions = death.actions }
                return death != nil
            }
            switch event {
            case .roundStart:
                // A round offered while the device is offline (or already busy) is simply not taken.
                guard device.status == .online else { break }
                actions = try device.participationStarted(at: now)
                if actions.isEmpty, !died(try device.enter(MCUState.idle, at: now)),
                    !died(try device.enter(.transmit(dBm: 17), at: now))
                {
                    try book.scheduleParticipation(.transmitEnd(id), for: id, at: now + .milliseconds(370), on: &sim)
                }
            case .transmitEnd:
                if !died(try device.enter(RadioState.receive, at: now)) {
                    try book.scheduleParticipation(.receiveEnd(id), for: id, at: now + .milliseconds(200), on: &sim)
                }
            case .receiveEnd:
                if !died(try device.enter(RadioState.sleep, at: now)), !died(try device.enter(MCUState.active, at: now))
                {
                    try book.scheduleParticipation(.trainEnd(id), for: id, at: now + training.duration, on: &sim)
                }
            case .trainEnd:
                if !died(try device.enter(MCUState.sleep, at: now)) {
                    actions = try device.participationEnded(.completed, at: now)
                    try book.schedule(.roundStart(id), for: id, at: now + .seconds(58 as Int64), on: &sim)
                }
            case .availability:
                let change = availability[id]!.advance()!
                actions = change.isOnline ? try device.cameOnline(at: now) : try device.wentOffline(at: now)
                if change.isOnline, actions == [.available] {
                    try book.schedule(.roundStart(id), for: id, at: now, on: &sim)
                }
                if device.isAlive, let next = availability[id]!.nextChange {
                    try book.schedule(.availability(id), for: id, at: next, on: &sim)
                }
                if !change.isOnline, device.isAlive,
                    device.draw != (try profile.current(for: .radio(.sleep))) + profile.mcu.current(for: .sleep)
                {
                    violations.append("device \(id) went offline but does not draw its sleep current")
                }
            case .cutoff:
                if !died(try device.advance(to: now)) {
                    violations.append("device \(id): cutoff event at \(now) found the battery alive")
                }
            }
            devices[id] = device
            book.perform(actions, for: id, on: &sim)
            for action in actions {
                switch action {
                case .participationEnded(let outcome): outcomes.append(outcome)
                case .died(let death): deaths.append(death)
                case .cancelParticipationEvents, .sleep, .available, .cancelAllEvents: break
                }
            }
            if let death = device.death {
                diedAtStep[id] = step
                if book.pendingCount(of: id, in: sim) != 0 { violations.append("device \(id) kept pending events") }
                if death.cause == .battery, let battery = device.battery {
                    let need = battery.capacity.attocoulombs - battery.reserve.attocoulombs
                    let overshoot = battery.delivered.attocoulombs - need
                    if overshoot < 0 || overshoot >= Int128(device.draw.nanoamperes) {
                        violations.append("device \(id) died \(overshoot) aC away from its capacity")
                    }
                }
            } else {
                try book.updateCutoff(of: device, event: .cutoff(id), on: &sim)
            }
        }
        for (id, device) in devices where device.battery?.delivered != device.ledger.totalCharge {
            violations.append("device \(id): battery and ledger disagree")
        }
        if Set(deaths.map(\.device)).count != deaths.count { violations.append("a device died twice") }
        let energy = (0..<count).map { devices[$0]!.ledger.totalEnergy.zeptojoules }
        return (Outcome(deaths: deaths, outcomes: outcomes, energyZeptojoules: energy), violations)
    }

    @Test func fleetLifecycleInvariantsHoldAndTheRunIsReproducible() throws {
        let (first, violations) = try self.run(seed: 77, devices: 60)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(Set(first.deaths.map(\.cause)) == [.battery], "only batteries end devices")
        #expect(
            Set(first.outcomes) == [.completed, .droppedOffline, .droppedBattery],
            "participations complete, are cut by churn and by flat batteries in 12 h with these cells")
        let (second, _) = try self.run(seed: 77, devices: 60)
        #expect(first == second)
        let (other, _) = try self.run(seed: 78, devices: 60)
        #expect(other != first)
    }
}
