// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A device's energy by power state, integrated exactly over the state intervals it is given.
///
/// For each state the ledger keeps the total time (whole ns), the charge (whole aC = nA·ns) and the
/// energy (whole 10⁻²⁷ J = aC·mV). Each interval adds `I × t` and `I × t × V` in integer arithmetic,
/// so the totals equal ∑ current × voltage × time with no rounding at all; the only roundings are the
/// one-off quantisation of datasheet currents to 1 nA and voltages to 1 mV (``Current``, ``Voltage``),
/// and the conversion to joules on output.
///
/// The ledger accumulates what it is told; keeping one component in one state at a time is the job of
/// whoever reports the intervals (``PoweredDevice`` does; ``CurrentSchedule`` checks it).
public struct EnergyLedger: Hashable, Sendable {
    /// The totals for one state.
    public struct Entry: Hashable, Sendable {
        /// Total time in the state.
        public var duration: SimTime
        /// Total charge drawn in the state.
        public var charge: Charge
        /// Total energy drawn in the state.
        public var energy: ElectricalEnergy

        /// An empty entry.
        public static let zero = Entry(duration: .zero, charge: .zero, energy: .zero)

        /// Creates an entry.
        public init(duration: SimTime, charge: Charge, energy: ElectricalEnergy) {
            self.duration = duration
            self.charge = charge
            self.energy = energy
        }
    }

    /// The currents and voltages the ledger prices states with.
    public let profile: DevicePowerProfile
    /// The totals by state; states never entered are absent.
    public private(set) var entries: [PowerState: Entry] = [:]

    /// Creates an empty ledger.
    public init(profile: DevicePowerProfile) {
        self.profile = profile
    }

    /// Adds one state interval.
    ///
    /// - Throws: ``ProfileError`` when the profile has no current for the state (a transmit power it
    ///   lacks); the ledger is then unchanged.
    public mutating func record(_ interval: StateInterval) throws(ProfileError) {
        try self.record(interval.state, for: interval.duration)
    }

    /// Adds state intervals in order.
    ///
    /// - Throws: ``ProfileError`` at the first interval the profile cannot price; the intervals before
    ///   it stay recorded.
    public mutating func record(contentsOf intervals: some Sequence<StateInterval>) throws(ProfileError) {
        for interval in intervals { try self.record(interval) }
    }

    /// Adds `duration` spent in `state`.
    ///
    /// - Throws: ``ProfileError`` when the profile has no current for the state; the ledger is then
    ///   unchanged.
    /// - Precondition: `duration` ≥ 0.
    public mutating func record(_ state: PowerState, for duration: SimTime) throws(ProfileError) {
        precondition(duration >= .zero, "a ledger entry needs a non-negative duration")
        let current = try self.profile.current(for: state)
        let charge = Charge(current: current, duration: duration)
        let energy = ElectricalEnergy(charge: charge, voltage: self.profile.voltage(of: state.component))
        var entry = self.entries[state] ?? .zero
        entry.duration = entry.duration + duration
        entry.charge = entry.charge + charge
        entry.energy = entry.energy + energy
        self.entries[state] = entry
    }

    /// The totals for `state` (zero if never entered).
    public func entry(for state: PowerState) -> Entry { self.entries[state] ?? .zero }

    /// All entries in report order (see ``PowerState``'s `Comparable` order).
    public var sortedEntries: [(state: PowerState, entry: Entry)] {
        self.entries.sorted { $0.key < $1.key }.map { (state: $0.key, entry: $0.value) }
    }

    /// Total charge over all states.
    public var totalCharge: Charge { self.entries.values.reduce(.zero) { $0 + $1.charge } }

    /// Total energy over all states.
    public var totalEnergy: ElectricalEnergy { self.entries.values.reduce(.zero) { $0 + $1.energy } }

    /// Total energy of one component's states.
    public func energy(of component: Component) -> ElectricalEnergy {
        self.entries.filter { $0.key.component == component }.values.reduce(.zero) { $0 + $1.energy }
    }

    /// Energy spent training: the MCU's active state.
    public var trainingEnergy: ElectricalEnergy { self.entry(for: .mcu(.active)).energy }
}
