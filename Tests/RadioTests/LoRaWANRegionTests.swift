// SPDX-License-Identifier: GPL-3.0-or-later

import Radio
import SimKernel
import Testing

struct LoRaWANRegionTests {
    @Test func eu868DataRatesMapToSpreadingFactorsAndPayloadLimits() throws {
        let expected: [(SpreadingFactor, LoRaBandwidth, Int)] = [
            (.sf12, .khz125, 51), (.sf11, .khz125, 51), (.sf10, .khz125, 51), (.sf9, .khz125, 115),
            (.sf8, .khz125, 242), (.sf7, .khz125, 242), (.sf7, .khz250, 242),
        ]
        for (index, (sf, bw, n)) in expected.enumerated() {
            let rate = try LoRaWANRegion.eu868.uplinkDataRate(index)
            #expect(rate.spreadingFactor == sf && rate.bandwidth == bw && rate.maximumApplicationPayloadBytes == n)
        }
        #expect(throws: RadioParameterError.self) { try LoRaWANRegion.eu868.uplinkDataRate(7) }
        #expect(throws: RadioParameterError.self) { try LoRaWANRegion.us915.uplinkDataRate(5) }
    }

    /// An independent check of the US915 table: for DR0–DR2 the payload limit is exactly the largest
    /// payload whose uplink fits the 400 ms dwell time, and every uplink DR's largest frame fits it.
    @Test(arguments: 0...4)
    func us915UplinkLimitsAreWhatTheDwellTimeAllows(index: Int) throws {
        let region = LoRaWANRegion.us915
        let rate = try region.uplinkDataRate(index)
        let dwell = try #require(region.maximumUplinkDwellTime)
        let largest = region.frameAirtime(
            applicationBytes: rate.maximumApplicationPayloadBytes, dataRate: rate, direction: .uplink)
        #expect(largest <= dwell)
        if index <= 2 {
            let phy = region.phy(rate, direction: .uplink)
            let oneMore = phy.timeOnAir(payloadBytes: rate.maximumApplicationPayloadBytes + 1 + 13)
            #expect(oneMore > dwell)
        }
    }

    @Test func rx1DataRateFollowsTheRegionalOffsetRules() {
        #expect(LoRaWANRegion.eu868.rx1DataRateIndex(uplink: 5) == 5)
        #expect(LoRaWANRegion.eu868.rx1DataRateIndex(uplink: 1, offset: 3) == 0)
        #expect(LoRaWANRegion.us915.rx1DataRateIndex(uplink: 0) == 10)
        #expect(LoRaWANRegion.us915.rx1DataRateIndex(uplink: 4) == 13)
        #expect(LoRaWANRegion.us915.rx1DataRateIndex(uplink: 2, offset: 2) == 10)
        #expect(LoRaWANRegion.us915.dataRate(LoRaWANRegion.us915.defaultRX2DataRateIndex)?.spreadingFactor == .sf12)
    }

    @Test func downlinksOmitThePayloadCRC() throws {
        let region = LoRaWANRegion.eu868
        let rate = try region.uplinkDataRate(5)
        #expect(region.phy(rate, direction: .uplink).crc)
        #expect(!region.phy(rate, direction: .downlink).crc)
        // 13 + 10 = 23 bytes at SF7/125: uplink 8·23−28+28+16 = 200 → 8 blocks; downlink 184 → 7 blocks.
        let up = region.frameAirtime(applicationBytes: 10, dataRate: rate, direction: .uplink)
        let down = region.frameAirtime(applicationBytes: 10, dataRate: rate, direction: .downlink)
        #expect(up - down == .microseconds(5 * 1_024))
    }

    @Test(arguments: [
        (0, 0, 0), (51, 0, 1), (52, 0, 2), (1_000, 0, 20), (1_000, 5, 5), (10_000, 5, 42), (242, 6, 1),
    ])
    func fragmentationCoversTheUpdateWithFramesThatFit(bytes: Int, dataRate: Int, frames: Int) throws {
        let rate = try LoRaWANRegion.eu868.uplinkDataRate(dataRate)
        let parts = LoRaWANRegion.eu868.fragment(bytes: bytes, dataRate: rate)
        #expect(parts.count == frames)
        #expect(parts.reduce(0, +) == bytes)
        #expect(parts.allSatisfy { $0 > 0 && $0 <= rate.maximumApplicationPayloadBytes })
    }
}

