// SPDX-License-Identifier: GPL-3.0-or-later

/// A voltage: a whole number of millivolts.
///
/// Supply voltages in datasheets are given to 0.1 V at best, so millivolts hold them exactly.
@frozen
public struct Voltage: RawRepresentable, Hashable, Comparable, Sendable {
    /// The voltage in millivolts.
    public var millivolts: Int64

    /// Creates a voltage of `millivolts` mV.
    @inlinable
    public init(millivolts: Int64) { self.millivolts = millivolts }

    /// Creates a voltage from its raw value in millivolts.
    @inlinable
    public init(rawValue: Int64) { self.millivolts = rawValue }

    /// The voltage in millivolts.
    @inlinable public var rawValue: Int64 { self.millivolts }

    /// A voltage given in volts, rounded to the nearest millivolt.
    ///
    /// - Precondition: `value` is finite and below about 9.2 × 10¹⁵ V.
    @inlinable
    public static func volts(_ value: Double) -> Voltage {
        let millivolts = (value * 1e3).rounded(.toNearestOrEven)
        precondition(millivolts.isFinite && abs(millivolts) < 9.2e18, "voltage \(value) V is out of range")
        return Voltage(millivolts: Int64(millivolts))
    }

    /// The voltage in volts (for output).
    @inlinable public var volts: Double { Double(self.millivolts) / 1e3 }

    @inlinable
    public static func < (lhs: Voltage, rhs: Voltage) -> Bool { lhs.millivolts < rhs.millivolts }
}

extension Voltage: CustomStringConvertible {
    public var description: String { "\(self.volts) V" }
}
