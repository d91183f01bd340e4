// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A band of spectrum with a transmit duty-cycle limit of 1/`dutyCycleDenominator`.
@frozen
public struct SubBand: Hashable, Sendable {
    /// The name used in LoRaWAN practice (g, g1, …).
    public var name: String
    /// Lowest frequency in hertz (inclusive).
    public var lowerHertz: Int
    /// Highest frequency in hertz (exclusive).
    public var upperHertz: Int
    /// The duty cycle is 1 / this: 1000 for 0.1 %, 100 for 1 %, 10 for 10 %.
    public var dutyCycleDenominator: Int64

    /// Creates a sub-band.
    public init(name: String, lowerHertz: Int, upperHertz: Int, dutyCycleDenominator: Int64) {
        self.name = name
        self.lowerHertz = lowerHertz
        self.upperHertz = upperHertz
        self.dutyCycleDenominator = dutyCycleDenominator
    }

    /// The EU868 sub-bands for non-specific short-range devices at up to 25 mW e.r.p., as ERC
    /// Recommendation 70-03 Annex 1 lists them (and ETSI EN 300 220-2 applies them), named by their
    /// Annex 1 band: h1.3 863–865 MHz 0.1 %, h1.4 865–868 MHz 1 %, h1.5 868.0–868.6 MHz 1 %,
    /// h1.6 868.7–869.2 MHz 0.1 %, h1.7 869.4–869.65 MHz 10 % (500 mW), h1.8 869.7–870 MHz 1 %.
    /// LoRaMac-node's `RegionEU868` maps frequencies to its bands the same way (863–865 MHz to its
    /// 0.1 % band). The three default LoRaWAN channels (868.1/868.3/868.5 MHz) lie in h1.5; the RX2
    /// channel (869.525 MHz) in h1.7. (The often quoted "g 863–868 MHz 1 %" merges h1.3 into h1.4.)
    public static let eu868: [SubBand] = [
        SubBand(name: "h1.3", lowerHertz: 863_000_000, upperHertz: 865_000_000, dutyCycleDenominator: 1_000),
        SubBand(name: "h1.4", lowerHertz: 865_000_000, upperHertz: 868_000_000, dutyCycleDenominator: 100),
        SubBand(name: "h1.5", lowerHertz: 868_000_000, upperHertz: 868_600_000, dutyCycleDenominator: 100),
        SubBand(name: "h1.6", lowerHertz: 868_700_000, upperHertz: 869_200_000, dutyCycleDenominator: 1_000),
        SubBand(name: "h1.7", lowerHertz: 869_400_000, upperHertz: 869_650_000, dutyCycleDenominator: 10),
        SubBand(name: "h1.8", lowerHertz: 869_700_000, upperHertz: 870_000_000, dutyCycleDenominator: 100),
    ]

    /// The EU868 sub-band containing `hertz`, if any.
    ///
    /// - Parameter hertz: a centre frequency.
    /// - Returns: The sub-band, or `nil` outside every EU868 sub-band.
    public static func eu868(containing hertz: Int) -> SubBand? {
        self.eu868.first { $0.lowerHertz <= hertz && hertz < $0.upperHertz }
    }
}

/// How a transmitter's duty cycle is accounted.
public enum DutyCycleRule: String, CaseIterable, Hashable, Sendable {
    /// Over the regulatory observation window: ETSI EN 300 220 measures duty cycle over one hour, and
    /// LoRaMac-node (`RegionCommon.c`, `UpdateTimeCredits` / `RegionCommonSetBandTxDone`) enforces it with
    /// time credits per band. Each sub-band of duty cycle 1/N holds credit for up to one hour's budget,
    /// `3600 s / N` of airtime; the credit refills continuously at `1/N` of elapsed time; a frame may start
    /// when the band holds at least its airtime and then spends it. A burst within the hourly budget goes
    /// out back to back.
    case window
    /// Per frame: a frame of airtime `t` closes its sub-band for `t · (N − 1)` after it ends (LoRaMac-node's
    /// older band time-off rule, `RegionCommonCalcBackOff`).
    case perFrame = "per-frame"
}

