// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// What a radio is doing during an interval; an energy model maps each state to a current draw.
public enum RadioState: Hashable, Sendable {
    /// Transmitting at the given conducted output power.
    case transmit(powerDBm: Double)
    /// Receiving or listening (receive windows, waiting for an acknowledgement).
    case receive
    /// Powered and ready but neither sending nor listening (turnarounds, T_IFS gaps).
    case idle
    /// Asleep between activities.
    case sleep
}

/// One interval `[start, end)` a radio spent in one state.
@frozen
public struct RadioInterval: Hashable, Sendable {
    /// When the state began.
    public var start: SimTime
    /// When it ended (exclusive).
    public var end: SimTime
    /// The state.
    public var state: RadioState

    /// Creates an interval.
    public init(start: SimTime, end: SimTime, state: RadioState) {
        self.start = start
        self.end = end
        self.state = state
    }

    /// `end − start`.
    @inlinable public var duration: SimTime { self.end - self.start }
}

/// The time line of one radio: contiguous intervals in time order, adjacent equal states merged.
///
/// Gaps between recorded activities are filled with ``RadioState/sleep`` so that the intervals of a
/// log cover `[first start, last end)` without holes, which is what an energy ledger integrates over.
public struct RadioActivityLog: Hashable, Sendable {
    /// The intervals, in time order, non-overlapping and contiguous.
    public private(set) var intervals: [RadioInterval] = []

    /// Creates an empty log.
    public init() {}

    /// The end of the last interval, or `nil` when empty.
    public var end: SimTime? { self.intervals.last?.end }

    /// Appends `state` over `[start, end)`; a gap before `start` is recorded as sleep.
    ///
    /// - Precondition: `start >= self.end` (time only moves forward) and `end >= start`.
    public mutating func record(_ state: RadioState, from start: SimTime, to end: SimTime) {
        precondition(end >= start, "a radio interval cannot end before it starts")
        if let last = self.intervals.last {
            precondition(start >= last.end, "radio intervals must be recorded in time order")
            if start > last.end { self.append(RadioInterval(start: last.end, end: start, state: .sleep)) }
        }
        if end > start { self.append(RadioInterval(start: start, end: end, state: state)) }
    }

    /// Appends every interval of `other` (which must start no earlier than this log ends).
    public mutating func append(contentsOf other: RadioActivityLog) {
        for interval in other.intervals { self.record(interval.state, from: interval.start, to: interval.end) }
    }

    /// The total time spent in states for which `predicate` holds.
    public func totalTime(where predicate: (RadioState) -> Bool) -> SimTime {
        self.intervals.reduce(SimTime.zero) { predicate($1.state) ? $0 + $1.duration : $0 }
    }

    /// Removes and returns every interval recorded so far (the next record starts a new time line).
    public mutating func drain() -> [RadioInterval] {
        defer { self.intervals.removeAll(keepingCapacity: true) }
        return self.intervals
    }

    private mutating func append(_ interval: RadioInterval) {
        if let last = self.intervals.last, last.state == interval.state, last.end == interval.start {
            self.intervals[self.intervals.count - 1].end = interval.end
        } else {
            self.intervals.append(interval)
        }
    }
}
