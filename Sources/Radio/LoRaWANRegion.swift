// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A LoRaWAN data rate: a spreading factor, a bandwidth and the largest application payload.
@frozen
public struct LoRaWANDataRate: Hashable, Sendable {
    /// The region's index for this data rate (DR0, DR1, …).
    public var index: Int
    /// The spreading factor.
    public var spreadingFactor: SpreadingFactor
    /// The bandwidth.
    public var bandwidth: LoRaBandwidth
    /// The largest application payload `N` (FRMPayload, no FOpts) in bytes.
    public var maximumApplicationPayloadBytes: Int
}

/// A LoRaWAN region's regional parameters (LoRaWAN RP002-1.0.x), for LoRa modulation data rates.
public enum LoRaWANRegion: String, CaseIterable, Hashable, Sendable {
    /// Europe 863–870 MHz.
    case eu868 = "EU868"
    /// United States 902–928 MHz.
    case us915 = "US915"

    /// Bytes a data frame adds to its application payload: MHDR 1 + FHDR 7 (DevAddr 4, FCtrl 1, FCnt 2,
    /// no FOpts) + FPort 1 + MIC 4 (LoRaWAN L2 1.0.4 §4).
    public static let frameOverheadBytes = 13

    /// RECEIVE_DELAY1: RX1 opens 1 s after the end of an uplink (RP002 §2 default settings, all regions).
    public static let receiveDelay1 = SimTime.milliseconds(1_000)
    /// RECEIVE_DELAY2: RX2 opens 2 s after the end of an uplink.
    public static let receiveDelay2 = SimTime.milliseconds(2_000)
    /// ACK_TIMEOUT is 2 ± 1 s after RX2 (RP002 §2); a confirmed uplink is retried no sooner than this.
    public static let acknowledgementTimeout = SimTime.milliseconds(2_000)

    /// The uplink data rates with LoRa modulation: EU868 DR0–DR6, US915 DR0–DR4.
    public var uplinkDataRateIndices: ClosedRange<Int> {
        switch self {
        case .eu868: 0...6
        case .us915: 0...4
        }
    }

    /// The data rate `index`, or `nil` when the region has no LoRa data rate with that index.
    ///
    /// EU868 (RP002 §2.4.3, §2.4.6): DR0–5 = SF12…SF7 at 125 kHz, DR6 = SF7 at 250 kHz;
    /// N = 51, 51, 51, 115, 242, 242, 242 (no repeater).
    /// US915 (RP002 §2.5.3, §2.5.6): uplink DR0–3 = SF10…SF7 at 125 kHz, DR4 = SF8 at 500 kHz; downlink
    /// DR8–13 = SF12…SF7 at 500 kHz; N = 11, 53, 125, 242, 242 and 53, 129, 242, 242, 242, 242 (no repeater;
    /// the uplink limits are what the 400 ms dwell time allows).
    public func dataRate(_ index: Int) -> LoRaWANDataRate? {
        let table: [(SpreadingFactor, LoRaBandwidth, Int)?]
        switch self {
        case .eu868:
            table = [
                (.sf12, .khz125, 51), (.sf11, .khz125, 51), (.sf10, .khz125, 51), (.sf9, .khz125, 115),
                (.sf8, .khz125, 242), (.sf7, .khz125, 242), (.sf7, .khz250, 242),
            ]
        case .us915:
            table = [
                (.sf10, .khz125, 11), (.sf9, .khz125, 53), (.sf8, .khz125, 125), (.sf7, .khz125, 242),
                (.sf8, .khz500, 242), nil, nil, nil,
                (.sf12, .khz500, 53), (.sf11, .khz500, 129), (.sf10, .khz500, 242), (.sf9, .khz500, 242),
                (.sf8, .khz500, 242), (.sf7, .khz500, 242),
            ]
        }
        guard table.indices.contains(index), let (sf, bw, n) = table[index] else { return nil }
        return LoRaWANDataRate(index: index, spreadingFactor: sf, bandwidth: bw, maximumApplicationPayloadBytes: n)
    }