/// The duty-cycle state of one transmitter over a set of sub-bands.
///
/// Under ``DutyCycleRule/window`` (the default) each sub-band of duty cycle `1/N` keeps a credit counted
/// like LoRaMac-node's `TimeCredits`: in nanoseconds of observation time, at most
/// ``observationPeriod`` (one hour, LoRaMac-node's `DUTY_CYCLE_TIME_PERIOD`), growing one for one with
/// elapsed time; a frame of airtime `t` costs `t · N` and may start when the credit covers it. The
/// start-up budget is a full hour's credit, as LoRaMac-node assigns `MaxTimeCredits` on a band's first
/// use. Over any span `T` the airtime sent in a sub-band is therefore at most `(T + 1 h) / N`, so the
/// long-run share stays at or below `1/N` (within one hour a full bucket plus its refill allows up to
/// twice the hourly budget, as in LoRaMac-node). A frame whose cost exceeds the whole bucket (airtime over
/// `1 h / N`) can never be sent.
///
/// Under ``DutyCycleRule/perFrame`` a frame of airtime `t` closes its sub-band for `t · (N − 1)` after it
/// ends, so the next frame there may start `t · N` after this one started.
///
/// All arithmetic is integer nanoseconds. Bookings out of time order (a gateway planning downlinks for
/// several devices) draw on the credit as it stands after the latest booking, which never allows more.
public struct DutyCycleLimiter: Hashable, Sendable {
    /// The regulatory observation period: one hour (ETSI EN 300 220; LoRaMac-node's
    /// `DUTY_CYCLE_TIME_PERIOD`, 3 600 000 ms).
    public static let observationPeriod = SimTime.seconds(3_600 as Int64)

    /// The sub-bands tracked, by index.
    public let subBands: [SubBand]
    /// The accounting rule.
    public let rule: DutyCycleRule
    /// Per-frame rule: when each sub-band opens again.
    private var openAt: [SimTime]
    /// Window rule: each sub-band's credit (observation time, ≤ ``observationPeriod``) at ``creditTime``.
    private var credit: [SimTime]
    /// Window rule: when each credit was last brought up to date.
    private var creditTime: [SimTime]

    /// Creates a limiter with every sub-band open (a full credit) at time zero.
    ///
    /// - Parameters:
    ///   - subBands: the sub-bands to track.
    ///   - rule: how to account the duty cycle (``DutyCycleRule/window`` by default).
    public init(subBands: [SubBand], rule: DutyCycleRule = .window) {
        self.subBands = subBands
        self.rule = rule
        self.openAt = Array(repeating: .zero, count: subBands.count)
        self.credit = Array(repeating: Self.observationPeriod, count: subBands.count)
        self.creditTime = Array(repeating: .zero, count: subBands.count)
    }

    /// The credit a frame of `airtime` costs in sub-band `index`: `airtime · N`.
    private func cost(subBand index: Int, airtime: SimTime) -> SimTime {
        airtime * self.subBands[index].dutyCycleDenominator
    }

    /// The credit of sub-band `index` at `time` (not before its last update; earlier times see that).
    private func credit(subBand index: Int, at time: SimTime) -> SimTime {
        let elapsed = Swift.max(.zero, time - self.creditTime[index])
        return Swift.min(Self.observationPeriod, self.credit[index] + elapsed)
    }

    /// The earliest time at or after `time` at which a frame of `airtime` may start in sub-band `index`.
    ///
    /// - Parameters:
    ///   - index: the sub-band's index in ``subBands``.
    ///   - airtime: the frame's time on air (the window rule needs it; the per-frame rule does not).
    ///   - time: the earliest time the transmitter wants.
    /// - Returns: The start time, or `nil` when the frame costs more than a whole observation period's
    ///   credit and can never be sent under the window rule.
    public func earliestStart(subBand index: Int, airtime: SimTime, notBefore time: SimTime) -> SimTime? {
        switch self.rule {
        case .perFrame:
            return Swift.max(time, self.openAt[index])
        case .window:
            let cost = self.cost(subBand: index, airtime: airtime)
            guard cost <= Self.observationPeriod else { return nil }
            let from = Swift.max(time, self.creditTime[index])
            let available = self.credit(subBand: index, at: from)
            if available >= cost { return time }
            return from + (cost - available)
        }
    }

