// SPDX-License-Identifier: GPL-3.0-or-later

/// The buffer FedBuff and FTTE share: updates admitted with their s(τ) at arrival, released as one step.
struct StalenessBuffer: Sendable {
    /// K: a buffer holding this many steps.
    let capacity: Int
    /// s.
    let staleness: any StalenessWeighting
    /// The admitted updates with s(τ) and τ, in arrival order.
    private(set) var entries: [(update: ClientUpdate, weight: Double, staleness: Int)] = []

    /// Admits `update` while the model is at `version`.
    ///
    /// - Returns: `rejected` (τ < 0), `dropped` (by s) or `buffered`; `nil` when the buffer is now full and the
    ///   caller must step.
    mutating func admit(_ update: ClientUpdate, version: Int) -> AggregationOutcome? {
        let tau = version - update.baseVersion
        guard tau >= 0 else { return .rejected(baseVersion: update.baseVersion, currentVersion: version) }
        guard let s = self.staleness.boundedWeight(staleness: tau) else { return .dropped(staleness: tau) }
        self.entries.append((update, s, tau))
        return self.entries.count < self.capacity ? .buffered(count: self.entries.count) : nil
    }

    /// Empties the buffer after `model` stepped from its entries.
    ///
    /// - Returns: The step's outcome: the new version, the entry count and their mean τ.
    mutating func release(steppedTo model: GlobalModel) -> AggregationOutcome {
        let count = self.entries.count
        let meanStaleness = Double(self.entries.reduce(0) { $0 + $1.staleness }) / Double(Swift.max(1, count))
        self.entries.removeAll(keepingCapacity: true)
        return .stepped(version: model.version, updates: count, meanStaleness: meanStaleness)
    }
}
