// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Foundation
import SimKernel
import Testing

struct BatteryTests {
    let profile = DevicePowerProfile(radio: .sx1276, mcu: .stm32l476)

    @Test(arguments: [100, 7_919, 1_000_000, 43_500_000, 120_000_000] as [Int64])
    func timeToCutoffIsTheFirstNanosecondAtWhichTheChargeIsGone(nanoamperes: Int64) throws {
        let draw = Current(nanoamperes: nanoamperes)
        var battery = try Battery(spec: .cr2032)
        let lifetime = try #require(battery.timeToCutoff(at: draw))
        // 235 mAh = 8.46·10²⁰ aC; the lifetime is ⌈C / I⌉ ns.
        let capacity = Int128(235) * 3_600_000_000_000_000_000
        #expect(Int128(lifetime.nanoseconds) == (capacity + Int128(nanoamperes) - 1) / Int128(nanoamperes))
        #expect(battery.discharge(at: draw, for: lifetime - .nanoseconds(1)) == nil, "alive one ns before")
        #expect(!battery.isDepleted)
        #expect(battery.discharge(at: draw, for: .seconds(1 as Int64)) == .nanoseconds(1), "dies in the next ns")
        #expect(battery.isDepleted)
    }

    @Test func aBatteryThatOutlivesSimulatedTimeHasNoCutoff() throws {
        // 235 mAh at 1 nA lasts 8.46·10²⁰ ns, beyond SimTime.max (about 9.2·10¹⁸ ns).
        #expect(try Battery(spec: .cr2032).timeToCutoff(at: Current(nanoamperes: 1)) == nil)
        #expect(try Battery(spec: .cr2032).timeToCutoff(at: .zero) == nil)
    }

    /// The acceptance test: a duty-cycled device's lifetime is capacity / average current.
    @Test func dutyCycledLifetimeIsCapacityOverAverageCurrent() throws {
        // Every 60 s: train 0.5 s (MCU active 8 mA), transmit 0.25 s at 14 dBm (87 mA, MCU idle 8 mA),
        // receive 0.1 s (11.5 mA, MCU idle), otherwise sleep (0.2 µA + 1.4 µA).
        let period = SimTime.seconds(60 as Int64)
        let train = SimTime.milliseconds(500)
        let transmit = SimTime.milliseconds(250)
        let receive = SimTime.milliseconds(100)
        // A CR2032 buffered by a reservoir capacitor (TI SWRA349), so its pulse limit does not apply.
        var spec = BatterySpec.cr2032
        spec.maxPulseMilliamperes = nil
        var device = try PoweredDevice(id: 1, profile: self.profile, battery: try Battery(spec: spec))

        // Analytic: average current from the same figures, in mA; lifetime = C / I_avg.
        let sleepMilliamperes = 0.000_2 + 0.001_4
        let cycleMilliampereSeconds =
            (0.000_2 + 8.0) * train.seconds + (87.0 + 8.0) * transmit.seconds + (11.5 + 8.0) * receive.seconds
            + sleepMilliamperes * (period - train - transmit - receive).seconds
        let averageMilliamperes = cycleMilliampereSeconds / period.seconds
        let analyticSeconds = spec.capacityMilliampereHours / averageMilliamperes * 3_600

        var start = SimTime.zero
        var death: Death?
        cycles: while true {
            let steps: [(SimTime, (inout PoweredDevice, SimTime) throws -> Death?)] = [
                (start, { try $0.enter(MCUState.active, at: $1) }),
                (start + train, { try $0.enter(MCUState.idle, at: $1) }),
                (start + train, { try $0.enter(RadioState.transmit(dBm: 14), at: $1) }),
                (start + train + transmit, { try $0.enter(RadioState.receive, at: $1) }),
                (start + train + transmit + receive, { try $0.enter(RadioState.sleep, at: $1) }),
                (start + train + transmit + receive, { try $0.enter(MCUState.sleep, at: $1) }),
            ]
            for (time, step) in steps {
                if let dropout = try step(&device, time) {
                    death = dropout
                    break cycles
                }
            }
            start = start + period
        }
        let dropout = try #require(death)
        #expect(dropout.cause == .battery)
        // The charge drawn by the end of cycle k is exactly k·Q, so death and C/I_avg fall in the same period.
        #expect(abs(dropout.time.seconds - analyticSeconds) <= period.seconds)
        #expect(abs(dropout.time.seconds - analyticSeconds) / analyticSeconds < 1e-4)
        // About 473 hours (20 days) for these figures: the transmissions dominate.
        #expect((450...500).contains(analyticSeconds / 3_600))
    }

    @Test func peukertLawShortensLifeAboveTheRatedCurrentOnly() throws {
        // C = 2000 mAh rated over H = 20 h (I_rated = 100 mA), k = 1.25.
        let spec = BatterySpec(
            name: "lead-acid-test", chemistry: "Pb", nominalVolts: 12, cutoffVolts: 10.5,
            capacityMilliampereHours: 2_000, ratedDischargeHours: 20, peukertExponent: 1.25, source: "test")
        let battery = try Battery(spec: spec)
        // Above the rating: t = H · (C / (I·H))^k.
        for milliamperes in [200.0, 400.0, 1_000.0] {
            let lifetime = try #require(battery.timeToCutoff(at: .milliamperes(milliamperes)))
            let expectedHours = 20 * pow(2_000 / (milliamperes * 20), 1.25)
            #expect(abs(lifetime.seconds / 3_600 - expectedHours) / expectedHours < 1e-6, "\(milliamperes) mA")
        }
        // At or below the rating: exactly C / I.
        let lifetime = try #require(battery.timeToCutoff(at: .milliamperes(50)))
        #expect(lifetime == .hours(40))
    }

