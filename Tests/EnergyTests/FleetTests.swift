// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel
import Testing

/// Many devices on one event kernel: periodic rounds (transmit, receive, train), small random batteries,
/// Markov churn. Checks the lifecycle invariants over the whole run, and that the run is reproducible.
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
        var dropouts: [Dropout]
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
        var dropouts: [Dropout] = []
        var droppedAtStep: [UInt64: Int] = [:]
        var step = 0
        let training = try TrainingCost(macs: 40_000_000, macsPerSecond: 2e7)  // 2 s

        for id in 0..<count {
            let stream = RandomStream(StreamKey(masterSeed: seed, entity: id, purpose: "battery-size"))
            let spec = BatterySpec(
                name: "cell-\(id)", chemistry: "test", nominalVolts: 3, cutoffVolts: 2,
                capacityMilliampereHours: stream.uniform(from: 0.2, to: 2), source: "test")
            devices[id] = try PoweredDevice(id: id, profile: profile, supply: .battery(spec))
            let cursor = try AvailabilityCursor(
                model: churn, device: id,
                stream: RandomStream(StreamKey(masterSeed: seed, entity: id, purpose: "availability")))
            availability[id] = cursor
            if let change = cursor.nextChange { try book.schedule(.availability(id), for: id, at: change, on: &sim) }
            if cursor.isOnline { try book.schedule(.roundStart(id), for: id, at: .seconds(Int64(id)), on: &sim) }
            try book.updateCutoff(of: devices[id]!, event: .cutoff(id), on: &sim)
        }

        try sim.run(until: .hours(12)) { sim, event in
            step += 1
            let id = event.device
            if let dropped = droppedAtStep[id] {
                violations.append("device \(id) handled \(event) at step \(step) after dropping out at step \(dropped)")
                return
            }
            var device = devices[id]!
            let now = sim.now
            var dropout: Dropout?
            switch event {
            case .roundStart:
                dropout = try device.enter(MCUState.idle, at: now) ?? device.enter(.transmit(dBm: 17), at: now)
                if dropout == nil {
                    try book.schedule(.transmitEnd(id), for: id, at: now + .milliseconds(370), on: &sim)
                }
            case .transmitEnd:
                dropout = try device.enter(RadioState.receive, at: now)
                if dropout == nil {
                    try book.schedule(.receiveEnd(id), for: id, at: now + .milliseconds(200), on: &sim)
                }
            case .receiveEnd:
                dropout = try device.enter(RadioState.sleep, at: now) ?? device.enter(MCUState.active, at: now)
                if dropout == nil { try book.schedule(.trainEnd(id), for: id, at: now + training.duration, on: &sim) }
            case .trainEnd:
                dropout = try device.enter(MCUState.sleep, at: now)
                if dropout == nil, availability[id]!.isOnline {
                    try book.schedule(.roundStart(id), for: id, at: now + .seconds(58 as Int64), on: &sim)
                }
            case .availability:
                let change = availability[id]!.advance()!
                if change.isOnline {
                    dropout = try device.advance(to: now)
                    if dropout == nil { try book.schedule(.roundStart(id), for: id, at: now, on: &sim) }
                } else {
                    dropout = try device.drop(.offline, at: now)
                }
                if dropout == nil, let next = availability[id]!.nextChange {
                    try book.schedule(.availability(id), for: id, at: next, on: &sim)
                }
            case .cutoff:
                dropout = try device.advance(to: now)
                if dropout == nil { violations.append("device \(id): cutoff event at \(now) found the battery alive") }
            }
            devices[id] = device
            if let dropout {
                dropouts.append(dropout)
                droppedAtStep[id] = step
                book.dropOut(dropout, on: &sim)
                if book.pendingCount(of: id, in: sim) != 0 { violations.append("device \(id) kept pending events") }
                if dropout.cause == .battery, let battery = device.battery {
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
        if Set(dropouts.map(\.device)).count != dropouts.count { violations.append("a device dropped out twice") }
        let energy = (0..<count).map { devices[$0]!.ledger.totalEnergy.zeptojoules }
        return (Outcome(dropouts: dropouts, energyZeptojoules: energy), violations)
    }

    @Test func fleetLifecycleInvariantsHoldAndTheRunIsReproducible() throws {
        let (first, violations) = try self.run(seed: 77, devices: 60)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        let causes = Set(first.dropouts.map(\.cause))
        #expect(causes == [.battery, .offline], "both kinds of dropout occur in 12 h with these cells and churn")
        let (second, _) = try self.run(seed: 77, devices: 60)
        #expect(first == second)
        let (other, _) = try self.run(seed: 78, devices: 60)
        #expect(other != first)
    }
}
