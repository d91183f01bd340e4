// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Foundation
import SimKernel
import Testing

struct PowerProfileTests {
    @Test func builtInProfilesAreValidAndNameTheirSources() throws {
        for radio in RadioProfile.builtIn {
            try radio.validate()
            #expect(!radio.source.isEmpty)
        }
        for mcu in MCUProfile.builtIn {
            try mcu.validate()
            #expect(!mcu.source.isEmpty)
        }
        for battery in BatterySpec.presets {
            try battery.validate()
            #expect(!battery.source.isEmpty)
        }
        let catalog = PowerProfileCatalog.builtIn
        #expect(catalog.radios.count == RadioProfile.builtIn.count)
        #expect(catalog.mcus.count == MCUProfile.builtIn.count)
        #expect(catalog.batteries.count == BatterySpec.presets.count)
    }

    /// SX1276 datasheet Rev. 7, Table 6 (IDDT): the four rows the datasheet prints.
    @Test(arguments: [(7, 20.0), (13, 29.0), (17, 87.0), (20, 120.0)])
    func sx1276TransmitCurrentsAreTheDatasheetRows(dBm: Int, milliamperes: Double) throws {
        let current = try RadioProfile.sx1276.current(for: .transmit(dBm: dBm))
        #expect(current.nanoamperes == Int64(milliamperes * 1_000_000))
    }

    @Test func transmitCurrentIsMonotoneInOutputPowerForEveryBuiltInRadio() throws {
        for radio in RadioProfile.builtIn {
            let currents = try radio.transmitPowers.map { dBm throws in try radio.current(for: .transmit(dBm: dBm)) }
            #expect(currents == currents.sorted(), "\(radio.name)")
            #expect(try radio.current(for: .sleep) <= radio.current(for: .idle))
        }
    }

    @Test func aTransmitPowerTheProfileLacksIsATypedErrorListingTheKnownPowers() {
        #expect(
            throws: ProfileError(
                profile: "SX1276", field: "transmit",
                expected: "a level at 10 dBm (the profile has 7, 13, 14, 17, 20 dBm)")
        ) {
            try RadioProfile.sx1276.current(for: .transmit(dBm: 10))
        }
    }

    @Test func mcuActiveCurrentIsMicroamperesPerMegahertzTimesClock() {
        // 100 µA/MHz × 80 MHz = 8 000 µA = 8 mA (DS10198 front page).
        #expect(MCUProfile.stm32l476.current(for: .active) == Current(nanoamperes: 8_000_000))
        // 68 mA at 240 MHz (ESP32 modem-sleep, dual core): the per-MHz figure times the clock gives it back.
        #expect(MCUProfile.esp32.current(for: .active) == Current(nanoamperes: 68_000_000))
        var slower = MCUProfile.stm32l476
        slower.name = "STM32L476@16MHz"
        slower.clockMegahertz = 16
        #expect(slower.current(for: .active) == Current(nanoamperes: 1_600_000))
    }

    @Test func aUserProfileRoundTripsThroughJSONAndJoinsTheCatalogCaseInsensitively() throws {
        let custom = RadioProfile(
            name: "RFM95W-measured", supplyVolts: 3.3,
            transmit: [.init(dBm: 14, milliamperes: 44.2), .init(dBm: 20, milliamperes: 125)],
            receiveMilliamperes: 12.1, idleMilliamperes: 1.7, sleepMilliamperes: 0.001, source: "bench measurement")
        let data = try JSONEncoder().encode(custom)
        let decoded = try JSONDecoder().decode(RadioProfile.self, from: data)
        #expect(decoded == custom)
        var catalog = PowerProfileCatalog.builtIn
        try catalog.add(decoded)
        #expect(try catalog.radio(named: "rfm95w-MEASURED") == custom)
        #expect(try catalog.radio(named: "sx1276") == .sx1276)
        #expect(throws: ProfileError.self) { try catalog.add(RadioProfile.sx1276) }
        #expect(throws: ProfileError.self) { try catalog.mcu(named: "Z80") }
    }

    @Test func invalidUserProfilesAreRejectedNamingTheField() {
        var negative = RadioProfile.sx1276
        negative.receiveMilliamperes = -1
        #expect(
            throws: ProfileError(
                profile: "SX1276", field: "receiveMilliamperes", expected: "a finite number ≥ 0 (got -1.0)")
        ) {
            try negative.validate()
        }
        var duplicate = RadioProfile.sx1262
        duplicate.transmit.append(.init(dBm: 14, milliamperes: 50))
        #expect(throws: ProfileError.self) { try duplicate.validate() }
        var noClock = MCUProfile.esp32
        noClock.clockMegahertz = 0
        #expect(throws: ProfileError.self) { try noClock.validate() }
        var badBattery = BatterySpec.cr2032
        badBattery.peukertExponent = 0.8
        #expect(throws: ProfileError.self) { try badBattery.validate() }
        badBattery.peukertExponent = 1.2
        badBattery.ratedDischargeHours = nil
        #expect(throws: ProfileError.self) { try badBattery.validate() }
    }

    @Test func powerStateLabelsAreStableCSVNames() {
        #expect(PowerState.radio(.transmit(dBm: 14)).label == "radio_tx_14dBm")
        #expect(PowerState.radio(.receive).label == "radio_rx")
        #expect(PowerState.mcu(.active).label == "mcu_active")
        #expect(PowerState.mcu(.sleep).label == "mcu_sleep")
    }
}
