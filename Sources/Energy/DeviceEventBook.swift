// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Keeps track of each device's pending events on a ``Simulator`` in two kinds, and each battery device's
/// cutoff event at its predicted time.
///
/// - *Device events* (``schedule(_:for:at:on:)``): what belongs to the device as long as it lives — its
///   availability changes, harvest pulses.
/// - *Participation events* (``scheduleParticipation(_:for:at:on:)``): the steps of the participation in
///   progress — end of download, of training, of upload.
///
/// ``endParticipation(of:on:)`` (for ``DeviceLifecycle/Action/cancelParticipationEvents``) cancels only
/// the participation events: the device lives on and its availability events still fire.
/// ``bury(_:on:)`` (for ``DeviceLifecycle/Action/cancelAllEvents``) cancels everything, the cutoff event
/// included. ``updateCutoff(of:event:on:)`` after every change to a ``PoweredDevice`` keeps the one
/// pending cutoff event at ``PoweredDevice/predictedCutoff()``. Handles of events that have already fired
/// are forgotten lazily. Generic over the scenario's event type and `@inlinable`, so it specialises to
/// that type.
public struct DeviceEventBook<Event> {
    @usableFromInline var pending: [UInt64: [EventHandle]] = [:]
    @usableFromInline var participation: [UInt64: [EventHandle]] = [:]
    @usableFromInline var pruneAt: [UInt64: Int] = [:]
    @usableFromInline var cutoffs: [UInt64: EventHandle] = [:]

    /// An empty book.
    @inlinable
    public init() {}

    /// Schedules a device event (kept until the device dies) for `device` at `time`.
    ///
    /// - Parameters:
    ///   - event: The event.
    ///   - device: Its device.
    ///   - time: When.
    ///   - simulator: The simulator to schedule on.
    /// - Returns: The event's handle.
    /// - Throws: ``SchedulingError`` if `time` is before the simulator's clock.
    /// - Complexity: amortised O(log n) (pruning fired handles is amortised over insertions).
    @inlinable
    @discardableResult
    public mutating func schedule(
        _ event: Event, for device: UInt64, at time: SimTime, on simulator: inout Simulator<Event>
    ) throws(SchedulingError) -> EventHandle {
        try self.schedule(event, for: device, at: time, on: &simulator, into: \.pending)
    }

    /// Schedules an event of `device`'s participation in progress at `time`.
    ///
    /// - Parameters:
    ///   - event: The event.
    ///   - device: Its device.
    ///   - time: When.
    ///   - simulator: The simulator to schedule on.
    /// - Returns: The event's handle.
    /// - Throws: ``SchedulingError`` if `time` is before the simulator's clock.
    @inlinable
    @discardableResult
    public mutating func scheduleParticipation(
        _ event: Event, for device: UInt64, at time: SimTime, on simulator: inout Simulator<Event>
    ) throws(SchedulingError) -> EventHandle {
        try self.schedule(event, for: device, at: time, on: &simulator, into: \.participation)
    }

    @inlinable
    mutating func schedule(
        _ event: Event, for device: UInt64, at time: SimTime, on simulator: inout Simulator<Event>,
        into table: WritableKeyPath<Self, [UInt64: [EventHandle]]>
    ) throws(SchedulingError) -> EventHandle {
        let handle = try simulator.schedule(event, at: time)
        var handles = self[keyPath: table][device, default: []]
        handles.append(handle)
        if handles.count >= self.pruneAt[device, default: 16] {
            handles.removeAll { !simulator.isPending($0) }
            self.pruneAt[device] = max(16, 2 * handles.count)
        }
        self[keyPath: table][device] = handles
        return handle
    }

