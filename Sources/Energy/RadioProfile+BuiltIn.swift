// SPDX-License-Identifier: GPL-3.0-or-later

/// Built-in radio profiles with their datasheet sources.
extension RadioProfile {
    /// Semtech SX1276 LoRa transceiver at 3.3 V, 868 MHz band (HF port).
    ///
    /// Source: Semtech SX1276/77/78/79 datasheet, Rev. 7 (May 2020), §2.5.1, Table 6 "Power Consumption
    /// Specification" (VDD = 3.3 V, 25 °C, typical):
    /// - IDDT, transmit with impedance matching: +20 dBm on PA_BOOST 120 mA; +17 dBm on PA_BOOST 87 mA;
    ///   +13 dBm on RFO 29 mA; +7 dBm on RFO 20 mA.
    /// - +14 dBm is not a row of Table 6. The 43.5 mA here is derived: linear interpolation between the
    ///   +13 dBm (29 mA) and +17 dBm (87 mA) rows. Replace it with a measurement where one exists.
    /// - IDDR, receive, LnaBoost on, band 1 (862–1020 MHz): 11.5 mA.
    /// - IDDST, standby (crystal oscillator running): 1.6 mA — used for ``RadioState/idle``.
    /// - IDDSL, sleep: 0.2 µA.
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
            "Semtech SX1276/77/78/79 datasheet Rev. 7, §2.5.1 Table 6 (14 dBm interpolated from the 13 and 17 dBm rows)"
    )

    /// Semtech SX1262 LoRa transceiver at 3.3 V with the DC-DC regulator.
    ///
    /// Source: Semtech DS.SX1261-2 datasheet, Rev. 2.1 (December 2021), §3.4 "Power Consumption"
    /// (SX1262, DC-DC mode, typical), transmit figures for the optimal PA settings of §13.1.14
    /// (SetPaConfig, Table 13-21):
    /// - transmit: +14 dBm 45 mA; +17 dBm 58 mA; +20 dBm 84 mA; +22 dBm 118 mA.
    /// - receive (LoRa, 125 kHz, DC-DC): 4.6 mA.
    /// - STDBY_RC: 0.6 mA — used for ``RadioState/idle``.
    /// - sleep with cold start: 160 nA.
    /// These figures are to be checked against the named revision before they back a published number.
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
        source: "Semtech DS.SX1261-2 Rev. 2.1, §3.4 (DC-DC) with the optimal PA settings of Table 13-21"
    )

    /// The Nordic nRF52840's 2.4 GHz radio (BLE 1 Mbit/s) at 3 V with the DC/DC regulator.
    ///
    /// Source: Nordic nRF52840 Product Specification v1.7, §5.2 "Current consumption: electrical
    /// specification", radio rows (typical, 3 V, DC/DC):
    /// - I_TX,PLUS8dBM,DCDC: +8 dBm 14.8 mA; I_TX,0dBM,DCDC: 0 dBm 4.8 mA.
    /// - I_RX,1M,DCDC: receive at 1 Mbit/s 4.6 mA.
    /// The radio is part of the SoC: the specification gives no separate idle or sleep row for it, and the
    /// SoC's base current belongs to its MCU profile (``MCUProfile/nrf52840``), so idle and sleep are 0 here.
    public static let nrf52840 = RadioProfile(
        name: "nRF52840",
        supplyVolts: 3.0,
        transmit: [
            TransmitLevel(dBm: 0, milliamperes: 4.8),
            TransmitLevel(dBm: 8, milliamperes: 14.8),
        ],
        receiveMilliamperes: 4.6,
        idleMilliamperes: 0,
        sleepMilliamperes: 0,
        source: "Nordic nRF52840 Product Specification v1.7, §5.2 (radio, DC/DC, 3 V)"
    )

    /// Every built-in radio profile.
    public static let builtIn: [RadioProfile] = [.sx1276, .sx1262, .nrf52840]
}
