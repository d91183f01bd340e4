// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel

/// One interval `[start, end)` a radio spent in one state.
///
/// The state is Energy's ``Energy/RadioState`` (the power view: transmit at an integer dBm, receive, idle,
/// sleep), so an interval can be handed to a `PoweredDevice` or an `EnergyLedger` as it is.
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
    /// The time up to which the time line is known: the end of the last interval ever recorded, or the
    /// latest ``drain(until:)`` time if later (kept across drains).
    public private(set) var end: SimTime?
    /// The time up to which intervals have been handed out.
    private var drainedUntil: SimTime?

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
    ///
    /// - Returns: Every interval recorded since the last drain, in time order.
    public mutating func drain() -> [RadioInterval] {
        defer { self.intervals.removeAll(keepingCapacity: true) }
        self.drainedUntil = self.end
        return self.intervals
    }

    /// Removes and returns the intervals held up to `time`: those ending at or before it whole, and the part
    /// before `time` of the one that straddles it (its rest stays, starting at `time`, for a later drain).
    ///
    /// A model may record activity ahead of the simulator's clock (LoRaWAN plans its receive windows when
    /// an uplink ends); draining up to each event's time lets a consumer that never goes back in time (an
    /// energy model) follow the radio in step with everything else on the device.
    ///
    /// When the time line ends before `time`, the radio is taken to have slept until `time` (recorded as
    /// such), so that later records continue from `time` and never reach back before it.
    ///
    /// - Parameter time: the time up to which to drain; records made afterwards must not start before it.
    /// - Returns: The intervals (or parts) in `[previous drain, time)`, in time order; empty when nothing
    ///   was recorded before `time`.
    public mutating func drain(until time: SimTime) -> [RadioInterval] {
        if let end = self.end {
            if end < time { self.record(.sleep, from: end, to: time) }
        } else {
            self.end = time
        }
        self.drainedUntil = Swift.max(self.drainedUntil ?? time, time)
        var taken: [RadioInterval] = []
        var index = 0
        while index < self.intervals.count, self.intervals[index].start < time {
            var interval = self.intervals[index]
            if interval.end > time {
                interval.end = time
                self.intervals[index].start = time
                taken.append(interval)
                break
            }
            taken.append(interval)
            index += 1
        }
        self.intervals.removeFirst(index)
        return taken
    }

    /// Cuts the time line at `time`, or at the end of what was already drained if that is later: intervals
    /// that start at or after the cut are forgotten, one that straddles it ends there, and the log's end
    /// becomes the cut if it was later (used when a transfer is cancelled).
    ///
    /// - Returns: The cut.
    @discardableResult
    mutating func truncate(at time: SimTime) -> SimTime {
        let cut = Swift.max(time, self.drainedUntil ?? time)
        self.intervals.removeAll { $0.start >= cut }
        if let last = self.intervals.last, last.end > cut { self.intervals[self.intervals.count - 1].end = cut }
        if let end = self.end, end > cut { self.end = cut }
        return cut
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
