// SPDX-License-Identifier: GPL-3.0-or-later

/// How one participation (one round's download, training and upload on one device) ended.
///
/// The raw value is the `outcome` string of the per-participation trace `devices.csv`. Only
/// ``droppedBattery`` coincides with the device's death; every other outcome leaves the device alive, and
/// an offline device comes back (DESIGN rule 8).
public enum ParticipationOutcome: String, CaseIterable, Codable, Hashable, Sendable {
    /// The device finished and its update was delivered.
    case completed = "completed"
    /// The battery reached its cutoff during the participation; the device is dead.
    case droppedBattery = "dropped_battery"
    /// The link failed (retries exhausted); the device lives on.
    case droppedLink = "dropped_link"
    /// The device went offline (availability model or trace); it comes back later.
    case droppedOffline = "dropped_offline"
    /// The training plan does not fit the device's memory cap for this participation.
    case outOfMemory = "oom"
    /// Training produced a non-finite value (NaN or infinity).
    case numericalFailure = "nan"

    /// The trace's outcome string (`completed`, `dropped_battery`, `dropped_link`, `dropped_offline`, `oom`,
    /// `nan`).
    @inlinable public var outcome: String { self.rawValue }
}
