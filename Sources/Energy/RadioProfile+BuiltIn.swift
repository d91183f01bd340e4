// SPDX-License-Identifier: GPL-3.0-or-later

/// Built-in radio profiles with their datasheet sources.
extension RadioProfile {
    /// Semtech SX1276 LoRa transceiver at 3.3 V, 868 MHz band (HF port).
    ///
    /// Source: Semtech SX1276/77/78/79 datasheet, Rev. 7 (May 2020), §2.5.1, Table 6 "Power Consumption
    /// Specification" (VDD = 3.3 V, 25 °C, typical). The rows below were checked against public
    /// reproductions of Table 6; the PDF itself was not read.
    /// - IDDT, transmit with impedance matching: RFOP = +20 dBm on PA_BOOST 120 mA; +17 dBm on PA_BOOST
    ///   87 mA; +13 dBm on RFO_LF/HF 29 mA; +7 dBm on RFO_LF/HF 20 mA.
    /// - +14 dBm: Table 6 has no +14 dBm row on either amplifier. The common modules (HopeRF RFM95W/96W/98W,
    ///   TTGO LoRa32, Adafruit Feather RFM95) connect only the PA_BOOST pin: RadioHead `RH_RF95.cpp`/`.h`
    ///   `setTxPower(power, useRFO)` documents that RFM95/96/97/98 have no RFO pins connected, so they must use
    ///   PA_BOOST (useRFO = false). On PA_BOOST without the +20 dBm PA_DAC setting, the datasheet's row at or
    ///   above +14 dBm is +17 dBm, 87 mA; a lower output of the same amplifier setting draws no more, so
    ///   87 mA is used as an upper bound (never an understatement). A board that routes RFO_HF to the antenna
    ///   (e.g. Murata CMWX1ZZABZ below +15 dBm) draws less: give it its own profile.
    /// - IDDR, receive, LnaBoost on, band 1 (862–1020 MHz): 11.5 mA.
    /// - IDDST, standby (crystal oscillator running): 1.6 mA — used for ``RadioState/idle``.
    /// - IDDSL, sleep: 0.2 µA (the "200 nA register retention" of the datasheet's feature list).
    public static let sx1276 = RadioProfile(
        name: "SX1276",
        supplyVolts: 3.3,
        transmit: [
            TransmitLevel(dBm: 7, milliamperes: 20),
            TransmitLevel(dBm: 13, milliamperes: 29),
            TransmitLevel(dBm: 14, milliamperes: Self.sx1276PABoost17dBmMilliamperes),
            TransmitLevel(dBm: 17, milliamperes: Self.sx1276PABoost17dBmMilliamperes),
            TransmitLevel(dBm: 20, milliamperes: 120),
        ],
        receiveMilliamperes: 11.5,
        idleMilliamperes: 1.6,
        sleepMilliamperes: 0.000_2,
        source:
            "Semtech SX1276/77/78/79 datasheet Rev. 7, §2.5.1 Table 6; 14 dBm on PA_BOOST (RFM95W-style modules) "
            + "bounded by the 17 dBm PA_BOOST row"
    )

    /// SX1276 datasheet Rev. 7, Table 6: IDDT at RFOP = +17 dBm on PA_BOOST, 87 mA.
    public static let sx1276PABoost17dBmMilliamperes = 87.0

    /// Semtech SX1262 LoRa transceiver at 3.3 V with the DC-DC regulator.
    ///
    /// Source: Semtech SX1261/2 datasheet (DS.SX1261-2), Rev. 2.2 (December 2024), Tables 3-5 and 3-6
    /// (power consumption; VBAT = 3.3 V, 25 °C, typical, TCXO and RF-switch current excluded). Checked
    /// against public reproductions of those tables; the PDF itself was not read.
    /// - transmit, SX1262 at 868/915 MHz, PA configured for each target power (the optimal `SetPaConfig`
    ///   settings of §13.1.14 together with the matching network for that power): +14 dBm 45 mA;
    ///   +17 dBm 58 mA; +20 dBm 84 mA; +22 dBm 118 mA. With the PA left configured for +22 dBm the
    ///   same outputs cost 90 mA (+14), 95 mA (+17) and 102 mA (+20).
    /// - receive, LoRa 125 kHz, DC-DC: 4.6 mA (Rx boosted gain: 5.3 mA; LDO mode: 8.8 mA).
    /// - STDBY_RC: 0.6 mA — used for ``RadioState/idle``.
    /// - sleep with cold start (configuration not retained): 160 nA (warm start: 600 nA).
    public static let sx1262 = RadioProfile(
        name: "SX1262",
        supplyVolts: 3.3,
        transmit: [
            TransmitLevel(dBm: 14, milliamperes: 45),
            TransmitLevel(dBm: 17, milliamperes: 58),
            TransmitLevel(dBm: 20, milliamperes: 84),
            TransmitLevel(dBm: 22, milliamperes: 118),
        ],
        receiveMilliamperes: 4.6,
        idleMilliamperes: 0.6,
        sleepMilliamperes: 0.000_16,
        source: "Semtech DS.SX1261-2 Rev. 2.2, Tables 3-5 and 3-6 (3.3 V, DC-DC, PA optimised per output power)"
    )

