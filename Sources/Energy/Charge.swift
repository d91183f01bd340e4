// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// An electric charge, exact: a whole number of attocoulombs (1 aC = 1 nA × 1 ns = 10⁻¹⁸ C).
///
/// A ``Current`` (whole nA) held for a ``SimTime`` span (whole ns) is a whole number of attocoulombs,
/// so coulomb counting never rounds. `Int128` holds ±1.7 × 10²⁰ C, i.e. about 4.7 × 10¹³ Ah —
/// no battery comes near. Arithmetic traps on overflow.
@frozen
public struct Charge: Hashable, Comparable, Sendable {
    /// The charge in attocoulombs (nA·ns).
    public var attocoulombs: Int128

    /// Creates a charge of `attocoulombs` aC.
    @inlinable
    public init(attocoulombs: Int128) { self.attocoulombs = attocoulombs }

    /// The charge `current` moves in `duration`, exactly.
    @inlinable
    public init(current: Current, duration: SimTime) {
        self.attocoulombs = Int128(current.nanoamperes) * Int128(duration.nanoseconds)
    }

    /// No charge.
    public static let zero = Charge(attocoulombs: 0)

    /// Attocoulombs in one milliampere-hour: 10⁻³ A × 3600 s = 3.6 C.
    public static let attocoulombsPerMilliampereHour: Int128 = 3_600_000_000_000_000_000

    /// A charge given in milliampere-hours, rounded to the nearest attocoulomb.
    ///
    /// The product is formed in `Double`, so the result is exact to its 53-bit significand
    /// (relative error below 1.2 × 10⁻¹⁶).
    /// - Precondition: `value` is finite.
    @inlinable
    public static func milliampereHours(_ value: Double) -> Charge {
        let attocoulombs = (value * 3.6e18).rounded(.toNearestOrEven)
        precondition(attocoulombs.isFinite && abs(attocoulombs) < 1e38, "charge \(value) mAh is out of range")
        return Charge(attocoulombs: Int128(attocoulombs))
    }

    /// The charge in milliampere-hours (for output: CSV `_mAh`).
    @inlinable
    public var milliampereHours: Double { Double(self.attocoulombs) / 3.6e18 }

    /// The charge in coulombs (for output).
    @inlinable
    public var coulombs: Double { Double(self.attocoulombs) / 1e18 }

    @inlinable
    public static func < (lhs: Charge, rhs: Charge) -> Bool { lhs.attocoulombs < rhs.attocoulombs }
}

extension Charge: AdditiveArithmetic {
    @inlinable
    public static func + (lhs: Charge, rhs: Charge) -> Charge {
        Charge(attocoulombs: lhs.attocoulombs + rhs.attocoulombs)
    }

    @inlinable
    public static func - (lhs: Charge, rhs: Charge) -> Charge {
        Charge(attocoulombs: lhs.attocoulombs - rhs.attocoulombs)
    }
}
