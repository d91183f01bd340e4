// SPDX-License-Identifier: GPL-3.0-or-later

/// An electric current: a whole number of nanoamperes.
///
/// Currents are integers so that charge and energy integrate exactly over integer ``SimTime``
/// (``Charge`` = nA × ns). Datasheet figures are quantised once, to the nearest nanoampere, when a
/// profile is read — three orders of magnitude finer than the finest figure any cited datasheet gives
/// (0.16 µA). A negative current flows into the battery (harvesting).
@frozen
public struct Current: RawRepresentable, Hashable, Comparable, Sendable {
    /// The current in nanoamperes.
    public var nanoamperes: Int64

    /// Creates a current of `nanoamperes` nA.
    @inlinable
    public init(nanoamperes: Int64) { self.nanoamperes = nanoamperes }

    /// Creates a current from its raw value in nanoamperes.
    @inlinable
    public init(rawValue: Int64) { self.nanoamperes = rawValue }

    /// The current in nanoamperes.
    @inlinable public var rawValue: Int64 { self.nanoamperes }

    /// No current.
    public static let zero = Current(nanoamperes: 0)

    /// A current given in milliamperes, rounded to the nearest nanoampere.
    ///
    /// - Precondition: `value` is finite and below about 9.2 × 10⁹ A.
    @inlinable
    public static func milliamperes(_ value: Double) -> Current {
        let nanoamperes = (value * 1e6).rounded(.toNearestOrEven)
        precondition(nanoamperes.isFinite && abs(nanoamperes) < 9.2e18, "current \(value) mA is out of range")
        return Current(nanoamperes: Int64(nanoamperes))
    }

    /// A current given in microamperes, rounded to the nearest nanoampere.
    @inlinable
    public static func microamperes(_ value: Double) -> Current { .milliamperes(value / 1_000) }

    /// The current in milliamperes (for output).
    @inlinable public var milliamperes: Double { Double(self.nanoamperes) / 1e6 }

    @inlinable
    public static func < (lhs: Current, rhs: Current) -> Bool { lhs.nanoamperes < rhs.nanoamperes }
}

extension Current: AdditiveArithmetic {
    @inlinable
    public static func + (lhs: Current, rhs: Current) -> Current {
        Current(nanoamperes: lhs.nanoamperes + rhs.nanoamperes)
    }

    @inlinable
    public static func - (lhs: Current, rhs: Current) -> Current {
        Current(nanoamperes: lhs.nanoamperes - rhs.nanoamperes)
    }
}

extension Current: CustomStringConvertible {
    public var description: String { "\(self.milliamperes) mA" }
}
