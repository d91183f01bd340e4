// SPDX-License-Identifier: GPL-3.0-or-later

/// An attempt to schedule an event before the current simulated time.
public struct SchedulingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The simulator's clock when the call was made.
    public var now: SimTime
    /// The time that was asked for.
    public var requested: SimTime

    /// Creates the error.
    public init(now: SimTime, requested: SimTime) {
        self.now = now
        self.requested = requested
    }

    public var description: String {
        "cannot schedule an event at \(self.requested) because simulated time is already \(self.now)"
    }
}

/// How a call to ``Simulator/run(until:stopWhen:handler:)`` ended.
public enum RunOutcome: Equatable, Sendable {
    /// No event was left to process.
    case queueEmpty
    /// The next pending event lies after the requested end time.
    case reachedEnd
    /// The stop predicate returned `true` after an event.
    case stopped
}

/// A discrete-event simulator: a clock and a queue of pending events of the caller's `Event` type.
///
/// The simulator owns no model state; the caller's handler receives each event with the simulator
/// (`inout`) so it can schedule follow-ups. Equal-time events are handled in the order they were
/// scheduled. Time never moves backwards: scheduling into the past is an error.
///
/// ```swift
/// enum Event { case arrival, departure }
/// var sim = Simulator<Event>()
/// try sim.schedule(.arrival, at: .seconds(1))
/// sim.run(until: .hours(1)) { sim, event in ... }
/// ```
@frozen
public struct Simulator<Event> {
    @usableFromInline var currentTime: SimTime = .zero
    @usableFromInline var handledCount: Int = 0
    @usableFromInline var queue = EventQueue<Event>()

    /// Creates a simulator at time zero with no pending events.
    public init() {}

    /// The current simulated time: the time of the event being (or last) handled.
    @inlinable public var now: SimTime { self.currentTime }

    /// How many events have been handled so far.
    @inlinable public var eventCount: Int { self.handledCount }

    /// The number of pending events.
    @inlinable public var pendingCount: Int { self.queue.count }

    /// Schedules `event` at absolute time `time`.
    ///
    /// - Returns: A handle for ``cancel(_:)``.
    /// - Throws: ``SchedulingError`` if `time` is before ``now``. An event at exactly ``now`` runs after
    ///   every event already scheduled for ``now``.
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ event: Event, at time: SimTime) throws(SchedulingError) -> EventHandle {
        guard time >= self.now else { throw SchedulingError(now: self.now, requested: time) }
        return self.queue.insert(event, at: time)
    }

    /// Schedules `event` after a non-negative `delay` from ``now``.
    ///
    /// - Throws: ``SchedulingError`` if `delay` is negative.
    /// - Complexity: O(log n).
    @inlinable
    @discardableResult
    public mutating func schedule(_ event: Event, after delay: SimTime) throws(SchedulingError) -> EventHandle {
        try self.schedule(event, at: self.now + delay)
    }

    /// Cancels a pending event; returns whether it was pending.
    @inlinable
    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool { self.queue.cancel(handle) }

    /// Whether the event behind `handle` is still pending.
    @inlinable
    public func isPending(_ handle: EventHandle) -> Bool { self.queue.isPending(handle) }

    /// The time of the next pending event, if any.
    @inlinable
    public mutating func nextEventTime() -> SimTime? { self.queue.nextTime() }

    /// Pops the next event and advances the clock to its time, without calling any handler.
    ///
    /// - Returns: The event, or `nil` when none is pending.
    @inlinable
    public mutating func step() -> Event? {
        guard let (time, event) = self.queue.popFirst() else { return nil }
        self.currentTime = time
        self.handledCount &+= 1
        return event
    }

    /// Handles events in time order until none is left, the next one lies after `end`, or `stopWhen`
    /// says to stop.
    ///
    /// Events at exactly `end` are handled. When the run ends because the next event lies after a finite
    /// `end`, or because the queue emptied before a finite `end`, the clock is set to `end` (like SimPy's
    /// `run(until:)`); events after `end` stay pending, so a later call continues where this one stopped.
    ///
    /// - Parameters:
    ///   - end: The last simulated time to handle; ``SimTime/max`` for no limit.
    ///   - stopWhen: Checked after every handled event; returning `true` ends the run at that event's time.
    ///   - handler: Called with the simulator and each event.
    /// - Returns: Why the run ended.
    @inlinable
    @discardableResult
    public mutating func run(
        until end: SimTime = .max,
        stopWhen: ((borrowing Simulator<Event>) -> Bool)? = nil,
        handler: (inout Simulator<Event>, Event) throws -> Void
    ) rethrows -> RunOutcome {
        while true {
            guard let next = self.queue.nextTime() else {
                if end != .max, end > self.currentTime { self.currentTime = end }
                return .queueEmpty
            }
            if next > end {
                self.currentTime = end
                return .reachedEnd
            }
            let event = self.step()!
            try handler(&self, event)
            if let stopWhen, stopWhen(self) { return .stopped }
        }
    }
}
