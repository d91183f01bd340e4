// SPDX-License-Identifier: GPL-3.0-or-later

/// The server of an asynchronous or semi-asynchronous strategy (FedAsync, FedBuff, FTTE), driven by two
/// events: a device becomes idle, and an update arrives.
///
/// An idle device is given work (the current version) while fewer than ``concurrency`` devices are
/// training; otherwise it waits and is offered work again on its next idle event (FedBuff's concurrency
/// limit, Nguyen et al. 2022 §3). The server keeps the parameters of every version some device is still
/// training from — shared copy-on-write arrays, one per version, not one per device — and releases a
/// version when its last device returns or is lost.
public struct AsynchronousServer: Sendable {
    /// The global model.
    public private(set) var model: GlobalModel
    /// The aggregation rule.
    public private(set) var rule: AsynchronousRule
    /// The most devices training at once.
    public let concurrency: Int
    /// Device id → the version it is training from.
    public private(set) var inFlight: [Int: Int] = [:]
    private var snapshots: [Int: (parameters: [[Float]], holders: Int)] = [:]

    /// Creates the server.
    ///
    /// - Throws: ``FederationConfigurationError`` when `concurrency` < 1.
    public init(model: GlobalModel, rule: AsynchronousRule, concurrency: Int) throws(FederationConfigurationError) {
        guard concurrency >= 1 else {
            throw .invalid("strategy.concurrency", value: "\(concurrency)", expected: "an integer ≥ 1")
        }
        self.model = model
        self.rule = rule
        self.concurrency = concurrency
    }

    /// A device has nothing to do: give it the current model if a training slot is free.
    ///
    /// - Returns: The version and parameters to download, or `nil` when the device must wait (all slots
    ///   taken) or is already training.
    public mutating func deviceIdle(_ device: Int) -> (version: Int, parameters: [[Float]])? {
        guard self.inFlight[device] == nil, self.inFlight.count < self.concurrency else { return nil }
        let version = self.model.version
        self.inFlight[device] = version
        if self.snapshots[version] == nil {
            self.snapshots[version] = (self.model.parameters, 0)
        }
        self.snapshots[version]!.holders += 1
        return (version, self.snapshots[version]!.parameters)
    }

    /// A device's update arrived: aggregate it and free the device's slot.
    ///
    /// - Returns: What the rule did, or `nil` when the device was not training (a duplicate or a stray).
    public mutating func updateArrived(_ update: ClientUpdate) -> AggregationOutcome? {
        guard let version = self.inFlight[update.clientID], version == update.baseVersion,
            let base = self.snapshots[version]?.parameters
        else { return nil }
        let outcome = self.rule.receive(update, base: base, into: &self.model)
        self.release(update.clientID)
        return outcome
    }

    /// A training device dropped out (battery, link, offline, out of memory): free its slot.
    ///
    /// - Returns: Whether the device was training.
    @discardableResult
    public mutating func deviceLost(_ device: Int) -> Bool {
        guard self.inFlight[device] != nil else { return false }
        self.release(device)
        return true
    }

    /// Versions whose parameters are held for devices still training.
    public var heldVersions: [Int] { self.snapshots.keys.sorted() }

    private mutating func release(_ device: Int) {
        guard let version = self.inFlight.removeValue(forKey: device) else { return }
        self.snapshots[version]!.holders -= 1
        if self.snapshots[version]!.holders == 0 { self.snapshots[version] = nil }
    }
}