    /// The uplink data rate `index`, validated.
    ///
    /// - Throws: ``RadioParameterError`` when `index` is not an uplink LoRa data rate of the region.
    public func uplinkDataRate(_ index: Int) throws(RadioParameterError) -> LoRaWANDataRate {
        guard self.uplinkDataRateIndices.contains(index), let rate = self.dataRate(index) else {
            throw RadioParameterError(
                parameter: "\(self.rawValue) uplink data rate", value: "DR\(index)",
                expected: "DR\(self.uplinkDataRateIndices.lowerBound)…DR\(self.uplinkDataRateIndices.upperBound)")
        }
        return rate
    }

    /// The RX1 downlink data rate after an uplink at `uplink` with `RX1DROffset` = `offset` (0…3).
    ///
    /// EU868: `max(uplink − offset, 0)`. US915: the table of RP002 §2.5.7 (DR0→DR10 … DR4→DR13 at offset 0).
    public func rx1DataRateIndex(uplink: Int, offset: Int = 0) -> Int {
        switch self {
        case .eu868:
            return Swift.max(uplink - offset, 0)
        case .us915:
            let table = [[10, 9, 8, 8], [11, 10, 9, 8], [12, 11, 10, 9], [13, 12, 11, 10], [13, 13, 12, 11]]
            return table[Swift.min(Swift.max(uplink, 0), 4)][Swift.min(Swift.max(offset, 0), 3)]
        }
    }

    /// The default RX2 data rate: EU868 DR0 at 869.525 MHz, US915 DR8 at 923.3 MHz (RP002 §2.4.7, §2.5.8).
    /// (The Things Network uses DR3 in EU868; pass it explicitly where that is wanted.)
    public var defaultRX2DataRateIndex: Int {
        switch self {
        case .eu868: 0
        case .us915: 8
        }
    }

    /// The longest a single uplink may occupy a channel, if the region limits it: US915 400 ms (FCC 47 CFR
    /// §15.247(a)(1)(i), RP002 §2.5 dwell time); EU868 has no dwell limit (it has duty cycles instead).
    public var maximumUplinkDwellTime: SimTime? {
        switch self {
        case .eu868: nil
        case .us915: .milliseconds(400)
        }
    }

    /// The PHY settings of a frame at `dataRate`: LoRaWAN's 8-symbol preamble, explicit header, coding rate
    /// 4/5, CRC on uplinks and off on downlinks (LoRaWAN L2 1.0.4 §4: downlinks carry no payload CRC).
    public func phy(_ dataRate: LoRaWANDataRate, direction: LinkDirection) -> LoRaPhy {
        // Every LoRaWAN data rate is SF7…SF12 with an explicit header, which LoRaPhy always accepts.
        try! LoRaPhy(
            spreadingFactor: dataRate.spreadingFactor, bandwidth: dataRate.bandwidth, codingRate: .cr4_5,
            preambleSymbols: LoRaPhy.loRaWANPreambleSymbols, explicitHeader: true, crc: direction == .uplink)
    }

    /// The time on air of one data frame carrying `applicationBytes` at `dataRate`.
    ///
    /// - Precondition: `applicationBytes` ≤ the data rate's maximum application payload.
    public func frameAirtime(applicationBytes: Int, dataRate: LoRaWANDataRate, direction: LinkDirection) -> SimTime {
        precondition(
            (0...dataRate.maximumApplicationPayloadBytes).contains(applicationBytes),
            "a LoRaWAN frame at DR\(dataRate.index) carries at most \(dataRate.maximumApplicationPayloadBytes) bytes")
        return self.phy(dataRate, direction: direction).timeOnAir(
            payloadBytes: applicationBytes + Self.frameOverheadBytes)
    }

    /// The application payload sizes of the frames that carry `bytes` at `dataRate`: full frames of the
    /// data rate's maximum, then the remainder. A zero-byte transfer needs no frame.
    public func fragment(bytes: Int, dataRate: LoRaWANDataRate) -> [Int] {
        precondition(bytes >= 0, "cannot fragment a negative number of bytes")
        let size = dataRate.maximumApplicationPayloadBytes
        let full = bytes / size
        let rest = bytes % size
        return Array(repeating: size, count: full) + (rest > 0 ? [rest] : [])
    }
}