    /// How many of `device`'s scheduled events are still pending (participation and cutoff events
    /// included).
    ///
    /// - Parameters:
    ///   - device: The device.
    ///   - simulator: The simulator they are on.
    /// - Returns: The count.
    @inlinable
    public func pendingCount(of device: UInt64, in simulator: borrowing Simulator<Event>) -> Int {
        let events = (self.pending[device] ?? []).count { simulator.isPending($0) }
        let cutoff = self.cutoffs[device].map { simulator.isPending($0) ? 1 : 0 } ?? 0
        return events + self.pendingParticipationCount(of: device, in: simulator) + cutoff
    }

    /// How many of `device`'s participation events are still pending.
    ///
    /// - Parameters:
    ///   - device: The device.
    ///   - simulator: The simulator they are on.
    /// - Returns: The count.
    @inlinable
    public func pendingParticipationCount(of device: UInt64, in simulator: borrowing Simulator<Event>) -> Int {
        (self.participation[device] ?? []).count { simulator.isPending($0) }
    }

    /// Moves `device`'s cutoff event to its predicted cutoff time (or removes it when there is none).
    ///
    /// - Parameters:
    ///   - device: The device after its latest change.
    ///   - event: The event to deliver at the cutoff (the scenario then calls ``PoweredDevice/advance(to:)``).
    ///   - simulator: The simulator to schedule on.
    /// - Throws: ``SchedulingError`` if the predicted time is before the simulator's clock — which means
    ///   the device was not advanced to the present before asking.
    @inlinable
    public mutating func updateCutoff(
        of device: PoweredDevice, event: Event, on simulator: inout Simulator<Event>
    ) throws(SchedulingError) {
        if let old = self.cutoffs.removeValue(forKey: device.id) { simulator.cancel(old) }
        if let time = device.predictedCutoff() {
            self.cutoffs[device.id] = try simulator.schedule(event, at: time)
        }
    }

    /// Cancels the pending events of `device`'s participation; its device events and cutoff stay.
    ///
    /// - Parameters:
    ///   - device: The device, which lives on.
    ///   - simulator: The simulator they are on.
    /// - Returns: How many events were cancelled.
    @inlinable
    @discardableResult
    public mutating func endParticipation(of device: UInt64, on simulator: inout Simulator<Event>) -> Int {
        var cancelled = 0
        for handle in self.participation.removeValue(forKey: device) ?? [] where simulator.cancel(handle) {
            cancelled += 1
        }
        return cancelled
    }

    /// Cancels every pending event of the dead device, participation and cutoff events included.
    ///
    /// - Parameters:
    ///   - death: The device's death.
    ///   - simulator: The simulator they are on.
    /// - Returns: How many events were cancelled.
    @inlinable
    @discardableResult
    public mutating func bury(_ death: Death, on simulator: inout Simulator<Event>) -> Int {
        var cancelled = self.endParticipation(of: death.device, on: &simulator)
        for handle in self.pending.removeValue(forKey: death.device) ?? [] where simulator.cancel(handle) {
            cancelled += 1
        }
        if let cutoff = self.cutoffs.removeValue(forKey: death.device), simulator.cancel(cutoff) { cancelled += 1 }
        self.pruneAt[death.device] = nil
        return cancelled
    }

    /// Performs the event-cancelling actions among `actions` for `device`
    /// (``DeviceLifecycle/Action/cancelParticipationEvents`` and ``DeviceLifecycle/Action/cancelAllEvents``);
    /// the scenario handles the others.
    ///
    /// - Parameters:
    ///   - actions: A status event's actions.
    ///   - device: The device.
    ///   - simulator: The simulator its events are on.
    /// - Returns: How many events were cancelled.
    @inlinable
    @discardableResult
    public mutating func perform(
        _ actions: [DeviceLifecycle.Action], for device: UInt64, on simulator: inout Simulator<Event>
    ) -> Int {
        var cancelled = 0
        for action in actions {
            switch action {
            case .cancelParticipationEvents: cancelled += self.endParticipation(of: device, on: &simulator)
            case .died(let death): cancelled += self.bury(death, on: &simulator)
            case .cancelAllEvents, .participationEnded, .sleep, .available: break
            }
        }
        return cancelled
    }
}
