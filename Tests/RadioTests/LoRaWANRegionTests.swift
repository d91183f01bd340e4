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
    /// Indices into ``SubBand/eu868``.
    static let h15 = 2  // 868.0–868.6 MHz, 1 %
    static let h16 = 3  // 868.7–869.2 MHz, 0.1 %
    static let h17 = 4  // 869.4–869.65 MHz, 10 %

    @Test func perFrameOffTimeAfterAFrameIsAirtimeTimesNMinusOne() throws {
        var limiter = DutyCycleLimiter(subBands: SubBand.eu868, rule: .perFrame)
        let airtime = SimTime.microseconds(41_216)
        func opening(_ band: Int) throws -> SimTime {
            try #require(limiter.earliestStart(subBand: band, airtime: airtime, notBefore: .zero))
        }
        limiter.record(subBand: Self.h15, start: .zero, airtime: airtime)
        #expect(try opening(Self.h15) == airtime * 100)
        #expect(try opening(Self.h15) - airtime == airtime * 99)
        // Other sub-bands are unaffected.
        #expect(try opening(Self.h17) == .zero)
        limiter.record(subBand: Self.h16, start: .zero, airtime: airtime)
        limiter.record(subBand: Self.h17, start: .zero, airtime: airtime)
        #expect(try opening(Self.h16) == airtime * 1_000)
        #expect(try opening(Self.h17) == airtime * 10)
    }

    @Test(arguments: [Int64(100), 1_000, 10])
    func perFrameBackToBackFramesNeverExceedTheDutyCycle(denominator: Int64) throws {
        let band = SubBand(name: "test", lowerHertz: 0, upperHertz: 1, dutyCycleDenominator: denominator)
        var limiter = DutyCycleLimiter(subBands: [band], rule: .perFrame)
        var time = SimTime.zero
        var busy = SimTime.zero
        for frame in 0..<200 {
            let airtime = SimTime.microseconds(Int64(40_000 + 997 * frame))
            let start = try #require(limiter.earliestStart(subBand: 0, airtime: airtime, notBefore: time))
            limiter.record(subBand: 0, start: start, airtime: airtime)
            busy = busy + airtime
            time = start + airtime
            // Share of time spent transmitting up to the end of this frame's off period.
            let horizon = try #require(limiter.earliestStart(subBand: 0, airtime: airtime, notBefore: time))
            #expect(busy.nanoseconds * denominator == horizon.nanoseconds)
        }
    }

    /// The longest airtime ``saturate(rule:denominator:hours:)`` uses.
    static let longestAirtime = SimTime.microseconds(1_500_000)

    /// A sender that always has a frame ready, under either rule, for `hours` of simulated time: the airtime
    /// it got through, and the span.
    static func saturate(
        rule: DutyCycleRule, denominator: Int64, hours: Int64
    ) throws -> (airtime: SimTime, span: SimTime) {
        let band = SubBand(name: "test", lowerHertz: 0, upperHertz: 1, dutyCycleDenominator: denominator)
        var limiter = DutyCycleLimiter(subBands: [band], rule: rule)
        let span = SimTime.seconds(3_600 * hours)
        var time = SimTime.zero
        var busy = SimTime.zero
        var frame: Int64 = 0
        while true {
            // Airtimes between 41 ms and 1.5 s (``longestAirtime``), as DR5…DR0 frames are.
            let airtime = SimTime.microseconds(41_216 + (frame * 7_919) % 1_458_784)
            let start = try #require(limiter.earliestStart(subBand: 0, airtime: airtime, notBefore: time))
            guard start + airtime <= span else { break }
            limiter.record(subBand: 0, start: start, airtime: airtime)
            busy = busy + airtime
            time = start + airtime
            frame += 1
        }
        return (busy, span)
    }

    @Test(arguments: [Int64(100), 1_000, 10])
    func aSaturatingSenderStaysWithinOneNthOverManyHoursUnderBothRules(denominator: Int64) throws {
        let hours: Int64 = 200
        let perFrame = try Self.saturate(rule: .perFrame, denominator: denominator, hours: hours)
        let window = try Self.saturate(rule: .window, denominator: denominator, hours: hours)
        // Per frame: every frame but the last is followed by (N − 1) × its airtime of silence inside the span,
        // so N × airtime ≤ span + (N − 1) × the longest frame.
        #expect(
            perFrame.airtime.nanoseconds * denominator
                <= perFrame.span.nanoseconds + (denominator - 1) * Self.longestAirtime.nanoseconds)
        // Window: the credit spent (N × airtime) is at most the start-up hour plus the time elapsed.
        #expect(
            window.airtime.nanoseconds * denominator
                <= window.span.nanoseconds + DutyCycleLimiter.observationPeriod.nanoseconds)
        // The long-run share of both approaches 1/N from below (within the start-up hour and one frame).
        for run in [perFrame, window] {
            let share = Double(run.airtime.nanoseconds) / Double(run.span.nanoseconds)
            #expect(share <= (1.0 + 1.0 / Double(hours)) / Double(denominator))
            #expect(share >= 0.97 / Double(denominator))
        }
    }

    @Test func theWindowRuleSendsABurstWithinTheHourlyBudgetBackToBack() throws {
        var limiter = DutyCycleLimiter(subBands: SubBand.eu868)
        // 36 s of airtime is the hourly budget at 1 %: 90 frames of 0.4 s fit, the 91st must wait for credit.
        let airtime = SimTime.milliseconds(400)
        var time = SimTime.zero
        for _ in 0..<90 {
            #expect(limiter.earliestStart(subBand: Self.h15, airtime: airtime, notBefore: time) == time)
            limiter.record(subBand: Self.h15, start: time, airtime: airtime)
            time = time + airtime
        }
        // Each 0.4 s frame costs 100 × 0.4 s = 40 s of credit. At 36 s the credit is
        // 3600 s − 90 × 40 s + 36 s (refilled) = 36 s, so the next frame waits 4 s for the missing 4 s.
        #expect(
            limiter.earliestStart(subBand: Self.h15, airtime: airtime, notBefore: time) == time + .seconds(4 as Int64))
        // A frame costing more than the whole hour can never be sent (0.1 %: airtime above 3.6 s).
        #expect(limiter.earliestStart(subBand: Self.h16, airtime: .milliseconds(3_601), notBefore: .zero) == nil)
        #expect(limiter.earliestStart(subBand: Self.h16, airtime: .milliseconds(3_600), notBefore: .zero) == .zero)
    }

    @Test func eu868SubBandsFollowERCRecommendation7003() {
        // Annex 1: h1.3 863–865 MHz 0.1 %, h1.4 865–868 MHz 1 %, h1.5 868.0–868.6 MHz 1 %,
        // h1.6 868.7–869.2 MHz 0.1 %, h1.7 869.4–869.65 MHz 10 %, h1.8 869.7–870 MHz 1 %.
        let expected: [(Int, String, Int64)] = [
            (864_000_000, "h1.3", 1_000), (866_000_000, "h1.4", 100), (868_100_000, "h1.5", 100),
            (868_800_000, "h1.6", 1_000), (869_525_000, "h1.7", 10), (869_800_000, "h1.8", 100),
        ]
        for (hertz, name, denominator) in expected {
            #expect(SubBand.eu868(containing: hertz)?.name == name)
            #expect(SubBand.eu868(containing: hertz)?.dutyCycleDenominator == denominator)
        }
        #expect(SubBand.eu868(containing: 868_650_000) == nil)
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
