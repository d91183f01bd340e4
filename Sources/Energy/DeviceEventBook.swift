// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Keeps track of each device's pending events on a ``Simulator`` so that a device that drops out has
/// none left, and keeps each battery device's cutoff event at its predicted time.
///
/// The scenario schedules device events through the book (``schedule(_:for:at:on:)``), calls
/// ``updateCutoff(of:event:on:)`` after every change to a ``PoweredDevice`` (which moves the device's one
/// pending cutoff event to ``PoweredDevice/predictedCutoff()``), and calls ``dropOut(_:on:)`` when the
/// device drops out, which cancels everything the device still had pending. Handles of events that
/// have already fired are forgotten lazily. Generic over the scenario's event type and `@inlinable`,
/// so it specialises to that type.
public struct DeviceEventBook<Event> {
    @usableFromInline var pending: [UInt64: [EventHandle]] = [:]
    @usableFromInline var pruneAt: [UInt64: Int] = [:]
    @usableFromInline var cutoffs: [UInt64: EventHandle] = [:]

    /// An empty book.
    @inlinable
    public init() {}

    /// Schedules `event` for `device` at `time`.
    ///
    /// - Throws: ``SchedulingError`` if `time` is before the simulator's clock.
    /// - Complexity: amortised O(log n) (pruning fired handles is amortised over insertions).
    @inlinable
    @discardableResult
    public mutating func schedule(
        _ event: Event, for device: UInt64, at time: SimTime, on simulator: inout Simulator<Event>
    ) throws(SchedulingError) -> EventHandle {
        let handle = try simulator.schedule(event, at: time)
        var handles = self.pending[device, default: []]
        handles.append(handle)
        if handles.count >= self.pruneAt[device, default: 16] {
            handles.removeAll { !simulator.isPending($0) }
            self.pruneAt[device] = max(16, 2 * handles.count)
        }
        self.pending[device] = handles
        return handle
    }

    /// How many of `device`'s scheduled events are still pending (cutoff event included).
    @inlinable
    public func pendingCount(of device: UInt64, in simulator: borrowing Simulator<Event>) -> Int {
        let events = (self.pending[device] ?? []).count { simulator.isPending($0) }
        let cutoff = self.cutoffs[device].map { simulator.isPending($0) ? 1 : 0 } ?? 0
        return events + cutoff
    }

    /// Moves `device`'s cutoff event to its predicted cutoff time (or removes it when there is none).
    ///
    /// - Parameters:
    ///   - device: The device after its latest change.
    ///   - event: The event to deliver at the cutoff (the scenario then calls ``PoweredDevice/advance(to:)``).
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

    /// Cancels every pending event of `dropout.device`, its cutoff event included.
    ///
    /// - Returns: How many events were cancelled.
    @inlinable
    @discardableResult
    public mutating func dropOut(_ dropout: Dropout, on simulator: inout Simulator<Event>) -> Int {
        var cancelled = 0
        for handle in self.pending.removeValue(forKey: dropout.device) ?? [] where simulator.cancel(handle) {
            cancelled += 1
        }
        if let cutoff = self.cutoffs.removeValue(forKey: dropout.device), simulator.cancel(cutoff) { cancelled += 1 }
        self.pruneAt[dropout.device] = nil
        return cancelled
    }
}
