// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import SimKernel

/// A battery's state: exact coulomb counting against its rated capacity.
///
/// Discharging at a ``Current`` for a ``SimTime`` span removes exactly `I × t` attocoulombs (times the
/// Peukert factor when the spec has one, see ``BatterySpec``), so the time the battery reaches its
/// cutoff is exact to the nanosecond: ``timeToCutoff(at:)`` rounds *up* to the first whole nanosecond at
/// which the remaining charge is at or below the reserve. Discharging for exactly that span leaves the
/// battery depleted, never one nanosecond early.
public struct Battery: Hashable, Sendable {
    /// What the battery is.
    public let spec: BatterySpec
    /// The rated capacity.
    public let capacity: Charge
    /// The charge left when the device dies (``cutoffStateOfCharge`` × capacity).
    public let reserve: Charge
    /// The charge left, in depletion units (equal to real charge without Peukert).
    public private(set) var remaining: Charge
    /// The real charge drawn so far (∑ current × time), for accounting against an ``EnergyLedger``.
    public private(set) var delivered: Charge = .zero
    /// The charge added by harvesting so far (after clamping at capacity).
    public private(set) var harvested: Charge = .zero

    @usableFromInline let peukertExponent: Double
    @usableFromInline let ratedNanoamperes: Double

    /// Creates a battery at the given state of charge.
    ///
    /// - Parameters:
    ///   - spec: The battery; validated here.
    ///   - stateOfCharge: The initial fraction of capacity, in [0, 1].
    ///   - cutoffStateOfCharge: The fraction of capacity at which the device dies, in [0, 1) — e.g. a
    ///     brown-out detector set above the datasheet's end voltage. 0 uses the full rated capacity.
    /// - Throws: ``ProfileError`` for an invalid spec or fractions outside their ranges.
    public init(spec: BatterySpec, stateOfCharge: Double = 1, cutoffStateOfCharge: Double = 0) throws(ProfileError) {
        try spec.validate()
        guard stateOfCharge.isFinite, (0...1).contains(stateOfCharge) else {
            throw ProfileError(
                profile: spec.name, field: "stateOfCharge", expected: "a fraction in [0, 1] (got \(stateOfCharge))")
        }
        guard cutoffStateOfCharge.isFinite, cutoffStateOfCharge >= 0, cutoffStateOfCharge < 1 else {
            throw ProfileError(
                profile: spec.name, field: "cutoffStateOfCharge",
                expected: "a fraction in [0, 1) (got \(cutoffStateOfCharge))")
        }
        self.spec = spec
        self.capacity = spec.capacity
        self.remaining = .milliampereHours(spec.capacityMilliampereHours * stateOfCharge)
        self.reserve = .milliampereHours(spec.capacityMilliampereHours * cutoffStateOfCharge)
        self.peukertExponent = spec.peukertExponent ?? 1
        if let hours = spec.ratedDischargeHours {
            self.ratedNanoamperes = spec.capacityMilliampereHours / hours * 1e6
        } else {
            self.ratedNanoamperes = .infinity
        }
    }

    /// Whether the remaining charge is at or below the reserve: the device is dead.
    public var isDepleted: Bool { self.remaining <= self.reserve }

    /// The remaining fraction of capacity (for output).
    public var stateOfCharge: Double { Double(self.remaining.attocoulombs) / Double(self.capacity.attocoulombs) }

    /// The rate at which a draw of `draw` depletes the battery.
    ///
    /// Equal to `draw` without Peukert or at or below the rated current; above it,
    /// `draw · (draw / I_rated)^(k−1)` rounded to the nearest nanoampere.
    public func depletionCurrent(for draw: Current) -> Current {
        let nanoamperes = Double(draw.nanoamperes)
        guard self.peukertExponent != 1, nanoamperes > self.ratedNanoamperes else { return draw }
        let effective = nanoamperes * pow(nanoamperes / self.ratedNanoamperes, self.peukertExponent - 1)
        return Current(nanoamperes: Int64(effective.rounded(.toNearestOrEven)))
    }

    /// How long a constant `draw` takes to bring the battery to its cutoff.
    ///
    /// - Returns: The span, rounded up to whole nanoseconds; `.zero` when already depleted; `nil` when
    ///   the draw is zero or negative, or the span exceeds ``SimTime/max`` (the battery outlives any run).
    public func timeToCutoff(at draw: Current) -> SimTime? {
        let need = self.remaining.attocoulombs - self.reserve.attocoulombs
        if need <= 0 { return .zero }
        let rate = Int128(self.depletionCurrent(for: draw).nanoamperes)
        guard rate > 0 else { return nil }
        let nanoseconds = (need + rate - 1) / rate
        guard nanoseconds <= Int128(Int64.max) else { return nil }
        return SimTime(nanoseconds: Int64(nanoseconds))
    }

    /// Draws `draw` for `duration`, stopping early if the battery reaches its cutoff.
    ///
    /// - Parameters:
    ///   - draw: The current drawn, ≥ 0.
    ///   - duration: How long, ≥ 0.
    /// - Returns: The span after which the cutoff was reached (≤ `duration`; `.zero` when already
    ///   depleted), or `nil` when the battery lasted the whole span. When the cutoff is reached, charge is
    ///   accounted only up to that point.
    public mutating func discharge(at draw: Current, for duration: SimTime) -> SimTime? {
        precondition(draw.nanoamperes >= 0, "a battery discharge needs a non-negative current; harvest with recharge")
        precondition(duration >= .zero, "a battery discharge needs a non-negative duration")
        if self.isDepleted { return .zero }
        let rate = Int128(self.depletionCurrent(for: draw).nanoamperes)
        let consumption = rate * Int128(duration.nanoseconds)
        let need = self.remaining.attocoulombs - self.reserve.attocoulombs
        if rate > 0, consumption >= need {
            let nanoseconds = (need + rate - 1) / rate
            let elapsed = SimTime(nanoseconds: Int64(nanoseconds))
            self.remaining.attocoulombs -= rate * nanoseconds
            self.delivered = self.delivered + Charge(current: draw, duration: elapsed)
            return elapsed
        }
        self.remaining.attocoulombs -= consumption
        self.delivered = self.delivered + Charge(current: draw, duration: duration)
        return nil
    }

    /// Adds harvested charge, clamped at the capacity.
    ///
    /// - Returns: The charge actually stored.
    @discardableResult
    public mutating func recharge(_ charge: Charge) -> Charge {
        precondition(charge >= .zero, "recharge needs a non-negative charge")
        let room = self.capacity - self.remaining
        let stored = room < charge ? (room > .zero ? room : .zero) : charge
        self.remaining = self.remaining + stored
        self.harvested = self.harvested + stored
        return stored
    }
}
