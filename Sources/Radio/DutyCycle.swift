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

    /// The EU868 sub-bands of ETSI EN 300 220-2 (as ERC Recommendation 70-03 Annex 1 lists them for
    /// non-specific short-range devices, and LoRaMac-node's `RegionEU868` applies them):
    /// g 863–868 MHz 1 %, g1 868.0–868.6 MHz 1 %, g2 868.7–869.2 MHz 0.1 %, g3 869.4–869.65 MHz 10 %,
    /// g4 869.7–870 MHz 1 %. The three default LoRaWAN channels (868.1/868.3/868.5 MHz) lie in g1;
    /// the RX2 channel (869.525 MHz) in g3.
    public static let eu868: [SubBand] = [
        SubBand(name: "g", lowerHertz: 863_000_000, upperHertz: 868_000_000, dutyCycleDenominator: 100),
        SubBand(name: "g1", lowerHertz: 868_000_000, upperHertz: 868_600_000, dutyCycleDenominator: 100),
        SubBand(name: "g2", lowerHertz: 868_700_000, upperHertz: 869_200_000, dutyCycleDenominator: 1_000),
        SubBand(name: "g3", lowerHertz: 869_400_000, upperHertz: 869_650_000, dutyCycleDenominator: 10),
        SubBand(name: "g4", lowerHertz: 869_700_000, upperHertz: 870_000_000, dutyCycleDenominator: 100),
    ]

    /// The EU868 sub-band containing `hertz`, if any.
    public static func eu868(containing hertz: Int) -> SubBand? {
        self.eu868.first { $0.lowerHertz <= hertz && hertz < $0.upperHertz }
    }
}

/// The duty-cycle state of one transmitter over a set of sub-bands.
///
/// Accounting is per frame and counted from the **end** of the frame: a frame of airtime `t` in a sub-band
/// with duty cycle `1/N` closes that sub-band for `t · (N − 1)` after it ends, so the next frame there
/// may start `t · N` after this one started (LoRaMac-node's band time-off rule). Over any long run this
/// keeps the transmitter's share of time at or below `1/N`. All arithmetic is integer nanoseconds.
public struct DutyCycleLimiter: Hashable, Sendable {
    /// The sub-bands tracked, by index.
    public let subBands: [SubBand]
    /// When each sub-band opens again.
    public private(set) var openAt: [SimTime]

    /// Creates a limiter with every sub-band open at time zero.
    public init(subBands: [SubBand]) {
        self.subBands = subBands
        self.openAt = Array(repeating: .zero, count: subBands.count)
    }

    /// The earliest time at or after `time` at which sub-band `index` may be used.
    @inlinable
    public func earliestStart(subBand index: Int, notBefore time: SimTime) -> SimTime {
        Swift.max(time, self.openAt[index])
    }

    /// The off time that follows a frame of `airtime` in sub-band `index`: `airtime · (N − 1)`.
    @inlinable
    public func offTime(subBand index: Int, airtime: SimTime) -> SimTime {
        airtime * (self.subBands[index].dutyCycleDenominator - 1)
    }

    /// Records a frame `[start, start + airtime)` in sub-band `index`.
    ///
    /// - Precondition: the sub-band is open at `start`.
    public mutating func record(subBand index: Int, start: SimTime, airtime: SimTime) {
        precondition(start >= self.openAt[index], "transmission in a sub-band that is closed by its duty cycle")
        self.openAt[index] = start + airtime + self.offTime(subBand: index, airtime: airtime)
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
