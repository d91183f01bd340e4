// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// What a device is doing as far as the run is concerned.
public enum DeviceStatus: String, CaseIterable, Hashable, Sendable {
    /// Available and idle: the server may give it work.
    case online
    /// Not available (switched off, out of reach); it comes back.
    case offline
    /// Online and participating (downloading, training or uploading).
    case busy
    /// Gone for good (flat battery or excluded).
    case dead
}

/// One device's status as a state machine (DESIGN rules 7 and 8): an event in, the actions it causes
/// out, in a fixed order; the scenario performs the actions.
///
/// Status (online / offline / busy) comes and goes; a participation ends with exactly one
/// ``ParticipationOutcome``; only ``batteryDepleted(at:)`` or ``excluded(reason:at:)`` ends the device.
///
/// | state \ event | wentOffline | cameOnline | participationStarted | participationEnded | batteryDepleted / excluded |
/// |---|---|---|---|---|---|
/// | online | → offline: sleep | error | → busy | error | → dead |
/// | offline | error | → online: available | error | error | → dead |
/// | busy | → offline: ended(dropped_offline), cancel participation, sleep | error | error | → online: ended(outcome) | → dead (battery: ended(dropped_battery) first) |
/// | dead | error | error | error | error | error |
///
/// Errors are ``LifecycleError`` values (never a crash): ``LifecycleError/afterDeath(_:requested:)`` once
/// dead, ``LifecycleError/invalidTransition(device:status:event:)`` otherwise.
public struct DeviceLifecycle: Hashable, Sendable {
    /// What the scenario must do after an event.
    public enum Action: Hashable, Sendable {
        /// Record the participation's one outcome (a `devices.csv` row).
        case participationEnded(ParticipationOutcome)
        /// Cancel the pending events of the participation in progress; keep the device's availability
        /// events and its battery cutoff (``DeviceEventBook/endParticipation(of:on:)``).
        case cancelParticipationEvents
        /// The radio and MCU go to their sleep states: an offline device still draws its sleep current.
        case sleep
        /// The device is available again; the server may give it work.
        case available
        /// Record the death.
        case died(Death)
        /// Cancel everything the device has pending, cutoff included (``DeviceEventBook/bury(_:on:)``).
        case cancelAllEvents
    }

    /// An event, for error reports.
    public enum Event: String, Hashable, Sendable {
        /// ``DeviceLifecycle/wentOffline(at:)``.
        case wentOffline
        /// ``DeviceLifecycle/cameOnline(at:)``.
        case cameOnline
        /// ``DeviceLifecycle/participationStarted(at:)``.
        case participationStarted
        /// ``DeviceLifecycle/participationEnded(_:at:)``.
        case participationEnded
        /// ``DeviceLifecycle/excluded(reason:at:)``.
        case excluded
        /// A radio or MCU state other than sleep was requested (``PoweredDevice``): an offline device sleeps.
        case wake
    }

    private enum State: Hashable, Sendable {
        case online
        case offline
        case busy
        case dead(Death)
    }

    /// The device's id.
    public let device: UInt64
    private var state: State

    /// A living device, online or offline.
    ///
    /// - Parameters:
    ///   - device: The device's id.
    ///   - isOnline: Its initial availability.
    public init(device: UInt64, isOnline: Bool = true) {
        self.device = device
        self.state = isOnline ? .online : .offline
    }

    /// The present status.
    public var status: DeviceStatus {
        switch self.state {
        case .online: .online
        case .offline: .offline
        case .busy: .busy
        case .dead: .dead
        }
    }

    /// The death, once dead.
    public var death: Death? {
        if case .dead(let death) = self.state { return death }
        return nil
    }

