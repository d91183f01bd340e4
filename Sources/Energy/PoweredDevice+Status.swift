// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Status events: each accounts up to the event's time first, so a battery that ran flat before it wins
/// (the call then returns the death's actions and the event does not happen).
extension PoweredDevice {
    /// The device went offline at `time`: the participation in progress (if any) ends with
    /// `dropped_offline`, and the radio and MCU go to sleep.
    ///
    /// - Parameter time: When.
    /// - Returns: ``DeviceLifecycle/wentOffline(at:)``'s actions (the sleep already performed), or the
    ///   battery death's actions if the battery died first.
    /// - Throws: ``LifecycleError`` for a time in the past, a dead device, or a device already offline.
    public mutating func wentOffline(at time: SimTime) throws(LifecycleError) -> [DeviceLifecycle.Action] {
        if let death = try self.advance(to: time) { return death.actions }
        let actions = try self.lifecycle.wentOffline(at: time)
        if actions.contains(.sleep) { self.sleepBothComponents() }
        return actions
    }

    /// The device came back online at `time`.
    ///
    /// - Parameter time: When.
    /// - Returns: `[.available]`, or the battery death's actions.
    /// - Throws: ``LifecycleError`` for a time in the past, a dead device, or a device not offline.
    public mutating func cameOnline(at time: SimTime) throws(LifecycleError) -> [DeviceLifecycle.Action] {
        if let death = try self.advance(to: time) { return death.actions }
        return try self.lifecycle.cameOnline(at: time)
    }

    /// A participation started at `time`.
    ///
    /// - Parameter time: When.
    /// - Returns: No actions, or the battery death's actions.
    /// - Throws: ``LifecycleError`` unless the device is online and idle.
    public mutating func participationStarted(at time: SimTime) throws(LifecycleError) -> [DeviceLifecycle.Action] {
        if let death = try self.advance(to: time) { return death.actions }
        return try self.lifecycle.participationStarted(at: time)
    }

    /// The participation in progress ended at `time` with `outcome` (`completed`, `dropped_link`, `oom`,
    /// `nan`).
    ///
    /// - Parameters:
    ///   - outcome: How it ended.
    ///   - time: When.
    /// - Returns: ``DeviceLifecycle/participationEnded(_:at:)``'s actions, or the battery death's actions
    ///   (then the participation's one outcome is `dropped_battery`).
    /// - Throws: ``LifecycleError`` unless the device is busy, or for `dropped_offline`/`dropped_battery`.
    public mutating func participationEnded(_ outcome: ParticipationOutcome, at time: SimTime)
        throws(LifecycleError) -> [DeviceLifecycle.Action]
    {
        if let death = try self.advance(to: time) { return death.actions }
        return try self.lifecycle.participationEnded(outcome, at: time)
    }

    /// The manifest excludes the device at `time` (e.g. its training plan cannot fit its memory).
    ///
    /// - Parameters:
    ///   - reason: Why, for reports.
    ///   - time: When.
    /// - Returns: The death's actions (the battery's, if it died first).
    /// - Throws: ``LifecycleError`` for a dead or busy device.
    public mutating func excluded(reason: String, at time: SimTime) throws(LifecycleError) -> [DeviceLifecycle.Action] {
        if let death = try self.advance(to: time) { return death.actions }
        return try self.lifecycle.excluded(reason: reason, at: time)
    }

    private mutating func sleepBothComponents() {
        do {
            self.radioCurrent = try self.ledger.profile.current(for: .radio(.sleep))
        } catch {
            preconditionFailure("a validated radio profile always prices sleep: \(error)")
        }
        self.radioState = .sleep
        self.mcuState = .sleep
        self.mcuCurrent = self.ledger.profile.mcu.current(for: .sleep)
    }
}
