// SPDX-License-Identifier: GPL-3.0-or-later

/// An amount of electrical energy, exact: a whole number of zeptojoules (1 zJ = 1 nA × 1 ns × 1 mV = 10⁻²¹ J).
///
/// Energy = ``Charge`` (whole aC) × ``Voltage`` (whole mV), so summing energy over state intervals
/// never rounds; only the conversion to joules for output does. `Int128` holds ±1.7 × 10¹⁷ J.
@frozen
public struct ElectricalEnergy: Hashable, Comparable, Sendable {
    /// The energy in zeptojoules (10⁻²¹ J: one nanoampere for one nanosecond at one millivolt).
    public var zeptojoules: Int128

    /// Creates an energy of `zeptojoules` zJ.
    @inlinable
    public init(zeptojoules: Int128) {
        self.zeptojoules = zeptojoules
    }

    /// The energy `charge` carries through `voltage`, exactly.
    @inlinable
    public init(charge: Charge, voltage: Voltage) {
        self.zeptojoules = charge.attocoulombs * Int128(voltage.millivolts)
    }

    /// No energy.
    public static let zero = ElectricalEnergy(zeptojoules: 0)

    /// The energy in joules (for output: CSV `_J`). Nearest `Double`.
    @inlinable
    public var joules: Double { Double(self.zeptojoules) / 1e21 }

    /// The energy in millijoules (for output: CSV `_mJ`). Nearest `Double`.
    @inlinable
    public var millijoules: Double { Double(self.zeptojoules) / 1e18 }

    @inlinable
    public static func < (lhs: ElectricalEnergy, rhs: ElectricalEnergy) -> Bool {
        lhs.zeptojoules < rhs.zeptojoules
    }
}

extension ElectricalEnergy: AdditiveArithmetic {
    @inlinable
    public static func + (lhs: ElectricalEnergy, rhs: ElectricalEnergy) -> ElectricalEnergy {
        ElectricalEnergy(
            zeptojoules: lhs.zeptojoules + rhs.zeptojoules)
    }

    @inlinable
    public static func - (lhs: ElectricalEnergy, rhs: ElectricalEnergy) -> ElectricalEnergy {
        ElectricalEnergy(
            zeptojoules: lhs.zeptojoules - rhs.zeptojoules)
    }
}
