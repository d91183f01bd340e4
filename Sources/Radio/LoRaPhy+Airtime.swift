// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Time on air, by the formula of the SX1276 datasheet (§4.1.1.7) and Semtech AN1200.13:
///
/// - `Tsym = 2^SF / BW`
/// - `Tpreamble = (n_preamble + 4.25) · Tsym`
/// - `payloadSymbNb = 8 + max(ceil((8·PL − 4·SF + 28 + 16·CRC − 20·IH) / (4·(SF − 2·DE))) · (CR + 4), 0)`
/// - `Tpacket = Tpreamble + payloadSymbNb · Tsym`
///
/// All quantities are integers: at 125, 250 and 500 kHz, `Tsym` is a whole number of microseconds and
/// `Tsym / 4` a whole number of nanoseconds, so every result is exact.
extension LoRaPhy {
    /// The symbol duration `2^SF / BW`, exact.
    @inlinable
    public var symbolDuration: SimTime {
        // 2^SF · 10^9 / BW: 10^9 is divisible by 125 000, so the division is exact for every bandwidth.
        SimTime(
            nanoseconds: (Int64(1) << self.spreadingFactor.rawValue) * (1_000_000_000 / Int64(self.bandwidth.hertz)))
    }

    /// Whether the low-data-rate optimisation is in effect (`DE = 1`) under this configuration's rule.
    @inlinable
    public var lowDataRateOptimizationEnabled: Bool {
        switch self.lowDataRateOptimization {
        case .on: true
        case .off: false
        case .auto: self.symbolDuration > Self.lowDataRateSymbolThreshold
        }
    }

    /// The preamble's duration, `(n_preamble + 4.25) · Tsym`, including sync word and start frame delimiter.
    @inlinable
    public var preambleDuration: SimTime {
        // (n + 4.25) · Tsym = (4n + 17) · Tsym / 4; Tsym in ns is a multiple of 4 at every bandwidth.
        SimTime(nanoseconds: Int64(4 * self.preambleSymbols + 17) * (self.symbolDuration.nanoseconds / 4))
    }

    /// The number of symbols after the preamble (header, payload, CRC), `payloadSymbNb` of the datasheet.
    ///
    /// - Parameter payloadBytes: the PHY payload length `PL` (0…255).
    @inlinable
    public func payloadSymbolCount(payloadBytes: Int) -> Int {
        let sf = self.spreadingFactor.rawValue
        let de = self.lowDataRateOptimizationEnabled ? 1 : 0
        let numerator = 8 * payloadBytes - 4 * sf + 28 + (self.crc ? 16 : 0) - (self.explicitHeader ? 0 : 20)
        let denominator = 4 * (sf - 2 * de)
        // Ceiling division for a positive numerator; a non-positive one contributes no blocks (max(…, 0)).
        let blocks = numerator > 0 ? (numerator + denominator - 1) / denominator : 0
        return 8 + blocks * (self.codingRate.rawValue + 4)
    }

    /// The time on air of one packet, exact to the nanosecond.
    ///
    /// - Parameter payloadBytes: the PHY payload length (for LoRaWAN, the whole PHYPayload: MHDR to MIC).
    /// - Returns: `Tpreamble + payloadSymbNb · Tsym`.
    /// - Precondition: `0 <= payloadBytes <= 255` (use ``validatedTimeOnAir(payloadBytes:)`` for user input).
    @inlinable
    public func timeOnAir(payloadBytes: Int) -> SimTime {
        precondition((0...Self.maximumPayloadBytes).contains(payloadBytes), "LoRa payload must be 0…255 bytes")
        return self.preambleDuration + self.symbolDuration * Int64(self.payloadSymbolCount(payloadBytes: payloadBytes))
    }

    /// The time on air, after checking that the payload fits a LoRa packet.
    ///
    /// - Throws: ``RadioParameterError`` when `payloadBytes` is outside 0…255.
    public func validatedTimeOnAir(payloadBytes: Int) throws(RadioParameterError) -> SimTime {
        guard (0...Self.maximumPayloadBytes).contains(payloadBytes) else {
            throw RadioParameterError(parameter: "payload", value: "\(payloadBytes) bytes", expected: "0…255 bytes")
        }
        return self.timeOnAir(payloadBytes: payloadBytes)
    }

    /// The time on air in whole microseconds (always exact at 125/250/500 kHz).
    @inlinable
    public func timeOnAirMicroseconds(payloadBytes: Int) -> Int64 {
        self.timeOnAir(payloadBytes: payloadBytes).nanoseconds / 1_000
    }
}
