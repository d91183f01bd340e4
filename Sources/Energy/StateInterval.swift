// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// One component held one state over `[start, end)` of simulated time.
///
/// The simulation reports these (the link layer for the radio, the training scheduler for the MCU) and
/// the ``EnergyLedger`` integrates them.
public struct StateInterval: Hashable, Sendable {
    /// The state held; its ``PowerState/component`` says which component.
    public var state: PowerState
    /// When the state was entered.
    public var start: SimTime
    /// When the state was left (exclusive).
    public var end: SimTime

    /// Creates an interval.
    ///
    /// - Throws: ``IntervalError`` when `end` is before `start`.
    public init(_ state: PowerState, start: SimTime, end: SimTime) throws(IntervalError) {
        guard end >= start else { throw IntervalError(state: state, start: start, end: end) }
        self.state = state
        self.start = start
        self.end = end
    }

    /// The component that held the state.
    @inlinable public var component: Component { self.state.component }

    /// `end − start`.
    @inlinable public var duration: SimTime { self.end - self.start }
}

/// A state interval that ends before it starts.
public struct IntervalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The state of the offending interval.
    public var state: PowerState
    /// Its start.
    public var start: SimTime
    /// Its end, earlier than the start.
    public var end: SimTime

    /// Creates the error.
    public init(state: PowerState, start: SimTime, end: SimTime) {
        self.state = state
        self.start = start
        self.end = end
    }

    public var description: String {
        "state interval \(self.state.label) ends at \(self.end.nanoseconds) ns, before its start at "
            + "\(self.start.nanoseconds) ns (expected end ≥ start)"
    }
}
