// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Why a device left the run for good: a flat battery, or an exclusion the manifest asks for.
public enum DeathCause: Hashable, Sendable {
    /// The battery reached its cutoff.
    case battery
    /// The manifest excludes the device (e.g. it cannot fit the model); `reason` says why, for reports.
    case excluded(reason: String)
}

/// A device's terminal death: after it nothing more happens to the device.
///
/// Going offline, a link failure or an out-of-memory participation are *not* deaths; they end one
/// participation (``ParticipationOutcome``) and the device lives on.
public struct Death: Hashable, Sendable, CustomStringConvertible {
    /// The device.
    public var device: UInt64
    /// When it died.
    public var time: SimTime
    /// Why.
    public var cause: DeathCause
    /// Whether a participation was in progress; it then ends with ``ParticipationOutcome/droppedBattery``
    /// (see ``actions``).
    public var interruptedParticipation: Bool

    /// Creates a death record.
    ///
    /// - Parameters:
    ///   - device: The device id.
    ///   - time: When it died.
    ///   - cause: Why.
    ///   - interruptedParticipation: Whether a participation was in progress.
    public init(device: UInt64, time: SimTime, cause: DeathCause, interruptedParticipation: Bool = false) {
        self.device = device
        self.time = time
        self.cause = cause
        self.interruptedParticipation = interruptedParticipation
    }

    /// What the scenario must do, in this order: record the interrupted participation's one outcome (if
    /// any), record the death, cancel everything the device has pending (its cutoff event included).
    public var actions: [DeviceLifecycle.Action] {
        var actions: [DeviceLifecycle.Action] = []
        if self.interruptedParticipation { actions.append(.participationEnded(.droppedBattery)) }
        actions.append(.died(self))
        actions.append(.cancelAllEvents)
        return actions
    }

    public var description: String {
        switch self.cause {
        case .battery: "device \(self.device) died (battery) at \(self.time.nanoseconds) ns"
        case .excluded(let reason): "device \(self.device) excluded (\(reason)) at \(self.time.nanoseconds) ns"
        }
    }
}

/// The former name of ``Death``: what `PoweredDevice.enter(_:at:)` returns when the
/// battery dies.
public typealias Dropout = Death
