// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel
import Testing

struct EnergyLedgerTests {
    let profile = DevicePowerProfile(radio: .sx1276, mcu: .stm32l476)

    /// Random intervals of every state, of random lengths up to an hour (nanosecond resolution).
    func randomIntervals(count: Int, seed: UInt64) throws -> [StateInterval] {
        let stream = RandomStream(seed: seed)
        let states: [PowerState] =
            RadioProfile.sx1276.transmitPowers.map { .radio(.transmit(dBm: $0)) }
            + [.radio(.receive), .radio(.idle), .radio(.sleep), .mcu(.active), .mcu(.idle), .mcu(.sleep)]
        var clock: [Component: SimTime] = [.radio: .zero, .mcu: .zero]
        var intervals: [StateInterval] = []
        for _ in 0..<count {
            let state = states[stream.integer(below: states.count)]
            let start = clock[state.component]!
            let length = SimTime(nanoseconds: Int64(stream.integer(below: 1 << 31)) * 1_700)
            intervals.append(try StateInterval(state, start: start, end: start + length))
            clock[state.component] = start + length
        }
        return intervals
    }

    @Test func energyEqualsTheSumOverStatesOfPowerTimesTime() throws {
        let intervals = try self.randomIntervals(count: 5_000, seed: 42)
        var ledger = EnergyLedger(profile: self.profile)
        try ledger.record(contentsOf: intervals)

        // Independent truth 1, exact: Σ I[nA] · t[ns] · V[mV] over the intervals, from the datasheet
        // figures, in 128-bit integers.
        var exact: Int128 = 0
        // Independent truth 2, floating point: Σ P[W] · t[s] with P = V · I from the same figures.
        var joules = 0.0
        var time: [PowerState: Int64] = [:]
        for interval in intervals {
            let milliamperes: Double
            let volts: Double
            switch interval.state {
            case .radio(.transmit(let dBm)):
                milliamperes = RadioProfile.sx1276.transmit.first { $0.dBm == dBm }!.milliamperes
                volts = 3.3
            case .radio(.receive): (milliamperes, volts) = (11.5, 3.3)
            case .radio(.idle): (milliamperes, volts) = (1.6, 3.3)
            case .radio(.sleep): (milliamperes, volts) = (0.000_2, 3.3)
            case .mcu(.active): (milliamperes, volts) = (8.0, 3.0)
            case .mcu(.idle): (milliamperes, volts) = (8.0, 3.0)
            case .mcu(.sleep): (milliamperes, volts) = (0.001_4, 3.0)
            }
            let nanoamperes = Int128((milliamperes * 1e6).rounded())
            exact += nanoamperes * Int128(interval.duration.nanoseconds) * Int128((volts * 1e3).rounded())
            joules += volts * milliamperes / 1e3 * interval.duration.seconds
            time[interval.state, default: 0] += interval.duration.nanoseconds
        }
        #expect(ledger.totalEnergy.zeptojoules == exact)
        #expect(abs(ledger.totalEnergy.joules - joules) <= 1e-12 * joules)
        for (state, nanoseconds) in time {
            #expect(ledger.entry(for: state).duration.nanoseconds == nanoseconds, "\(state.label)")
        }
        #expect(ledger.energy(of: .radio) + ledger.energy(of: .mcu) == ledger.totalEnergy)
        #expect(ledger.sortedEntries.map(\.state) == ledger.entries.keys.sorted())
    }

    @Test func trainingTimeIsMacsOverRateAndItsEnergyIsTimeTimesActivePower() throws {
        // 3·10⁹ MACs at 2·10⁷ MAC/s = 150 s; STM32L476 active 8 mA at 3.0 V = 24 mW ⇒ 3.6 J.
        let cost = try TrainingCost(macs: 3_000_000_000, macsPerSecond: 2e7)
        #expect(cost.duration == .seconds(150 as Int64))
        #expect(abs(cost.energy(on: .stm32l476).joules - 3.6) <= 1e-15)
        // A straggler slowed 2.5× takes 375 s and 9 J.
        let slowed = try TrainingCost(macs: 3_000_000_000, macsPerSecond: 2e7, slowdown: 2.5)
        #expect(slowed.duration == .seconds(375 as Int64))
        #expect(abs(slowed.energy(on: .stm32l476).joules - 9.0) <= 1e-15)
        // Booked into a ledger it lands in the MCU's active state.
        var ledger = EnergyLedger(profile: self.profile)
        try ledger.record(.mcu(.active), for: cost.duration)
        #expect(ledger.trainingEnergy == cost.energy(on: .stm32l476))
    }

    @Test func trainingTimeRoundsUpToAWholeNanosecond() throws {
        // 1 MAC at 3 MAC/s = 333 333 333.3… ns ⇒ 333 333 334 ns.
        #expect(try TrainingCost(macs: 1, macsPerSecond: 3).duration.nanoseconds == 333_333_334)
        #expect(try TrainingCost(macs: 0, macsPerSecond: 3).duration == .zero)
        #expect(throws: TrainingCostError.self) { try TrainingCost(macs: 1, macsPerSecond: 0) }
        #expect(throws: TrainingCostError.self) { try TrainingCost(macs: 1, macsPerSecond: 1, slowdown: 0.5) }
        #expect(throws: TrainingCostError.self) { try TrainingCost(macs: -1, macsPerSecond: 1) }
    }

    @Test func anIntervalThatEndsBeforeItStartsIsRejected() {
        #expect(throws: IntervalError.self) {
            try StateInterval(.radio(.receive), start: .seconds(2 as Int64), end: .seconds(1 as Int64))
        }
    }

    @Test func aDevicesBatteryDeliversExactlyTheChargeItsLedgerRecords() throws {
        var device = try PoweredDevice(id: 3, profile: self.profile, supply: .battery(.twoAAAlkaline))
        let stream = RandomStream(seed: 9)
        var now = SimTime.zero
        for _ in 0..<2_000 {
            now = now + SimTime(nanoseconds: Int64(stream.integer(below: 1 << 30)))
            if stream.bernoulli(0.5) {
                let powers = RadioProfile.sx1276.transmitPowers + [-1, -2, -3]
                let pick = powers[stream.integer(below: powers.count)]
                let state: RadioState = pick >= 0 ? .transmit(dBm: pick) : [.receive, .idle, .sleep][-pick - 1]
                try device.enter(state, at: now)
            } else {
                try device.enter(MCUState.allCases[stream.integer(below: 3)], at: now)
            }
        }
        try device.advance(to: now)
        let battery = try #require(device.battery)
        #expect(device.isAlive)
        #expect(battery.delivered == device.ledger.totalCharge)
        #expect(battery.capacity - battery.remaining == battery.delivered, "no Peukert: depletion equals delivery")
        var total = SimTime.zero
        for (state, entry) in device.ledger.sortedEntries where state.component == .radio {
            total = total + entry.duration
        }
        #expect(total == now, "the radio is accounted for every nanosecond")
    }
}
