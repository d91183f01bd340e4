// SPDX-License-Identifier: GPL-3.0-or-later

/// An amount of electrical energy, exact: a whole number of nA·ns·mV (10⁻²⁷ J).
///
/// Energy = ``Charge`` (whole aC) × ``Voltage`` (whole mV), so summing energy over state intervals
/// never rounds; only the conversion to joules for output does. `Int128` holds ±1.7 × 10¹¹ J.
@frozen
public struct ElectricalEnergy: Hashable, Comparable, Sendable {
    /// The energy in units of 10⁻²⁷ J (one nanoampere for one nanosecond at one millivolt).
    public var nanoampereNanosecondMillivolts: Int128

    /// Creates an energy from its count of 10⁻²⁷ J units.
    @inlinable
    public init(nanoampereNanosecondMillivolts: Int128) {
        self.nanoampereNanosecondMillivolts = nanoampereNanosecondMillivolts
    }

    /// The energy `charge` carries through `voltage`, exactly.
    @inlinable
    public init(charge: Charge, voltage: Voltage) {
        self.nanoampereNanosecondMillivolts = charge.attocoulombs * Int128(voltage.millivolts)
    }

    /// No energy.
    public static let zero = ElectricalEnergy(nanoampereNanosecondMillivolts: 0)

    /// The energy in joules (for output: CSV `_J`). Nearest `Double`.
    @inlinable
    public var joules: Double { Double(self.nanoampereNanosecondMillivolts) / 1e27 }

    /// The energy in millijoules (for output: CSV `_mJ`). Nearest `Double`.
    @inlinable
    public var millijoules: Double { Double(self.nanoampereNanosecondMillivolts) / 1e24 }

    @inlinable
    public static func < (lhs: ElectricalEnergy, rhs: ElectricalEnergy) -> Bool {
        lhs.nanoampereNanosecondMillivolts < rhs.nanoampereNanosecondMillivolts
    }
}

extension ElectricalEnergy: AdditiveArithmetic {
    @inlinable
    public static func + (lhs: ElectricalEnergy, rhs: ElectricalEnergy) -> ElectricalEnergy {
        ElectricalEnergy(
            nanoampereNanosecondMillivolts: lhs.nanoampereNanosecondMillivolts + rhs.nanoampereNanosecondMillivolts)
    }

    @inlinable
    public static func - (lhs: ElectricalEnergy, rhs: ElectricalEnergy) -> ElectricalEnergy {
        ElectricalEnergy(
            nanoampereNanosecondMillivolts: lhs.nanoampereNanosecondMillivolts - rhs.nanoampereNanosecondMillivolts)
    }
}