    /// The off time that follows a frame of `airtime` in sub-band `index` under the per-frame rule:
    /// `airtime · (N − 1)`.
    ///
    /// - Returns: The off time.
    @inlinable
    public func offTime(subBand index: Int, airtime: SimTime) -> SimTime {
        airtime * (self.subBands[index].dutyCycleDenominator - 1)
    }

    /// Records a frame `[start, start + airtime)` in sub-band `index`.
    ///
    /// - Precondition: ``earliestStart(subBand:airtime:notBefore:)`` allows the frame at `start`.
    public mutating func record(subBand index: Int, start: SimTime, airtime: SimTime) {
        precondition(
            self.earliestStart(subBand: index, airtime: airtime, notBefore: start) == start,
            "transmission in a sub-band that is closed by its duty cycle")
        switch self.rule {
        case .perFrame:
            self.openAt[index] = start + airtime + self.offTime(subBand: index, airtime: airtime)
        case .window:
            let now = Swift.max(start, self.creditTime[index])
            self.credit[index] = self.credit(subBand: index, at: now) - self.cost(subBand: index, airtime: airtime)
            self.creditTime[index] = now
        }
    }
}

/// An operator's fair-use policy on top of the regulator's duty cycle, counted per calendar day of
/// simulated time (day `k` = `[k·24 h, (k+1)·24 h)`).
///
/// The Things Network's fair-use policy allows 30 s of uplink airtime and 10 downlink messages
/// (acknowledgements included) per device per 24 hours.
public struct FairUsePolicy: Hashable, Sendable {
    /// Uplink airtime allowed per device per day.
    public var uplinkAirtimePerDay: SimTime
    /// Downlink messages allowed per device per day.
    public var downlinksPerDay: Int

    /// Creates a policy.
    public init(uplinkAirtimePerDay: SimTime, downlinksPerDay: Int) {
        self.uplinkAirtimePerDay = uplinkAirtimePerDay
        self.downlinksPerDay = downlinksPerDay
    }

    /// The Things Network's published limits: 30 s uplink airtime and 10 downlinks per day.
    public static let theThingsNetwork = FairUsePolicy(uplinkAirtimePerDay: .milliseconds(30_000), downlinksPerDay: 10)
}

/// One device's use of its fair-use allowance.
public struct FairUseLedger: Hashable, Sendable {
    /// The policy enforced.
    public let policy: FairUsePolicy
    private var day: Int64 = 0
    private var uplinkAirtime: SimTime = .zero
    private var downlinks: Int = 0

    /// Creates an empty ledger.
    public init(policy: FairUsePolicy) { self.policy = policy }

    private static func day(of time: SimTime) -> Int64 { time.nanoseconds / SimTime.Unit.day.rawValue }

    private mutating func roll(to time: SimTime) {
        let day = Self.day(of: time)
        if day != self.day {
            self.day = day
            self.uplinkAirtime = .zero
            self.downlinks = 0
        }
    }

    /// The earliest time at or after `time` when an uplink of `airtime` fits the allowance: `time` itself,
    /// or the start of the next day; `nil` when a single frame exceeds a whole day's allowance.
    public func earliestUplink(airtime: SimTime, notBefore time: SimTime) -> SimTime? {
        guard airtime <= self.policy.uplinkAirtimePerDay else { return nil }
        var current = self
        current.roll(to: time)
        if current.uplinkAirtime + airtime <= self.policy.uplinkAirtimePerDay { return time }
        return SimTime(nanoseconds: (current.day + 1) * SimTime.Unit.day.rawValue)
    }

    /// Records an uplink at `time`.
    public mutating func recordUplink(airtime: SimTime, at time: SimTime) {
        self.roll(to: time)
        self.uplinkAirtime = self.uplinkAirtime + airtime
    }

    /// Whether a downlink may be sent at `time`.
    public func allowsDownlink(at time: SimTime) -> Bool {
        var current = self
        current.roll(to: time)
        return current.downlinks < self.policy.downlinksPerDay
    }

    /// Records a downlink at `time`.
    public mutating func recordDownlink(at time: SimTime) {
        self.roll(to: time)
        self.downlinks += 1
    }
}