    /// The device went offline at `time`.
    ///
    /// - Returns: From online, `[.sleep]`; from busy, `[.participationEnded(.droppedOffline),
    ///   .cancelParticipationEvents, .sleep]` — the device's availability events and cutoff stay.
    /// - Throws: ``LifecycleError`` when already offline or dead.
    public mutating func wentOffline(at time: SimTime) throws(LifecycleError) -> [Action] {
        switch self.state {
        case .online:
            self.state = .offline
            return [.sleep]
        case .busy:
            self.state = .offline
            return [.participationEnded(.droppedOffline), .cancelParticipationEvents, .sleep]
        case .offline: throw self.invalid(.wentOffline)
        case .dead(let death): throw .afterDeath(death, requested: time)
        }
    }

    /// The device came back online at `time`.
    ///
    /// - Returns: `[.available]`.
    /// - Throws: ``LifecycleError`` unless the device is offline.
    public mutating func cameOnline(at time: SimTime) throws(LifecycleError) -> [Action] {
        switch self.state {
        case .offline:
            self.state = .online
            return [.available]
        case .online, .busy: throw self.invalid(.cameOnline)
        case .dead(let death): throw .afterDeath(death, requested: time)
        }
    }

    /// A participation started at `time`.
    ///
    /// - Returns: No actions; the device is busy.
    /// - Throws: ``LifecycleError`` unless the device is online and idle.
    public mutating func participationStarted(at time: SimTime) throws(LifecycleError) -> [Action] {
        switch self.state {
        case .online:
            self.state = .busy
            return []
        case .offline, .busy: throw self.invalid(.participationStarted)
        case .dead(let death): throw .afterDeath(death, requested: time)
        }
    }

    /// The participation in progress ended at `time` with `outcome`.
    ///
    /// - Parameter outcome: `completed`, `dropped_link`, `oom` or `nan`. `dropped_offline` comes from
    ///   ``wentOffline(at:)`` and `dropped_battery` from ``batteryDepleted(at:)``, so that each
    ///   participation ends exactly once.
    /// - Returns: `[.participationEnded(outcome), .cancelParticipationEvents, .available]`.
    /// - Throws: ``LifecycleError`` unless the device is busy, or for an outcome another event owns.
    public mutating func participationEnded(_ outcome: ParticipationOutcome, at time: SimTime) throws(LifecycleError)
        -> [Action]
    {
        switch self.state {
        case .busy:
            guard outcome != .droppedOffline, outcome != .droppedBattery else {
                throw self.invalid(.participationEnded)
            }
            self.state = .online
            return [.participationEnded(outcome), .cancelParticipationEvents, .available]
        case .online, .offline: throw self.invalid(.participationEnded)
        case .dead(let death): throw .afterDeath(death, requested: time)
        }
    }

    /// The battery reached its cutoff at `time`.
    ///
    /// - Returns: ``Death/actions``: a busy device's participation ends with `dropped_battery`, then the
    ///   device dies and everything it has pending is cancelled.
    /// - Throws: ``LifecycleError/afterDeath(_:requested:)`` when already dead.
    public mutating func batteryDepleted(at time: SimTime) throws(LifecycleError) -> [Action] {
        try self.die(.battery, at: time)
    }

    /// The manifest excludes the device at `time` (e.g. it cannot fit the model).
    ///
    /// - Returns: ``Death/actions`` for an exclusion.
    /// - Throws: ``LifecycleError`` when dead, or busy (end the participation first: an exclusion is
    ///   decided between participations).
    public mutating func excluded(reason: String, at time: SimTime) throws(LifecycleError) -> [Action] {
        if case .busy = self.state { throw self.invalid(.excluded) }
        return try self.die(.excluded(reason: reason), at: time)
    }

    private mutating func die(_ cause: DeathCause, at time: SimTime) throws(LifecycleError) -> [Action] {
        let busy: Bool
        switch self.state {
        case .online, .offline: busy = false
        case .busy: busy = true
        case .dead(let death): throw .afterDeath(death, requested: time)
        }
        let death = Death(device: self.device, time: time, cause: cause, interruptedParticipation: busy)
        self.state = .dead(death)
        return death.actions
    }

    func invalid(_ event: Event) -> LifecycleError {
        .invalidTransition(device: self.device, status: self.status, event: event)
    }
}
