// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A LoRa spreading factor: each symbol carries `rawValue` bits and lasts 2^SF / BW seconds.
public enum SpreadingFactor: Int, CaseIterable, Comparable, Hashable, Sendable {
    /// SF6: SX1276 only, implicit header mode only (SX1276 datasheet §4.1.1.2).
    case sf6 = 6
    /// SF7.
    case sf7 = 7
    /// SF8.
    case sf8 = 8
    /// SF9.
    case sf9 = 9
    /// SF10.
    case sf10 = 10
    /// SF11.
    case sf11 = 11
    /// SF12.
    case sf12 = 12

    /// Creates the spreading factor `value` (6…12).
    ///
    /// - Throws: ``RadioParameterError`` for any other value.
    public init(validating value: Int) throws(RadioParameterError) {
        guard let sf = SpreadingFactor(rawValue: value) else {
            throw RadioParameterError(parameter: "spreading factor", value: String(value), expected: "6…12")
        }
        self = sf
    }

    public static func < (lhs: SpreadingFactor, rhs: SpreadingFactor) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A LoRa channel bandwidth. Its raw value is in hertz.
public enum LoRaBandwidth: Int, CaseIterable, Hashable, Sendable {
    /// 125 kHz, the LoRaWAN default.
    case khz125 = 125_000
    /// 250 kHz (EU868 DR6).
    case khz250 = 250_000
    /// 500 kHz (US915 DR4 and downlink DR8–13).
    case khz500 = 500_000

    /// The bandwidth in hertz.
    public var hertz: Int { self.rawValue }

    /// Creates the bandwidth given in kilohertz (125, 250 or 500).
    ///
    /// - Throws: ``RadioParameterError`` for any other value.
    public init(validatingKilohertz kilohertz: Int) throws(RadioParameterError) {
        guard let bw = LoRaBandwidth(rawValue: kilohertz &* 1_000) else {
            throw RadioParameterError(
                parameter: "bandwidth", value: "\(kilohertz) kHz", expected: "125, 250 or 500 kHz")
        }
        self = bw
    }
}

/// A LoRa forward-error-correction coding rate 4/(4 + CR). The raw value is `CR` of the datasheet's
/// time-on-air formula (1 for 4/5 … 4 for 4/8).
public enum LoRaCodingRate: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 4/5, the LoRaWAN rate.
    case cr4_5 = 1
    /// 4/6.
    case cr4_6 = 2
    /// 4/7.
    case cr4_7 = 3
    /// 4/8.
    case cr4_8 = 4

    /// The denominator: 5, 6, 7 or 8.
    public var denominator: Int { self.rawValue &+ 4 }

    /// Creates the rate 4/`denominator` (denominator 5…8).
    ///
    /// - Throws: ``RadioParameterError`` for any other denominator.
    public init(validatingDenominator denominator: Int) throws(RadioParameterError) {
        guard let cr = LoRaCodingRate(rawValue: denominator &- 4) else {
            throw RadioParameterError(
                parameter: "coding rate", value: "4/\(denominator)", expected: "4/5, 4/6, 4/7 or 4/8")
        }
        self = cr
    }

    public var description: String { "4/\(self.denominator)" }
}

/// Whether the low-data-rate optimisation (LDRO, `DE` in the time-on-air formula) is used.
public enum LowDataRateOptimization: String, CaseIterable, Hashable, Sendable {
    /// On when the symbol lasts longer than 16 ms, as the SX1276 datasheet (§4.1.1.6) mandates and ns-3's
    /// LoRaWAN module does: SF11 and SF12 at 125 kHz, SF12 at 250 kHz.
    case auto
    /// Always on.
    case on
    /// Always off.
    case off
}

/// The settings of one LoRa transmission that determine its time on air.
///
/// Build one with ``init(spreadingFactor:bandwidth:codingRate:preambleSymbols:explicitHeader:crc:lowDataRateOptimization:)``,
/// which rejects combinations the SX127x cannot transmit, then ask for ``timeOnAir(payloadBytes:)``.
@frozen
public struct LoRaPhy: Hashable, Sendable {
    /// Programmed preamble length range of the SX1276 (`RegPreambleMsb/Lsb`, datasheet §4.1.1.6):
    /// 6…65535 symbols; the modem adds 4.25 symbols of sync word and start frame delimiter.
    public static let preambleSymbolRange = 6...65_535
    /// The LoRaWAN preamble length (8 symbols, LoRaWAN RP002 §2 "Regional parameters", all regions).
    public static let loRaWANPreambleSymbols = 8
    /// Largest LoRa payload of the SX127x, bounded by its 8-bit `RegPayloadLength` and 256-byte FIFO.
    public static let maximumPayloadBytes = 255
    /// LDRO is mandated when the symbol time exceeds 16 ms (SX1276 datasheet §4.1.1.6).
    public static let lowDataRateSymbolThreshold = SimTime.milliseconds(16)

    /// The spreading factor.
    public var spreadingFactor: SpreadingFactor
    /// The channel bandwidth.
    public var bandwidth: LoRaBandwidth
    /// The coding rate.
    public var codingRate: LoRaCodingRate
    /// Programmed preamble symbols (the `n_preamble` of the formula).
    public var preambleSymbols: Int
    /// Whether the explicit PHY header is sent (`IH = 0`).
    public var explicitHeader: Bool
    /// Whether the payload CRC is sent (`CRC = 1`). LoRaWAN uplinks carry it, downlinks do not.
    public var crc: Bool
    /// The low-data-rate optimisation rule.
    public var lowDataRateOptimization: LowDataRateOptimization

    /// Creates a validated PHY configuration.
    ///
    /// - Parameters:
    ///   - spreadingFactor: SF6…SF12; SF6 requires `explicitHeader == false`.
    ///   - bandwidth: 125, 250 or 500 kHz.
    ///   - codingRate: 4/5…4/8.
    ///   - preambleSymbols: programmed preamble length, 6…65535 (LoRaWAN uses 8).
    ///   - explicitHeader: whether the PHY header is sent.
    ///   - crc: whether the payload CRC is sent.
    ///   - lowDataRateOptimization: the LDRO rule.
    /// - Throws: ``RadioParameterError`` when SF6 is asked for with an explicit header, or the preamble is out of range.
    public init(
        spreadingFactor: SpreadingFactor,
        bandwidth: LoRaBandwidth,
        codingRate: LoRaCodingRate = .cr4_5,
        preambleSymbols: Int = LoRaPhy.loRaWANPreambleSymbols,
        explicitHeader: Bool = true,
        crc: Bool = true,
        lowDataRateOptimization: LowDataRateOptimization = .auto
    ) throws(RadioParameterError) {
        if spreadingFactor == .sf6 && explicitHeader {
            throw RadioParameterError(
                parameter: "spreading factor", value: "6 with an explicit header",
                expected: "implicit header mode at SF6 (SX1276 datasheet §4.1.1.2)")
        }
        guard Self.preambleSymbolRange.contains(preambleSymbols) else {
            throw RadioParameterError(
                parameter: "preamble", value: "\(preambleSymbols) symbols", expected: "6…65535 symbols")
        }
        self.spreadingFactor = spreadingFactor
        self.bandwidth = bandwidth
        self.codingRate = codingRate
        self.preambleSymbols = preambleSymbols
        self.explicitHeader = explicitHeader
        self.crc = crc
        self.lowDataRateOptimization = lowDataRateOptimization
    }
}
