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
    /// - +14 dBm: not verified against the datasheet. Table 6 has no +14 dBm row and no public source for
    ///   one was found. The 43.5 mA here is derived, not measured: linear interpolation between the
    ///   +13 dBm row (29 mA, RFO) and the +17 dBm row (87 mA, PA_BOOST), which belong to different power
    ///   amplifiers. Replace it with a measurement where one exists.
    /// - IDDR, receive, LnaBoost on, band 1 (862–1020 MHz): 11.5 mA.
    /// - IDDST, standby (crystal oscillator running): 1.6 mA — used for ``RadioState/idle``.
    /// - IDDSL, sleep: 0.2 µA (the "200 nA register retention" of the datasheet's feature list).
    public static let sx1276 = RadioProfile(
        name: "SX1276",
        supplyVolts: 3.3,
        transmit: [
            TransmitLevel(dBm: 7, milliamperes: 20),
            TransmitLevel(dBm: 13, milliamperes: 29),
            TransmitLevel(dBm: 14, milliamperes: 43.5),
            TransmitLevel(dBm: 17, milliamperes: 87),
            TransmitLevel(dBm: 20, milliamperes: 120),
        ],
        receiveMilliamperes: 11.5,
        idleMilliamperes: 1.6,
        sleepMilliamperes: 0.000_2,
        source:
            "Semtech SX1276/77/78/79 datasheet Rev. 7, §2.5.1 Table 6 (14 dBm: interpolated, not verified)"
    )

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

    /// The Nordic nRF52840's 2.4 GHz radio (BLE 1 Mbit/s) at 3 V with the DC/DC regulator.
    ///
    /// Source: Nordic nRF52840 Product Specification, online edition (docs.nordicsemi.com; the page read
    /// states no revision), "Current consumption" → "Radio transmitting/receiving" (typical, under the
    /// chapter's common conditions, 3 V supply; Clock = HFXO, Regulator = DC/DC):
    /// - IRADIO_TX0: +8 dBm, 1 Mbit/s BLE, 16.40 mA; IRADIO_TX1: 0 dBm, 6.40 mA.
    /// - IRADIO_RX0: receive at 1 Mbit/s BLE, 6.26 mA.
    /// These are whole-device figures with the CPU asleep (WFI) and the HFXO running, so adding the
    /// MCU profile's current on top counts the SoC's base and clock twice: an upper bound, never an
    /// understatement. The specification gives no separate idle or sleep row for the radio, and the SoC's
    /// sleep current belongs to its MCU profile (``MCUProfile/nrf52840``), so idle and sleep are 0 here.
    public static let nrf52840 = RadioProfile(
        name: "nRF52840",
        supplyVolts: 3.0,
        transmit: [
            TransmitLevel(dBm: 0, milliamperes: 6.4),
            TransmitLevel(dBm: 8, milliamperes: 16.4),
        ],
        receiveMilliamperes: 6.26,
        idleMilliamperes: 0,
        sleepMilliamperes: 0,
        source:
            "Nordic nRF52840 Product Specification (online), Radio transmitting/receiving (3 V, HFXO, DC/DC)"
    )

    /// Every built-in radio profile.
    public static let builtIn: [RadioProfile] = [.sx1276, .sx1262, .nrf52840]
}
