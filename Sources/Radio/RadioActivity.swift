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
    /// The end of the last interval ever recorded (kept across ``drain()``).
    public private(set) var end: SimTime?

    /// Creates an empty log.
    public init() {}

    /// Appends `state` over `[start, end)`; a gap since the last recorded interval (drained or not) is
    /// recorded as sleep, so consecutive drains join up without holes.
    ///
    /// - Precondition: `start` is not before the end of the last recorded interval, and `end >= start`.
    public mutating func record(_ state: RadioState, from start: SimTime, to end: SimTime) {
        precondition(end >= start, "a radio interval cannot end before it starts")
        if let last = self.end {
            precondition(start >= last, "radio intervals must be recorded in time order")
            if start > last { self.append(RadioInterval(start: last, end: start, state: .sleep)) }
        }
        if end > start { self.append(RadioInterval(start: start, end: end, state: state)) }
    }

    /// Appends every interval of `other` (which must start no earlier than this log ends).
    public mutating func append(contentsOf other: RadioActivityLog) {
        for interval in other.intervals { self.record(interval.state, from: interval.start, to: interval.end) }
    }

    /// The total time spent in states for which `predicate` holds, over the intervals still held.
    public func totalTime(where predicate: (RadioState) -> Bool) -> SimTime {
        self.intervals.reduce(SimTime.zero) { predicate($1.state) ? $0 + $1.duration : $0 }
    }

    /// Removes and returns the intervals held; later records continue the same time line.
    public mutating func drain() -> [RadioInterval] {
        defer { self.intervals.removeAll(keepingCapacity: true) }
        return self.intervals
    }

    private mutating func append(_ interval: RadioInterval) {
        self.end = interval.end
        if let last = self.intervals.last, last.state == interval.state, last.end == interval.start {
            self.intervals[self.intervals.count - 1].end = interval.end
        } else {
            self.intervals.append(interval)
        }
    }
}
