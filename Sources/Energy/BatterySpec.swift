// SPDX-License-Identifier: GPL-3.0-or-later

/// What a battery is: capacity, voltages, and (optionally) how its capacity shrinks at high current.
///
/// The capacity is the datasheet's rated capacity, which is specified *to* a cutoff voltage
/// (``cutoffVolts``): delivering it brings the cell to that voltage, where the device browns out.
/// So the device dies when the delivered charge reaches the capacity (or a reserve above it, see
/// ``Battery/init(spec:stateOfCharge:cutoffStateOfCharge:)``); no voltage curve is modelled.
///
/// ## Peukert's law (optional)
/// With exponent `k` and the rated discharge time `H` (hours) at which the capacity `C` was measured,
/// a constant current `I` lasts `H · (C / (I·H))^k`. Equivalently the battery is depleted at the
/// effective current `I_eff = I · (I / I_rated)^(k−1)`, `I_rated = C / H`. The law is applied only
/// above `I_rated`; below it the battery delivers its rated capacity and no more (Peukert's law
/// extrapolated to tiny sleep currents would promise more charge than the cell holds).
public struct BatterySpec: Codable, Hashable, Sendable {
    /// The preset's name, unique in a ``PowerProfileCatalog``.
    public var name: String
    /// The chemistry, for reports (`"Li-MnO2"`, `"alkaline"`, `"LiPo"`).
    public var chemistry: String
    /// The nominal voltage, in volts (for energy reports).
    public var nominalVolts: Double
    /// The end-of-discharge voltage the capacity is rated to, in volts (documentary).
    public var cutoffVolts: Double
    /// The rated capacity, in milliampere-hours.
    public var capacityMilliampereHours: Double
    /// The discharge time at which the capacity is rated, in hours (Peukert's `H`); needed with
    /// ``peukertExponent``.
    public var ratedDischargeHours: Double?
    /// Peukert's exponent `k` ≥ 1; `nil` (or 1) for an ideal coulomb counter.
    public var peukertExponent: Double?
    /// Where the figures come from.
    public var source: String
    /// The largest current pulse the cell can source without browning out the device, in milliamperes;
    /// `nil` when the cell has no limit that matters (see ``DevicePowerProfile/checkPulseLimit(of:)``).
    public var maxPulseMilliamperes: Double?

    /// Manifest keys: units as suffixes, like the rest of the manifest (`capacity_mAh`).
    enum CodingKeys: String, CodingKey {
        case name
        case chemistry
        case nominalVolts = "nominal_V"
        case cutoffVolts = "cutoff_V"
        case capacityMilliampereHours = "capacity_mAh"
        case ratedDischargeHours = "rated_discharge_h"
        case peukertExponent = "peukert_exponent"
        case source
        case maxPulseMilliamperes = "max_pulse_mA"
    }

    /// Creates a spec. Call ``validate()`` on specs that come from users.
    public init(
        name: String, chemistry: String, nominalVolts: Double, cutoffVolts: Double,
        capacityMilliampereHours: Double, ratedDischargeHours: Double? = nil, peukertExponent: Double? = nil,
        source: String, maxPulseMilliamperes: Double? = nil
    ) {
        self.name = name
        self.chemistry = chemistry
        self.nominalVolts = nominalVolts
        self.cutoffVolts = cutoffVolts
        self.capacityMilliampereHours = capacityMilliampereHours
        self.ratedDischargeHours = ratedDischargeHours
        self.peukertExponent = peukertExponent
        self.source = source
        self.maxPulseMilliamperes = maxPulseMilliamperes
    }

    /// Checks that every figure is usable.
    ///
    /// - Throws: ``ProfileError`` for an empty name, non-positive capacity or voltage, a cutoff not
    ///   below the nominal voltage, a Peukert exponent below 1, an exponent without a rated time, or a
    ///   non-positive pulse limit.
    public func validate() throws(ProfileError) {
        guard !self.name.isEmpty else {
            throw ProfileError(profile: "(battery)", field: "name", expected: "a non-empty name")
        }
        try ProfileError.requirePositive(self.capacityMilliampereHours, self.name, "capacityMilliampereHours")
        try ProfileError.requirePositive(self.nominalVolts, self.name, "nominalVolts")
        try ProfileError.requireNonNegative(self.cutoffVolts, self.name, "cutoffVolts")
        guard self.cutoffVolts < self.nominalVolts else {
            throw ProfileError(
                profile: self.name, field: "cutoffVolts", expected: "below nominalVolts (\(self.nominalVolts) V)")
        }
        if let exponent = self.peukertExponent {
            guard exponent.isFinite, exponent >= 1 else {
                throw ProfileError(
                    profile: self.name, field: "peukertExponent", expected: "a number ≥ 1 (got \(exponent))")
            }
            guard let hours = self.ratedDischargeHours else {
                throw ProfileError(
                    profile: self.name, field: "ratedDischargeHours",
                    expected: "the discharge time the capacity is rated at, when peukertExponent is given")
            }
            try ProfileError.requirePositive(hours, self.name, "ratedDischargeHours")
        }
        if let pulse = self.maxPulseMilliamperes {
            try ProfileError.requirePositive(pulse, self.name, "maxPulseMilliamperes")
        }
    }

    /// The rated capacity as an exact charge.
    public var capacity: Charge { .milliampereHours(self.capacityMilliampereHours) }
}

/// Where a device's power comes from.
public enum PowerSupply: Hashable, Sendable {
    /// Mains (or any supply that never runs out): the device never dies of a flat battery.
    case mains
    /// A battery.
    case battery(BatterySpec)
}
