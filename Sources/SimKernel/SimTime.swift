// SPDX-License-Identifier: GPL-3.0-or-later

/// A point in, or a span of, simulated time: a whole number of nanoseconds.
///
/// Simulated time is an integer so that event ordering never depends on floating-point rounding:
/// two runs with the same inputs see the same clock values bit for bit. `Int64` nanoseconds cover
/// ±292 years, far beyond any experiment. Arithmetic traps on overflow, like Swift integers.
///
/// Convert to seconds only for output (``seconds``); build values from units with the static
/// constructors (`.milliseconds(250)`, `.hours(1.5)`) or parse them from text (``init(parsing:)``).
@frozen
public struct SimTime: RawRepresentable, Hashable, Comparable, Sendable {
    /// Nanoseconds since the start of the simulation (or the length of a span).
    public var nanoseconds: Int64

    /// Creates a time from a number of nanoseconds.
    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Creates a time from its raw value, a number of nanoseconds.
    @inlinable
    public init(rawValue: Int64) { self.nanoseconds = rawValue }

    /// The number of nanoseconds.
    @inlinable
    public var rawValue: Int64 { self.nanoseconds }

    @inlinable
    public static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

extension SimTime {
    /// The start of every simulation, and the empty span.
    public static let zero = SimTime(nanoseconds: 0)
    /// The largest representable time (about 292 years); "never" for deadlines.
    public static let max = SimTime(nanoseconds: Int64.max)

    /// Nanoseconds in one unit of each named time unit.
    public enum Unit: Int64, CaseIterable, Sendable {
        case nanosecond = 1
        case microsecond = 1_000
        case millisecond = 1_000_000
        case second = 1_000_000_000
        case minute = 60_000_000_000
        case hour = 3_600_000_000_000
        case day = 86_400_000_000_000
        case week = 604_800_000_000_000

        /// The symbol used when printing a duration in this unit.
        public var symbol: String {
            switch self {
            case .nanosecond: "ns"
            case .microsecond: "us"
            case .millisecond: "ms"
            case .second: "s"
            case .minute: "min"
            case .hour: "h"
            case .day: "d"
            case .week: "w"
            }
        }
    }

    /// A span of whole nanoseconds.
    @inlinable public static func nanoseconds(_ value: Int64) -> SimTime { SimTime(nanoseconds: value) }
    /// A span of whole microseconds.
    @inlinable public static func microseconds(_ value: Int64) -> SimTime { SimTime(nanoseconds: value * 1_000) }
    /// A span of whole milliseconds.
    @inlinable public static func milliseconds(_ value: Int64) -> SimTime { SimTime(nanoseconds: value * 1_000_000) }
    /// A span of whole seconds.
    @inlinable public static func seconds(_ value: Int64) -> SimTime { SimTime(nanoseconds: value * 1_000_000_000) }

    /// A span given in (possibly fractional) seconds, rounded to the nearest nanosecond.
    ///
    /// - Precondition: `value` is finite and within ±292 years.
    @inlinable
    public static func seconds(_ value: Double) -> SimTime {
        let ns = (value * 1e9).rounded(.toNearestOrEven)
        precondition(ns.isFinite && abs(ns) < 9.2e18, "SimTime.seconds(\(value)) is out of range")
        return SimTime(nanoseconds: Int64(ns))
    }

    /// A span given in (possibly fractional) minutes, rounded to the nearest nanosecond.
    @inlinable public static func minutes(_ value: Double) -> SimTime { .seconds(value * 60) }
    /// A span given in (possibly fractional) hours, rounded to the nearest nanosecond.
    @inlinable public static func hours(_ value: Double) -> SimTime { .seconds(value * 3_600) }
    /// A span given in (possibly fractional) days, rounded to the nearest nanosecond.
    @inlinable public static func days(_ value: Double) -> SimTime { .seconds(value * 86_400) }

    /// The value in seconds, for output (CSV `_s` columns) and rate computations.
    ///
    /// Exact for spans below 2^53 ns (about 104 days); beyond that it is the nearest `Double`.
    @inlinable public var seconds: Double { Double(self.nanoseconds) / 1e9 }

    /// The value in milliseconds, for output (CSV `_ms` columns).
    @inlinable public var milliseconds: Double { Double(self.nanoseconds) / 1e6 }
}

extension SimTime: AdditiveArithmetic {
    @inlinable
    public static func + (lhs: SimTime, rhs: SimTime) -> SimTime {
        SimTime(nanoseconds: lhs.nanoseconds + rhs.nanoseconds)
    }

    @inlinable
    public static func - (lhs: SimTime, rhs: SimTime) -> SimTime {
        SimTime(nanoseconds: lhs.nanoseconds - rhs.nanoseconds)
    }

    /// A span repeated `count` times.
    @inlinable
    public static func * (lhs: SimTime, rhs: Int64) -> SimTime { SimTime(nanoseconds: lhs.nanoseconds * rhs) }

    /// A span repeated `count` times.
    @inlinable
    public static func * (lhs: Int64, rhs: SimTime) -> SimTime { SimTime(nanoseconds: lhs * rhs.nanoseconds) }
}
