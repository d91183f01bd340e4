// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Why a device left a round (or the run) before finishing.
///
/// The raw value is the `outcome` string the device trace (`devices.csv`) records.
public enum DropoutCause: String, CaseIterable, Codable, Hashable, Sendable {
    /// The battery reached its cutoff.
    case battery = "dropped_battery"
    /// The device went offline (availability model or trace).
    case offline = "dropped_offline"
    /// The link failed: retries exhausted.
    case link = "dropped_link"
    /// The training plan does not fit the device's memory cap.
    case outOfMemory = "oom"
    /// Training produced a non-finite value (NaN or infinity).
    case numericalFailure = "nan"

    /// The trace's outcome string (`dropped_battery`, `dropped_offline`, `dropped_link`, `oom`, `nan`).
    @inlinable public var outcome: String { self.rawValue }
}

/// A device dropped out at a time, for a cause.
public struct Dropout: Hashable, Sendable, CustomStringConvertible {
    /// The device.
    public var device: UInt64
    /// When it dropped out.
    public var time: SimTime
    /// Why.
    public var cause: DropoutCause

    /// Creates a dropout record.
    public init(device: UInt64, time: SimTime, cause: DropoutCause) {
        self.device = device
        self.time = time
        self.cause = cause
    }

    public var description: String {
        "device \(self.device) \(self.cause.outcome) at \(self.time.nanoseconds) ns"
    }
}
