// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Why state intervals could not be turned into a current schedule.
public enum ScheduleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Two intervals of the same component overlap.
    case overlap(StateInterval, StateInterval)
    /// An interval starts before the schedule does.
    case beforeStart(StateInterval, start: SimTime)
    /// The profile has no current for a state.
    case profile(ProfileError)

    public var description: String {
        switch self {
        case .overlap(let first, let second):
            "\(first.component.rawValue) intervals overlap: \(first.state.label) [\(first.start.nanoseconds), "
                + "\(first.end.nanoseconds)) ns and \(second.state.label) [\(second.start.nanoseconds), "
                + "\(second.end.nanoseconds)) ns (expected one state per component at a time)"
        case .beforeStart(let interval, let start):
            "interval \(interval.state.label) starts at \(interval.start.nanoseconds) ns, before the schedule's "
                + "start at \(start.nanoseconds) ns"
        case .profile(let error): error.description
        }
    }
}

/// A device's total current draw over time: piecewise constant from a start, then a constant tail.
///
/// Built from the state intervals of both components; where a component has no interval it is in its
/// default state (sleep unless told otherwise). This is what a scenario hands to
/// ``Battery/cutoffTime(following:)`` to learn when a planned sequence of activity would flatten the
/// battery.
public struct CurrentSchedule: Hashable, Sendable {
    /// A span of constant total current.
    public struct Segment: Hashable, Sendable {
        /// Start (inclusive).
        public var start: SimTime
        /// End (exclusive).
        public var end: SimTime
        /// The total current over the span.
        public var current: Current

        /// Creates a segment.
        public init(start: SimTime, end: SimTime, current: Current) {
            self.start = start
            self.end = end
            self.current = current
        }
    }

    /// When the schedule starts.
    public let start: SimTime
    /// Contiguous segments from ``start``; adjacent segments have different currents.
    public let segments: [Segment]
    /// The current after the last segment, forever (both components in their default states).
    public let tail: Current

    /// Builds the schedule.
    ///
    /// - Parameters:
    ///   - intervals: State intervals of either component, in any order; zero-length ones are ignored.
    ///   - profile: Prices the states.
    ///   - start: The schedule's start; no interval may start earlier.
    ///   - radioDefault: The radio's state outside its intervals.
    ///   - mcuDefault: The MCU's state outside its intervals.
    /// - Throws: ``ScheduleError`` for overlapping intervals of one component, an interval before
    ///   `start`, or a state the profile cannot price.
    /// - Complexity: O(n log n) for n intervals.
    public init(
        intervals: [StateInterval], profile: DevicePowerProfile, from start: SimTime,
        radioDefault: RadioState = .sleep, mcuDefault: MCUState = .sleep
    ) throws(ScheduleError) {
        let defaults: [Component: PowerState] = [.radio: .radio(radioDefault), .mcu: .mcu(mcuDefault)]
        var byComponent: [Component: [StateInterval]] = [:]
        var boundaries: Set<SimTime> = [start]
        for interval in intervals where interval.end > interval.start {
            guard interval.start >= start else { throw .beforeStart(interval, start: start) }
            byComponent[interval.component, default: []].append(interval)
            boundaries.insert(interval.start)
            boundaries.insert(interval.end)
        }
        var currents: [Component: [Current]] = [:]
        var defaultCurrents: [Component: Current] = [:]
        do {
            for component in Component.allCases {
                let sorted = (byComponent[component] ?? []).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
                for (previous, next) in zip(sorted, sorted.dropFirst()) where next.start < previous.end {
                    throw ScheduleError.overlap(previous, next)
                }
                byComponent[component] = sorted
                currents[component] = try sorted.map { (interval) throws(ProfileError) in
                    try profile.current(for: interval.state)
                }
                defaultCurrents[component] = try profile.current(for: defaults[component]!)
            }
        } catch let error as ScheduleError {
            throw error
        } catch let error as ProfileError {
            throw .profile(error)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        let times = boundaries.sorted()
        var cursor: [Component: Int] = [.radio: 0, .mcu: 0]
        var segments: [Segment] = []
        for (from, to) in zip(times, times.dropFirst()) {
            var total = Current.zero
            for component in Component.allCases {
                let list = byComponent[component] ?? []
                var index = cursor[component]!
                while index < list.count, list[index].end <= from { index += 1 }
                cursor[component] = index
                if index < list.count, list[index].start <= from {
                    total = total + currents[component]![index]
                } else {
                    total = total + defaultCurrents[component]!
                }
            }
            if let last = segments.last, last.current == total {
                segments[segments.count - 1].end = to
            } else {
                segments.append(Segment(start: from, end: to, current: total))
            }
        }
        self.start = start
        self.segments = segments
        self.tail = defaultCurrents[.radio]! + defaultCurrents[.mcu]!
    }

    /// Where the segments end and the tail begins.
    public var end: SimTime { self.segments.last?.end ?? self.start }

    /// The total current at `time` (≥ ``start``).
    public func current(at time: SimTime) -> Current {
        if time >= self.end { return self.tail }
        var low = 0
        var high = self.segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if self.segments[middle].start <= time { low = middle } else { high = middle - 1 }
        }
        return self.segments[low].current
    }

    /// The charge drawn over `[start, time)`, exactly.
    public func charge(until time: SimTime) -> Charge {
        var total = Charge.zero
        for segment in self.segments where segment.start < time {
            total = total + Charge(current: segment.current, duration: min(segment.end, time) - segment.start)
        }
        if time > self.end { total = total + Charge(current: self.tail, duration: time - self.end) }
        return total
    }
}

extension Battery {
    /// When the battery, starting from its present state at `schedule.start`, reaches its cutoff while
    /// supplying `schedule`.
    ///
    /// Exact to the nanosecond (see ``timeToCutoff(at:)``). Harvesting is not anticipated: a scenario
    /// recharges the battery when a harvest happens and asks again.
    /// - Returns: The absolute time, or `nil` if the battery outlasts the schedule and its tail draws
    ///   nothing (or the time is beyond ``SimTime/max``).
    public func cutoffTime(following schedule: CurrentSchedule) -> SimTime? {
        var battery = self
        for segment in schedule.segments {
            if let elapsed = battery.discharge(at: segment.current, for: segment.end - segment.start) {
                return segment.start + elapsed
            }
        }
        guard let elapsed = battery.timeToCutoff(at: schedule.tail) else { return nil }
        let (sum, overflow) = schedule.end.nanoseconds.addingReportingOverflow(elapsed.nanoseconds)
        return overflow ? nil : SimTime(nanoseconds: sum)
    }
}
