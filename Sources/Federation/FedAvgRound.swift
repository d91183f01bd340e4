// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// One synchronous FedAvg round: who was selected, how many updates close it, and what has arrived.
///
/// The server selects ⌈f·A⌉ of the A available devices (at least one), over-selects by a factor (1 + o) to
/// ride out stragglers (Bonawitz et al., "Towards Federated Learning at Scale", SysML 2019, §4), and closes the
/// round when the first ⌈f·A⌉ updates have arrived or when its deadline passes. Updates after the close are
/// late: discarded and counted.
public struct FedAvgRound: Sendable {
    /// The model version the cohort downloads.
    public let version: Int
    /// Selected device ids, increasing.
    public let cohort: [Int]
    /// Updates that close the round early.
    public let required: Int
    /// When the round closes regardless (`nil`: wait for all `required`).
    public let deadline: SimTime?
    /// Updates accepted so far, in arrival order.
    public private(set) var received: [ClientUpdate] = []
    /// Updates that arrived after the round closed.
    public private(set) var lateCount = 0
    /// Whether the round has closed.
    public private(set) var isClosed = false

    /// Selects a cohort and opens the round.
    ///
    /// - Parameters:
    ///   - version: The current model version.
    ///   - available: Ids of the devices available now.
    ///   - fraction: f ∈ (0, 1], the share of available devices whose updates the round needs.
    ///   - overSelection: o ≥ 0, extra devices selected as a share of the required count.
    ///   - deadline: Absolute time at which the round closes, if any.
    ///   - stream: The server's selection stream.
    /// - Throws: ``FederationConfigurationError`` for f outside (0, 1] or o < 0.
    public init(
        version: Int, available: [Int], fraction: Double, overSelection: Double = 0, deadline: SimTime? = nil,
        stream: RandomStream
    ) throws(FederationConfigurationError) {
        guard fraction > 0, fraction <= 1 else {
            throw .invalid("strategy.cohort_fraction", value: "\(fraction)", expected: "a number in (0, 1]")
        }
        guard overSelection >= 0, overSelection.isFinite else {
            throw .invalid("strategy.over_selection", value: "\(overSelection)", expected: "a number ≥ 0")
        }
        let candidates = available.sorted()
        let required = candidates.isEmpty ? 0 : Swift.max(1, Int((fraction * Double(candidates.count)).rounded(.up)))
        let selected = Swift.min(candidates.count, Int((Double(required) * (1 + overSelection)).rounded(.up)))
        self.version = version
        self.cohort = stream.choose(selected, from: candidates.count).map { candidates[Int($0)] }
        self.required = required
        self.deadline = deadline
    }

    /// Records an arriving update.
    ///
    /// - Returns: `true` when this update closed the round (the required count was reached).
    public mutating func receive(_ update: ClientUpdate) -> Bool {
        guard !self.isClosed else {
            self.lateCount += 1
            return false
        }
        self.received.append(update)
        if self.received.count >= self.required { self.isClosed = true }
        return self.isClosed
    }

    /// Closes the round because its deadline passed.
    public mutating func close() { self.isClosed = true }
}
