// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel
import Testing

struct ElectricalUnitsTests {
    @Test func oneMilliampereForOneHourIsOneMilliampereHour() {
        let charge = Charge(current: .milliamperes(1), duration: .hours(1))
        #expect(charge == Charge.milliampereHours(1))
        #expect(charge.milliampereHours == 1)
        #expect(charge.coulombs == 3.6)
    }

    @Test func oneMilliampereForOneSecondAtOneVoltIsOneMillijoule() {
        let energy = ElectricalEnergy(
            charge: Charge(current: .milliamperes(1), duration: .seconds(1 as Int64)), voltage: .volts(1))
        #expect(energy.millijoules == 1)
        #expect(energy.joules == 0.001)
        // 120 mA at 3.3 V for 1.5 s = 0.594 J.
        let transmit = ElectricalEnergy(
            charge: Charge(current: .milliamperes(120), duration: .milliseconds(1_500)), voltage: .volts(3.3))
        #expect(abs(transmit.joules - 0.594) < 1e-15)
    }

    @Test func datasheetFiguresAreQuantisedToTheNearestNanoampereAndMillivolt() {
        #expect(Current.microamperes(0.2).nanoamperes == 200)
        #expect(Current.microamperes(0.16).nanoamperes == 160)
        #expect(Current.milliamperes(43.5).nanoamperes == 43_500_000)
        #expect(Current.milliamperes(0.000_000_4).nanoamperes == 0)
        #expect(Current.milliamperes(0.000_000_6).nanoamperes == 1)
        #expect(Voltage.volts(3.3).millivolts == 3_300)
        #expect(Voltage.volts(1.8004).millivolts == 1_800)
    }

    @Test func aScheduleRejectsIntervalsBeforeItsStartAndStatesItsProfileCannotPrice() throws {
        let profile = DevicePowerProfile(radio: .nrf52840, mcu: .nrf52840)
        let early = try StateInterval(.radio(.receive), start: .seconds(1 as Int64), end: .seconds(2 as Int64))
        #expect(throws: ScheduleError.beforeStart(early, start: .seconds(5 as Int64))) {
            try CurrentSchedule(intervals: [early], profile: profile, from: .seconds(5 as Int64))
        }
        let unknown = try StateInterval(.radio(.transmit(dBm: 4)), start: .zero, end: .seconds(1 as Int64))
        #expect(throws: ScheduleError.self) {
            try CurrentSchedule(intervals: [unknown], profile: profile, from: .zero)
        }
        // Idle defaults instead of sleep raise the tail; zero-length intervals are ignored.
        let empty = try StateInterval(.radio(.transmit(dBm: 8)), start: .zero, end: .zero)
        let schedule = try CurrentSchedule(
            intervals: [empty], profile: profile, from: .zero, radioDefault: .idle, mcuDefault: .idle)
        #expect(schedule.segments.isEmpty)
        #expect(schedule.tail == MCUProfile.nrf52840.current(for: .idle))
        #expect(
            schedule.charge(until: .seconds(2 as Int64))
                == Charge(current: schedule.tail, duration: .seconds(2 as Int64)))
    }
}