    /// The Nordic nRF52840's 2.4 GHz radio (BLE 1 Mbit/s) at 3 V with the DC/DC regulator, as the radio's
    /// *increment* over the SoC's MCU profile (``MCUProfile/nrf52840``).
    ///
    /// The Product Specification prints whole-chip currents only, so adding a radio row to the MCU's current
    /// would count the SoC's base, clocks and regulator twice. The increments are derived from the whole-chip
    /// totals with the subtraction stated, so that MCU + radio equals the printed total:
    /// - Source: nRF52840 Product Specification, online edition (docs.nordicsemi.com; no revision printed on
    ///   the pages read), "Current consumption" → "Compounded": IS0, CPU running CoreMark from flash + radio
    ///   transmitting at 0 dBm, 1 Mbit/s BLE, HFXO, DC/DC: 8.1 mA; IS1, the same while receiving: 8.6 mA.
    ///   "Radio transmitting/receiving" (CPU asleep): IRADIO_TX0 +8 dBm 16.40 mA, IRADIO_TX1 0 dBm 6.40 mA.
    /// - transmit 0 dBm = IS0 − MCU active = 8.1 − 3.328 = 4.772 mA.
    /// - receive = IS1 − MCU active = 8.6 − 3.328 = 5.272 mA.
    /// - transmit +8 dBm = transmit 0 dBm + (IRADIO_TX0 − IRADIO_TX1) = 4.772 + 10.0 = 14.772 mA (no compounded
    ///   row at +8 dBm; the step between the two radio rows is the PA's extra draw).
    /// - idle, sleep: 0 (the SoC's idle and sleep currents are the MCU profile's).
    /// With the MCU active or idle (idle = active for this part) the totals are the datasheet's; with the MCU
    /// asleep during radio activity the model draws 4.772 mA where IRADIO_TX1 prints 6.40 mA, because the
    /// MCU profile's sleep row (System ON, HFXO off) omits the clock the radio needs: keep the MCU idle
    /// while the radio works.
    public static let nrf52840 = RadioProfile(
        name: "nRF52840",
        supplyVolts: 3.0,
        transmit: [
            TransmitLevel(dBm: 0, milliamperes: Self.nrf52840Transmit0dBmIncrementMilliamperes),
            TransmitLevel(
                dBm: 8,
                milliamperes: Self.nrf52840Transmit0dBmIncrementMilliamperes
                    + (Self.nrf52840RadioTX0Milliamperes - Self.nrf52840RadioTX1Milliamperes)),
        ],
        receiveMilliamperes: Self.nrf52840CompoundedReceiveMilliamperes - MCUProfile.nrf52840.activeMilliamperes,
        idleMilliamperes: 0,
        sleepMilliamperes: 0,
        source:
            "Nordic nRF52840 Product Specification (online), Compounded IS0/IS1 and Radio transmitting/receiving "
            + "(3 V, HFXO, DC/DC), minus the MCU profile's active current"
    )

    /// nRF52840 PS, Compounded, IS0: CPU running CoreMark + radio TX 0 dBm, BLE 1 Mbit/s, DC/DC: 8.1 mA.
    public static let nrf52840CompoundedTransmitMilliamperes = 8.1
    /// nRF52840 PS, Compounded, IS1: CPU running CoreMark + radio RX, BLE 1 Mbit/s, DC/DC: 8.6 mA.
    public static let nrf52840CompoundedReceiveMilliamperes = 8.6
    /// nRF52840 PS, Radio transmitting/receiving, IRADIO_TX0 (+8 dBm): 16.40 mA.
    public static let nrf52840RadioTX0Milliamperes = 16.4
    /// nRF52840 PS, Radio transmitting/receiving, IRADIO_TX1 (0 dBm): 6.40 mA.
    public static let nrf52840RadioTX1Milliamperes = 6.4
    /// The radio's increment at 0 dBm: IS0 minus the MCU profile's active current.
    public static var nrf52840Transmit0dBmIncrementMilliamperes: Double {
        Self.nrf52840CompoundedTransmitMilliamperes - MCUProfile.nrf52840.activeMilliamperes
    }

    /// Every built-in radio profile.
    public static let builtIn: [RadioProfile] = [.sx1276, .sx1262, .nrf52840]
}
