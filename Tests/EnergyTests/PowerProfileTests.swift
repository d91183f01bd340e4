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

    /// SX1276 datasheet Rev. 7, Table 6: IDDR (LnaBoost on, band 1), IDDST (standby) and IDDSL (sleep).
    @Test func sx1276ReceiveStandbyAndSleepAreTheDatasheetRows() throws {
        #expect(try RadioProfile.sx1276.current(for: .receive) == .milliamperes(11.5))
        #expect(try RadioProfile.sx1276.current(for: .idle) == .milliamperes(1.6))
        #expect(try RadioProfile.sx1276.current(for: .sleep) == .microamperes(0.2))
    }

    /// Semtech DS.SX1261-2 Rev. 2.2, Tables 3-5 and 3-6 (3.3 V, DC-DC, SX1262 PA configured for each output
    /// power): transmit 45/58/84/118 mA at +14/+17/+20/+22 dBm; receive LoRa 125 kHz 4.6 mA; STDBY_RC 0.6 mA;
    /// sleep with cold start 160 nA.
    @Test(arguments: [(14, 45.0), (17, 58.0), (20, 84.0), (22, 118.0)])
    func sx1262TransmitCurrentsAreTheDatasheetRows(dBm: Int, milliamperes: Double) throws {
        #expect(try RadioProfile.sx1262.current(for: .transmit(dBm: dBm)) == .milliamperes(milliamperes))
    }

    @Test func sx1262ReceiveStandbyAndSleepAreTheDatasheetRows() throws {
        #expect(try RadioProfile.sx1262.current(for: .receive) == .milliamperes(4.6))
        #expect(try RadioProfile.sx1262.current(for: .idle) == .milliamperes(0.6))
        #expect(try RadioProfile.sx1262.current(for: .sleep) == Current(nanoamperes: 160))
    }

    /// nRF52840 Product Specification (online edition), "Compounded": IS0, CPU running CoreMark + radio TX at
    /// 0 dBm (BLE 1 Mbit/s, HFXO, DC/DC) 8.1 mA; IS1, the same receiving, 8.6 mA. The radio profile holds the
    /// increment over the MCU, so MCU active + radio must give those totals, not count the base twice.
    @Test func nrf52840McuPlusRadioEqualsTheDatasheetsWholeChipTotals() throws {
        let profile = DevicePowerProfile(radio: .nrf52840, mcu: .nrf52840)
        let mcu = try profile.current(for: .mcu(.active))
        #expect(mcu + (try profile.current(for: .radio(.transmit(dBm: 0)))) == Current(nanoamperes: 8_100_000))
        #expect(mcu + (try profile.current(for: .radio(.receive))) == Current(nanoamperes: 8_600_000))
        // +8 dBm: IS0 + (IRADIO_TX0 16.40 − IRADIO_TX1 6.40) = 18.1 mA in all.
        #expect(mcu + (try profile.current(for: .radio(.transmit(dBm: 8)))) == Current(nanoamperes: 18_100_000))
        // A device in those states accounts exactly that total over a second.
        var device = try PoweredDevice(id: 1, profile: profile, battery: nil, radio: .transmit(dBm: 0), mcu: .active)
        try device.advance(to: .seconds(1 as Int64))
        #expect(
            device.ledger.totalCharge
                == Charge(current: Current(nanoamperes: 8_100_000), duration: .seconds(1 as Int64)))
    }

    /// The SX1276's +14 dBm on PA_BOOST (RFM95W-style modules) is bounded by Table 6's +17 dBm PA_BOOST row.
    @Test func sx1276FourteenDBmIsThePABoostBound() throws {
        #expect(try RadioProfile.sx1276.current(for: .transmit(dBm: 14)) == Current(nanoamperes: 87_000_000))
    }

    /// Training rate = clock × MACs per cycle, with the per-core figures stated on the profiles:
    /// Cortex-M4F 1/(3 + 1) MAC/cycle, Cortex-M7 1/2 MAC/cycle.
    @Test(arguments: [
        ("STM32L476", 80.0 * 0.25 * 1e6, 20_000_000.0),
        ("STM32F746", 216.0 * 0.5 * 1e6, 108_000_000.0),
        ("ESP32", 240.0 * 0.25 * 1e6, 60_000_000.0),
        ("nRF52840", 64.0 * 0.25 * 1e6, 16_000_000.0),
    ])
    func trainingMACRateIsClockTimesMACsPerCycle(name: String, derived: Double, stated: Double) throws {
        let mcu = try PowerProfileCatalog.builtIn.mcu(named: name)
        #expect(derived == stated)
        #expect(mcu.trainingMACsPerSecond == stated)
        // 40 M MACs at the STM32L476's 2e7 MAC/s is 2 s; the default rate feeds TrainingCost directly.
        let cost = try TrainingCost(macs: 40_000_000, on: mcu)
        #expect(cost.duration == .nanoseconds(Int64((40_000_000 / stated * 1e9).rounded(.up))))
    }

    @Test func aProfileWithoutATrainingRateIsATypedErrorNotACrash() {
        var custom = MCUProfile.stm32l476
        custom.trainingMACsPerCycle = nil
        #expect(custom.trainingMACsPerSecond == nil)
        #expect(throws: TrainingCostError.self) { try TrainingCost(macs: 1, on: custom) }
        custom.trainingMACsPerCycle = -1
        #expect(throws: ProfileError.self) { try custom.validate() }
    }

    /// A CR2032 cannot source a LoRa transmission: 120 mA (SX1276 +20 dBm, Table 6) + 8 mA (STM32L476 run)
    /// = 128 mA is over its 30 mA pulse limit (TI SWRA349), so the device is refused at validation.
    @Test func aPeakDrawAboveTheBatterysPulseLimitIsRefusedNamingBatteryAndCurrent() throws {
        let lora = DevicePowerProfile(radio: .sx1276, mcu: .stm32l476)
        #expect(lora.peakDraw.current == Current(nanoamperes: 128_000_000))
        #expect(
            throws: ProfileError(
                profile: "CR2032", field: "maxPulseMilliamperes",
                expected: "at least the device's peak draw: 128.0 mA (radio_tx_20dBm on SX1276 + mcu_active on "
                    + "STM32L476) exceeds the 30.0 mA pulse limit")
        ) {
            try PoweredDevice(id: 1, profile: lora, supply: .battery(.cr2032))
        }
        // SX1262 at +14 dBm alone is 45 mA (DS.SX1261-2 Table 3-5): also over the limit.
        var sx1262AtFourteen = RadioProfile.sx1262
        sx1262AtFourteen.name = "SX1262@14"
        sx1262AtFourteen.transmit = [.init(dBm: 14, milliamperes: 45)]
        #expect(throws: ProfileError.self) {
            try DevicePowerProfile(radio: sx1262AtFourteen, mcu: .nrf52840).checkPulseLimit(of: .cr2032)
        }
        // BLE on the nRF52840 peaks at 18.1 mA (IS0 + the +8 dBm step): within the limit.
        let ble = DevicePowerProfile(radio: .nrf52840, mcu: .nrf52840)
        #expect(ble.peakDraw.current == Current(nanoamperes: 18_100_000))
        _ = try PoweredDevice(id: 2, profile: ble, supply: .battery(.cr2032))
        // The same LoRa device on two AA cells (no pulse limit) is accepted.
        _ = try PoweredDevice(id: 3, profile: lora, supply: .battery(.twoAAAlkaline))
        var nonsense = BatterySpec.cr2032
        nonsense.maxPulseMilliamperes = 0
        #expect(throws: ProfileError.self) { try nonsense.validate() }
    }

    /// ST DS10198 front page (100 µA/MHz run, LDO; 1.4 µA Stop 2 with RTC) and ESP32 Series Datasheet v5.2,
    /// Table 4-2 (light-sleep 0.8 mA; deep-sleep with RTC timer + RTC memory 10 µA).
    @Test func mcuSleepAndIdleCurrentsAreTheDatasheetFigures() {
        #expect(MCUProfile.stm32l476.current(for: .sleep) == Current(nanoamperes: 1_400))
        #expect(MCUProfile.esp32.current(for: .idle) == .milliamperes(0.8))
        #expect(MCUProfile.esp32.current(for: .sleep) == Current(nanoamperes: 10_000))
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
        // 68 mA at 240 MHz (ESP32 Series Datasheet v5.2, Table 4-2: modem-sleep, dual core, upper figure):
        // the per-MHz figure times the clock gives it back.
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

    @Test func profilesDecodeFromManifestStyleKeysWithUnitSuffixes() throws {
        let json = """
            {"radios": [{"name": "RFM95-bench", "supply_V": 3.3, "transmit": [{"dBm": 14, "mA": 44.0}],
                         "receive_mA": 12.0, "idle_mA": 1.6, "sleep_mA": 0.0002, "source": "bench"}],
             "mcus": [{"name": "STM32L476@26MHz", "core": "Cortex-M4F", "clock_MHz": 26,
                       "active_uA_per_MHz": 100, "idle_mA": 2.6, "sleep_uA": 1.4, "supply_V": 3.0,
                       "source": "DS10198"}],
             "batteries": [{"name": "AGM-7Ah", "chemistry": "lead-acid", "nominal_V": 12, "cutoff_V": 10.5,
                            "capacity_mAh": 7000, "rated_discharge_h": 20, "peukert_exponent": 1.15,
                            "source": "vendor sheet"}]}
            """
        struct Extension: Decodable {
            var radios: [RadioProfile]
            var mcus: [MCUProfile]
            var batteries: [BatterySpec]
        }
        let decoded = try JSONDecoder().decode(Extension.self, from: Data(json.utf8))
        var catalog = PowerProfileCatalog.builtIn
        for radio in decoded.radios { try catalog.add(radio) }
        for mcu in decoded.mcus { try catalog.add(mcu) }
        for battery in decoded.batteries { try catalog.add(battery) }
        #expect(try catalog.radio(named: "rfm95-bench").current(for: .transmit(dBm: 14)) == .milliamperes(44))
        #expect(try catalog.mcu(named: "stm32l476@26mhz").current(for: .active) == .milliamperes(2.6))
        let battery = try Battery(spec: try catalog.battery(named: "agm-7ah"))
        // Peukert above the 350 mA rating: 7 Ah at 1.4 A lasts 20 h · (7000 / (1400 · 20))^1.15.
        let hours = try #require(battery.timeToCutoff(at: .milliamperes(1_400))).seconds / 3_600
        #expect(abs(hours - 20 * pow(0.25, 1.15)) < 1e-6)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RadioProfile.self, from: Data(#"{"name": "x", "supply_V": 3}"#.utf8))
        }
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