struct DutyCycleTests {
    @Test func offTimeAfterAFrameIsAirtimeTimesNMinusOne() {
        var limiter = DutyCycleLimiter(subBands: SubBand.eu868)
        let g1 = 1  // 1 %
        let airtime = SimTime.microseconds(41_216)
        limiter.record(subBand: g1, start: .zero, airtime: airtime)
        #expect(limiter.earliestStart(subBand: g1, notBefore: .zero) == airtime * 100)
        #expect(limiter.earliestStart(subBand: g1, notBefore: .zero) - airtime == airtime * 99)
        // Other sub-bands are unaffected.
        #expect(limiter.earliestStart(subBand: 3, notBefore: .zero) == .zero)
        // g2 is 0.1 %, g3 10 %.
        limiter.record(subBand: 2, start: .zero, airtime: airtime)
        limiter.record(subBand: 3, start: .zero, airtime: airtime)
        #expect(limiter.earliestStart(subBand: 2, notBefore: .zero) == airtime * 1_000)
        #expect(limiter.earliestStart(subBand: 3, notBefore: .zero) == airtime * 10)
    }

    @Test(arguments: [Int64(100), 1_000, 10])
    func backToBackFramesNeverExceedTheDutyCycle(denominator: Int64) {
        let band = SubBand(name: "test", lowerHertz: 0, upperHertz: 1, dutyCycleDenominator: denominator)
        var limiter = DutyCycleLimiter(subBands: [band])
        var time = SimTime.zero
        var busy = SimTime.zero
        for frame in 0..<200 {
            let airtime = SimTime.microseconds(Int64(40_000 + 997 * frame))
            let start = limiter.earliestStart(subBand: 0, notBefore: time)
            limiter.record(subBand: 0, start: start, airtime: airtime)
            busy = busy + airtime
            time = start + airtime
            // Share of time spent transmitting up to the end of this frame's off period.
            let horizon = limiter.earliestStart(subBand: 0, notBefore: time)
            #expect(busy.nanoseconds * denominator == horizon.nanoseconds)
        }
    }

    @Test func eu868ChannelsLieInTheirSubBands() {
        #expect(SubBand.eu868(containing: 868_100_000)?.name == "g1")
        #expect(SubBand.eu868(containing: 869_525_000)?.name == "g3")
        #expect(SubBand.eu868(containing: 869_525_000)?.dutyCycleDenominator == 10)
        #expect(SubBand.eu868(containing: 902_300_000) == nil)
    }

    @Test func fairUseLedgerDefersUplinksToTheNextDayAndCountsDownlinks() {
        var ledger = FairUseLedger(policy: .theThingsNetwork)
        let airtime = SimTime.milliseconds(991)  // ≈ one SF12 frame
        var time = SimTime.zero
        var sent = 0
        while let start = ledger.earliestUplink(airtime: airtime, notBefore: time), start < .milliseconds(86_400_000) {
            ledger.recordUplink(airtime: airtime, at: start)
            sent += 1
            time = start + airtime
        }
        #expect(sent == 30)  // 30 × 991 ms ≤ 30 s < 31 × 991 ms
        #expect(ledger.earliestUplink(airtime: airtime, notBefore: time) == .milliseconds(86_400_000))
        for _ in 0..<10 {
            #expect(ledger.allowsDownlink(at: .milliseconds(1_000)))
            ledger.recordDownlink(at: .milliseconds(1_000))
        }
        #expect(!ledger.allowsDownlink(at: .milliseconds(2_000)))
        #expect(ledger.allowsDownlink(at: .milliseconds(86_400_000)))
        #expect(ledger.earliestUplink(airtime: .milliseconds(31_000), notBefore: .zero) == nil)
    }
}