    @Test func periodicHarvestingConservesChargeAndDelaysDeathByTheHarvestedCharge() throws {
        // Draw 8 mA (MCU active) from a 10 mAh pack; 0.5 mAh arrives every 10 min (less than the 1.33 mAh
        // drawn in between, so every pulse fits and none is clipped at capacity).
        let spec = BatterySpec(
            name: "small", chemistry: "LiPo", nominalVolts: 3.7, cutoffVolts: 3.0, capacityMilliampereHours: 10,
            source: "test")
        var device = try PoweredDevice(
            id: 5, profile: self.profile, battery: try Battery(spec: spec), mcu: .active)
        var harvest = HarvestProcess(
            model: .periodic(interval: .minutes(10), milliampereHours: 0.5), stream: nil)
        var dropout: Death?
        var pulses = 0
        while dropout == nil {
            let (time, charge) = harvest.next()
            dropout = try device.harvest(charge, at: time)
            if dropout == nil { pulses += 1 }
        }
        let death = try #require(dropout)
        // Independent: the draw is 8 mA (MCU) + 0.2 µA (radio asleep); with n pulses before death,
        // I · t = (10 + 0.5 n) mAh, and pulse n + 1 (at (n + 1) · 600 s) comes too late.
        let milliamperes = 8.000_2
        var n = 0
        while (10 + 0.5 * Double(n)) / milliamperes * 3_600 > Double(n + 1) * 600 { n += 1 }
        let expectedSeconds = (10 + 0.5 * Double(n)) / milliamperes * 3_600
        #expect(pulses == n)
        #expect(abs(death.time.seconds - expectedSeconds) < 1e-6)
        let battery = try #require(device.battery)
        #expect(battery.harvested == Charge.milliampereHours(0.5 * Double(n)))
        // Conservation: initial + harvested − remaining = delivered = what the ledger recorded.
        #expect(battery.capacity + battery.harvested - battery.remaining == battery.delivered)
        #expect(battery.delivered == device.ledger.totalCharge)
    }

    @Test func rechargeIsClippedAtCapacity() throws {
        var battery = try Battery(spec: .cr2032, stateOfCharge: 0.9)
        let stored = battery.recharge(.milliampereHours(100))
        #expect(stored == Charge.milliampereHours(235) - Charge.milliampereHours(235 * 0.9))
        #expect(battery.remaining == battery.capacity)
    }

    @Test func aCutoffReserveShortensLifeInProportion() throws {
        let full = try Battery(spec: .lipo1200)
        let reserved = try Battery(spec: .lipo1200, cutoffStateOfCharge: 0.2)
        let draw = Current.milliamperes(12)
        #expect(try #require(full.timeToCutoff(at: draw)) == .hours(100))
        #expect(try #require(reserved.timeToCutoff(at: draw)) == .hours(80))
        #expect(throws: ProfileError.self) { try Battery(spec: .lipo1200, cutoffStateOfCharge: 1) }
    }

    @Test func aMainsPoweredDeviceNeverDies() throws {
        var device = try PoweredDevice(id: 2, profile: self.profile, battery: nil, radio: .receive, mcu: .active)
        #expect(device.predictedCutoff() == nil)
        #expect(try device.advance(to: .days(3_650)) == nil)
        #expect(device.isAlive)
        #expect(device.ledger.totalEnergy > .zero)
    }

    @Test func cutoffFollowingAScheduleIsWhereItsChargeIntegralReachesCapacity() throws {
        // Ten transmissions of 1.5 s at 20 dBm, 30 s apart, MCU idle during each, sleep otherwise,
        // from a 0.3 mAh cell: each transmission draws 128 mA × 1.5 s = 0.0533 mAh, so it dies in the 6th.
        var intervals: [StateInterval] = []
        for k in 0..<10 {
            let start = SimTime.seconds(Int64(30 * k + 5))
            intervals.append(
                try StateInterval(.radio(.transmit(dBm: 20)), start: start, end: start + .milliseconds(1_500)))
            intervals.append(try StateInterval(.mcu(.idle), start: start, end: start + .milliseconds(1_500)))
        }
        let schedule = try CurrentSchedule(intervals: intervals.reversed(), profile: self.profile, from: .zero)
        #expect(schedule.segments.count == 20)
        #expect(schedule.current(at: .seconds(6 as Int64)) == Current.milliamperes(128))
        #expect(schedule.current(at: .seconds(7 as Int64)) == Current.microamperes(0.2) + .microamperes(1.4))
        let spec = BatterySpec(
            name: "tiny", chemistry: "test", nominalVolts: 3, cutoffVolts: 2, capacityMilliampereHours: 0.3,
            source: "test")
        let battery = try Battery(spec: spec)
        let cutoff = try #require(battery.cutoffTime(following: schedule))
        #expect(schedule.charge(until: cutoff) >= battery.capacity)
        #expect(schedule.charge(until: cutoff - .nanoseconds(1)) < battery.capacity)
        #expect(schedule.current(at: cutoff - .nanoseconds(1)) == Current.milliamperes(128), "dies while transmitting")

        let overlapping = [
            try StateInterval(.radio(.receive), start: .zero, end: .seconds(2 as Int64)),
            try StateInterval(.radio(.idle), start: .seconds(1 as Int64), end: .seconds(3 as Int64)),
        ]
        #expect(throws: ScheduleError.self) {
            try CurrentSchedule(intervals: overlapping, profile: self.profile, from: .zero)
        }
    }
}
