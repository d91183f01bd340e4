// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A training job's inputs were unusable.
public struct TrainingCostError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending input (`"macs"`, `"macsPerSecond"`, `"slowdown"`).
    public var field: String
    /// What a valid value looks like.
    public var expected: String

    /// Creates the error.
    public init(field: String, expected: String) {
        self.field = field
        self.expected = expected
    }

    public var description: String { "training cost: \(self.field) must be \(self.expected)" }
}

/// The time and energy of one on-device training job: time = MACs / MAC rate × slowdown; energy = time ×
/// the MCU's active power.
///
/// The MAC count comes from the training plan; the MAC rate is the device class's sustained
/// multiply-accumulates per second; the slowdown is the device's straggler factor (1 for a normal device).
public struct TrainingCost: Hashable, Sendable {
    /// Multiply-accumulate operations in the job.
    public var macs: Int64
    /// The device's sustained MAC rate, per second.
    public var macsPerSecond: Double
    /// The straggler factor, ≥ 1 (see ``StragglerModel``).
    public var slowdown: Double

    /// Creates a cost, checking its inputs.
    ///
    /// - Throws: ``TrainingCostError`` for negative MACs, a non-positive rate, or a slowdown below 1.
    public init(macs: Int64, macsPerSecond: Double, slowdown: Double = 1) throws(TrainingCostError) {
        guard macs >= 0 else { throw TrainingCostError(field: "macs", expected: "≥ 0 (got \(macs))") }
        guard macsPerSecond.isFinite, macsPerSecond > 0 else {
            throw TrainingCostError(field: "macsPerSecond", expected: "a finite number > 0 (got \(macsPerSecond))")
        }
        guard slowdown.isFinite, slowdown >= 1 else {
            throw TrainingCostError(field: "slowdown", expected: "a finite number ≥ 1 (got \(slowdown))")
        }
        self.macs = macs
        self.macsPerSecond = macsPerSecond
        self.slowdown = slowdown
    }

    /// Creates a cost at `mcu`'s default training rate (``MCUProfile/trainingMACsPerSecond``).
    ///
    /// - Parameters:
    ///   - macs: Multiply-accumulates in the job.
    ///   - mcu: The device's MCU profile.
    ///   - slowdown: The straggler factor, ≥ 1.
    /// - Throws: ``TrainingCostError`` when the profile has no training rate, or for invalid inputs.
    public init(macs: Int64, on mcu: MCUProfile, slowdown: Double = 1) throws(TrainingCostError) {
        guard let rate = mcu.trainingMACsPerSecond else {
            throw TrainingCostError(
                field: "macsPerSecond", expected: "given: MCU profile \(mcu.name) has no trainingMACsPerCycle")
        }
        try self.init(macs: macs, macsPerSecond: rate, slowdown: slowdown)
    }

    /// The training time, rounded *up* to a whole nanosecond (a job never finishes early).
    ///
    /// Computed as `macs × slowdown / macsPerSecond × 10⁹` in `Double` (MAC counts are exact below 2⁵³);
    /// the relative error before the final rounding is a few ulps.
    /// - Precondition: the time fits in ``SimTime`` (about 292 years).
    public var duration: SimTime {
        let nanoseconds = (Double(self.macs) * self.slowdown / self.macsPerSecond * 1e9).rounded(.up)
        precondition(nanoseconds < 9.2e18, "a training job of \(self.macs) MACs does not fit in simulated time")
        return SimTime(nanoseconds: Int64(nanoseconds))
    }

    /// The job's energy on `mcu`: ``duration`` × active current × supply voltage, exact in the units of
    /// ``ElectricalEnergy``.
    public func energy(on mcu: MCUProfile) -> ElectricalEnergy {
        ElectricalEnergy(
            charge: Charge(current: mcu.current(for: .active), duration: self.duration), voltage: mcu.supplyVoltage)
    }
}
