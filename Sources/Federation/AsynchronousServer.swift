// SPDX-License-Identifier: GPL-3.0-or-later

/// The server of an asynchronous or semi-asynchronous strategy (FedAsync, FedBuff, FTTE) as a state
/// machine: each event (a device is idle, an update arrived, a device was lost, a device went offline)
/// returns the work assignments it causes, for the caller to turn into download events.
///
/// At most ``concurrency`` devices train at once (FedBuff's concurrency limit, Nguyen et al. 2022 §3). An idle
/// device gets the current version when a slot is free; otherwise it joins the ``waiting`` queue. Whenever a
/// slot frees (an update arrived, a training device was lost or went offline), the waiting devices get slots
/// first-in first-out, in the order their idle events came, each with the version current after the event
/// (so after the step an arriving update caused). A device leaves the queue when it is assigned, lost or goes
/// offline. A device whose update arrived is not re-queued: the caller reports it idle again when it is.
///
/// FedAsync mixes against the version the client trained from, so for it the server keeps the parameters of
/// every version some device still trains from (one shared copy-on-write snapshot per version, released
/// with its last device); FedBuff and FTTE add deltas and hold no snapshot.
///
/// Central differential privacy is refused: it needs a server that samples a cohort with a known
/// probability and noises each release once, while here devices take part when they become idle; in
/// `local` mode each arriving update counts as a participation of its client (``privacyLedger``).
public struct AsynchronousServer: Sendable {
    /// Why an update was discarded.
    public enum IgnoreReason: Equatable, Sendable {
        /// The device is not training (a duplicate, or a device already lost).
        case notTraining(device: Int)
        /// The device trains from another version than the update claims.
        case wrongBaseVersion(expected: Int, got: Int)
    }

    /// What ``updateArrived(_:)`` did.
    public enum UpdateAction: Equatable, Sendable {
        /// Discarded; nothing changed (no slot freed).
        case ignored(IgnoreReason)
        /// The rule took the update (`outcome`), the device's slot freed, and `assignments` went to waiting
        /// devices.
        case aggregated(AggregationOutcome, assignments: [Assignment])
    }

    /// The global model.
    public private(set) var model: GlobalModel
    /// The aggregation rule.
    public private(set) var rule: AsynchronousRule
    /// The most devices training at once.
    public let concurrency: Int
    /// Client-level differential privacy (`local` mode only), if any.
    public let privacy: ClientPrivacy?
    /// What the run has spent (`nil` without privacy).
    public private(set) var privacyLedger: PrivacyLedger?
    /// Device id → the version it is training from.
    public private(set) var inFlight: [Int: Int] = [:]
    /// Idle devices waiting for a slot, first in first out.
    public private(set) var waiting: [Int] = []
    private var snapshots: [Int: (parameters: [[Float]], holders: Int)] = [:]

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - model: The initial model.
    ///   - rule: The aggregation rule.
    ///   - concurrency: The most devices training at once (`strategy.concurrency`).
    ///   - privacy: Client-level DP; only `local` mode.
    /// - Throws: ``FederationConfigurationError`` when `concurrency` < 1, or at `strategy.privacy.mode` for
    ///   `central` mode.
    public init(
        model: GlobalModel, rule: AsynchronousRule, concurrency: Int, privacy: ClientPrivacy? = nil
    ) throws(FederationConfigurationError) {
        guard concurrency >= 1 else {
            throw .invalid("strategy.concurrency", value: "\(concurrency)", expected: "an integer ≥ 1")
        }
        if privacy?.mode == .central {
            throw .invalid(
                "strategy.privacy.mode", value: "central for \(rule.name)",
                expected:
                    "local: central DP-FedAvg accounting needs a server-sampled cohort noised once per round, "
                    + "while asynchronous devices join when idle, so no sampling rate bounds a client's share")
        }
        self.model = model
        self.rule = rule
        self.concurrency = concurrency
        self.privacy = privacy
        self.privacyLedger = privacy.map { PrivacyLedger(privacy: $0) }
    }

    /// A device has nothing to do.
    ///
    /// - Parameter device: The device id.
    /// - Returns: Its assignment when a slot is free; empty when it joins the waiting queue, or is already
    ///   training or waiting (then nothing changes).
    public mutating func deviceIdle(_ device: Int) -> [Assignment] {
        guard self.inFlight[device] == nil, !self.waiting.contains(device) else { return [] }
        guard self.inFlight.count < self.concurrency else {
            self.waiting.append(device)
            return []
        }
        return [self.assign(device)]
    }

    /// A device's update arrived: the rule takes it, the device's slot frees and goes to waiting devices.
    ///
    /// - Parameter update: The update; its client must be training from its base version.
    /// - Returns: The rule's outcome and the assignments, or why the update was ignored.
    public mutating func updateArrived(_ update: ClientUpdate) -> UpdateAction {
        if self.privacy?.mode == .local { self.privacyLedger?.recordParticipation(of: update.clientID) }
        guard let version = self.inFlight[update.clientID] else {
            return .ignored(.notTraining(device: update.clientID))
        }
        guard version == update.baseVersion else {
            return .ignored(.wrongBaseVersion(expected: version, got: update.baseVersion))
        }
        let outcome = self.rule.receive(update, base: self.snapshots[version]?.parameters, into: &self.model)
        self.release(update.clientID)
        return .aggregated(outcome, assignments: self.fillSlots())
    }

    /// A training device's participation ended without an update (battery, link, out of memory); a
    /// waiting device leaves the queue.
    ///
    /// - Parameter device: The device id.
    /// - Returns: The assignments its freed slot causes (empty when it was not training).
    public mutating func deviceLost(_ device: Int) -> [Assignment] {
        self.remove(device)
    }

    /// A device went offline: it leaves the waiting queue, and a training device's participation ends.
    ///
    /// - Parameter device: The device id.
    /// - Returns: The assignments its freed slot causes (empty when it was not training).
    public mutating func deviceOffline(_ device: Int) -> [Assignment] {
        self.remove(device)
    }

    /// Applies what the rule still buffers, at the end of a run (see ``FedBuffAggregator/flush(into:)`` and
    /// ``FTTEAggregator/flush(into:)``).
    ///
    /// - Returns: ``FlushOutcome/empty`` or the step applied.
    public mutating func flush() -> FlushOutcome {
        self.rule.flush(into: &self.model)
    }

    /// Versions whose parameters are held for devices still training (FedAsync only).
    public var heldVersions: [Int] { self.snapshots.keys.sorted() }

    private mutating func remove(_ device: Int) -> [Assignment] {
        self.waiting.removeAll { $0 == device }
        guard self.inFlight[device] != nil else { return [] }
        self.release(device)
        return self.fillSlots()
    }

    private mutating func assign(_ device: Int) -> Assignment {
        let version = self.model.version
        self.inFlight[device] = version
        if self.rule.readsBaseVersion {
            let holders = self.snapshots[version]?.holders ?? 0
            self.snapshots[version] = (self.model.parameters, holders + 1)
        }
        return Assignment(device: device, version: version, parameters: self.model.parameters)
    }

    private mutating func fillSlots() -> [Assignment] {
        var assignments: [Assignment] = []
        while self.inFlight.count < self.concurrency, !self.waiting.isEmpty {
            assignments.append(self.assign(self.waiting.removeFirst()))
        }
        return assignments
    }

    private mutating func release(_ device: Int) {
        guard let version = self.inFlight.removeValue(forKey: device) else { return }
        guard let snapshot = self.snapshots[version] else { return }
        self.snapshots[version] = snapshot.holders > 1 ? (snapshot.parameters, snapshot.holders - 1) : nil
    }
}
