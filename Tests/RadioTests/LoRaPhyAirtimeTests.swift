// SPDX-License-Identifier: GPL-3.0-or-later

import Radio
import SimKernel
import Testing

struct LoRaPhyAirtimeTests {
    /// Published values (Semtech LoRa Calculator / AN1200.13 formula), explicit header, CRC on, preamble 8,
    /// LDRO automatic.
    @Test(arguments: [
        (7, 125, 5, 10, Int64(41_216)),
        (8, 125, 5, 10, 72_192),
        (12, 125, 5, 10, 991_232),
        (12, 125, 6, 50, 2_629_632),
        (7, 250, 5, 10, 20_608),
    ])
    func airtimeMatchesPublishedSemtechValues(sf: Int, kilohertz: Int, cr: Int, payload: Int, microseconds: Int64)
        throws
    {
        let phy = try LoRaPhy(
            spreadingFactor: SpreadingFactor(validating: sf), bandwidth: LoRaBandwidth(validatingKilohertz: kilohertz),
            codingRate: LoRaCodingRate(validatingDenominator: cr))
        #expect(phy.timeOnAirMicroseconds(payloadBytes: payload) == microseconds)
        #expect(phy.timeOnAir(payloadBytes: payload) == .microseconds(microseconds))
    }

    /// Values worked by hand from the datasheet formula, covering SF6 implicit header, 500 kHz, no CRC,
    /// forced LDRO and a long preamble.
    @Test func airtimeFollowsFormulaForHeaderCRCAndLowDataRateSwitches() throws {
        // SF6/125 implicit, CR 4/5, PL 10, CRC on: Tsym 512 µs; 8·10−24+28+16−20 = 80 → ceil(80/24)=4 → 8+20=28.
        let sf6 = try LoRaPhy(spreadingFactor: .sf6, bandwidth: .khz125, explicitHeader: false)
        #expect(sf6.payloadSymbolCount(payloadBytes: 10) == 28)
        #expect(sf6.timeOnAirMicroseconds(payloadBytes: 10) == 512 * 12 + 128 + 512 * 28)
        // SF9/500 no CRC, PL 20, CR 4/8: Tsym 1024 µs; 160−36+28 = 152 → ceil(152/36)=5 → 8+40=48 symbols.
        let sf9 = try LoRaPhy(spreadingFactor: .sf9, bandwidth: .khz500, codingRate: .cr4_8, crc: false)
        #expect(sf9.timeOnAirMicroseconds(payloadBytes: 20) == 1_024 * 48 + 12_544)
        // SF10/125 with LDRO forced on: DE=1 → 4·(10−2)=32; PL 10: 80−40+28+16 = 84 → ceil = 3 → 8+15 = 23.
        let forced = try LoRaPhy(spreadingFactor: .sf10, bandwidth: .khz125, lowDataRateOptimization: .on)
        #expect(forced.payloadSymbolCount(payloadBytes: 10) == 23)
        // Same with LDRO off at SF12: 76/48 → 2 blocks → 18 symbols, as the SX1276 would without DE.
        let off = try LoRaPhy(spreadingFactor: .sf12, bandwidth: .khz125, lowDataRateOptimization: .off)
        #expect(off.payloadSymbolCount(payloadBytes: 10) == 18)
        // Preamble 16 at SF7/125: (16 + 4.25) · 1.024 ms = 20.736 ms.
        let long = try LoRaPhy(spreadingFactor: .sf7, bandwidth: .khz125, preambleSymbols: 16)
        #expect(long.preambleDuration == .microseconds(20_736))
    }

    @Test func emptyPayloadStillHasEightSymbolsAfterThePreamble() throws {
        let phy = try LoRaPhy(spreadingFactor: .sf12, bandwidth: .khz125, crc: false)
        // 0 − 48 + 28 = −20: the max(…, 0) clamps to no payload blocks.
        #expect(phy.payloadSymbolCount(payloadBytes: 0) == 8)
    }

    @Test(arguments: [
        (SpreadingFactor.sf10, LoRaBandwidth.khz125, false),
        (.sf11, .khz125, true),
        (.sf12, .khz125, true),
        (.sf11, .khz250, false),
        (.sf12, .khz250, true),
        (.sf12, .khz500, false),
    ])
    func automaticLowDataRateOptimizationTurnsOnAboveSixteenMillisecondSymbols(
        sf: SpreadingFactor, bandwidth: LoRaBandwidth, expected: Bool
    ) throws {
        let phy = try LoRaPhy(spreadingFactor: sf, bandwidth: bandwidth)
        #expect(phy.lowDataRateOptimizationEnabled == expected)
        #expect((phy.symbolDuration > .milliseconds(16)) == expected)
    }

    @Test func airtimeGrowsMonotonicallyWithPayloadAndSpreadingFactor() throws {
        for bandwidth in LoRaBandwidth.allCases {
            var previousSF = SimTime.zero
            for sf in SpreadingFactor.allCases where sf != .sf6 {
                let phy = try LoRaPhy(spreadingFactor: sf, bandwidth: bandwidth)
                var previous = SimTime.zero
                for payload in 0...LoRaPhy.maximumPayloadBytes {
                    let airtime = phy.timeOnAir(payloadBytes: payload)
                    #expect(airtime >= previous)
                    #expect(airtime.nanoseconds % 1_000 == 0, "LoRa airtimes are whole microseconds")
                    previous = airtime
                }
                #expect(phy.timeOnAir(payloadBytes: 51) > previousSF)
                previousSF = phy.timeOnAir(payloadBytes: 51)
            }
        }
    }

    @Test func rejectsParametersTheRadioCannotUse() {
        #expect(throws: RadioParameterError.self) { try LoRaPhy(spreadingFactor: .sf6, bandwidth: .khz125) }
        #expect(throws: RadioParameterError.self) {
            try LoRaPhy(spreadingFactor: .sf7, bandwidth: .khz125, preambleSymbols: 5)
        }
        #expect(throws: RadioParameterError.self) { try SpreadingFactor(validating: 13) }
        #expect(throws: RadioParameterError.self) { try LoRaBandwidth(validatingKilohertz: 200) }
        #expect(throws: RadioParameterError.self) { try LoRaCodingRate(validatingDenominator: 9) }
        #expect(throws: RadioParameterError.self) {
            try LoRaPhy(spreadingFactor: .sf7, bandwidth: .khz125).validatedTimeOnAir(payloadBytes: 256)
        }
    }
}
