// SPDX-License-Identifier: GPL-3.0-or-later

/// Battery presets with their datasheet sources.
extension BatterySpec {
    /// A CR2032 lithium coin cell (Li-MnO2), 3.0 V.
    ///
    /// Source: Energizer CR2032 product datasheet: nominal 3.0 V; typical capacity 235 mAh to 2.0 V
    /// under a 15 kΩ load at 21 °C (about 0.19 mA, so the rated discharge lasts about 1 200 h). Checked
    /// against public reproductions (235 mAh; rated on a 15 kΩ, ≈0.19 mA drain to 2.0 V); the Energizer
    /// PDF itself was not read. Coin cells lose capacity at pulse currents of tens of mA (a LoRa
    /// transmission); set ``peukertExponent`` where that matters.
    ///
    /// Pulse limit: 30 mA (``cr2032MaxPulseMilliamperes``). A lithium coin cell's internal resistance
    /// (about 10–40 Ω, rising as it discharges) turns a 40–120 mA pulse into a voltage drop of over a volt,
    /// which browns out a 3 V device. Texas Instruments application report SWRA349, "Coin cells and peak
    /// current draw" (M. Jensen, 2011), tested CR2032 cells from six vendors at 15 mA and 30 mA peaks: at
    /// 30 mA they still delivered on average about 91 % of their 15 mA capacity, so 30 mA is the highest
    /// peak a cited test shows a CR2032 sustaining. A profile whose peak draw exceeds it is refused
    /// (``DevicePowerProfile/checkPulseLimit(of:)``); a design with a reservoir capacitor that buffers the
    /// pulses (as SWRA349 recommends) gives its cell a spec without the limit.
    public static let cr2032 = BatterySpec(
        name: "CR2032",
        chemistry: "Li-MnO2",
        nominalVolts: 3.0,
        cutoffVolts: 2.0,
        capacityMilliampereHours: 235,
        ratedDischargeHours: 1_200,
        source: "Energizer CR2032 datasheet: 235 mAh to 2.0 V at 15 kΩ, 21 °C; pulse limit 30 mA (TI SWRA349)",
        maxPulseMilliamperes: BatterySpec.cr2032MaxPulseMilliamperes
    )

    /// The highest peak current TI SWRA349 tested CR2032 cells at (30 mA), used as the CR2032 pulse limit.
    public static let cr2032MaxPulseMilliamperes = 30.0

    /// Two AA alkaline cells in series, 3.0 V.
    ///
    /// Source: Energizer E91 (AA alkaline) product datasheet. It prints no single rated capacity, only
    /// capacity-versus-drain curves; read from them: about 3 000 mAh at a 25 mA constant drain to
    /// 0.8 V per cell (1.6 V for two cells), i.e. about 120 h. Alkaline capacity falls steeply with
    /// drain (roughly 2 000 mAh at 250 mA on the same chart); set ``peukertExponent`` to model that.
    /// Approximate by nature: an independent public reading of the same chart agrees (about 3 000 mAh at
    /// 25 mA, 2 000 mAh at 250 mA), while an older edition is quoted at 2 800 mAh at 25 mA; the chart's
    /// 0.8 V end point was not verified against the datasheet.
    public static let twoAAAlkaline = BatterySpec(
        name: "2xAA-alkaline",
        chemistry: "alkaline Zn-MnO2",
        nominalVolts: 3.0,
        cutoffVolts: 1.6,
        capacityMilliampereHours: 3_000,
        ratedDischargeHours: 120,
        source:
            "Energizer E91 datasheet, capacity-vs-drain chart read at 25 mA to 0.8 V/cell (~3000 mAh); two cells in series"
    )

    /// A single-cell lithium-polymer pack of the given capacity: 3.7 V nominal, 3.0 V cutoff.
    ///
    /// Source: the single-cell Li-ion/LiPo convention (nominal 3.7 V, discharge cut-off 3.0 V) as printed
    /// on LiPo pack datasheets, e.g. PKCELL LP503562 (1 200 mAh, 3.7 V, 0.2 C rated discharge ⇒ 5 h).
    public static func lipo(capacityMilliampereHours: Double) -> BatterySpec {
        BatterySpec(
            name: "LiPo-\(Int(capacityMilliampereHours.rounded()))",
            chemistry: "LiPo",
            nominalVolts: 3.7,
            cutoffVolts: 3.0,
            capacityMilliampereHours: capacityMilliampereHours,
            ratedDischargeHours: 5,
            source: "single-cell LiPo convention (3.7 V nominal, 3.0 V cut-off, 0.2 C rating), e.g. PKCELL LP503562"
        )
    }

    /// A 1 200 mAh single-cell LiPo (see ``lipo(capacityMilliampereHours:)``).
    public static let lipo1200 = BatterySpec.lipo(capacityMilliampereHours: 1_200)

    /// Every battery preset.
    public static let presets: [BatterySpec] = [.cr2032, .twoAAAlkaline, .lipo1200]
}
