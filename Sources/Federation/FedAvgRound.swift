// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// How a FedAvg round picks its cohort: f ∈ (0, 1] of the A available devices must report (⌈f·A⌉, at
/// least one), and the server over-selects by a factor (1 + o) to ride out stragglers (Bonawitz et al.,
/// "Towards Federated Learning at Scale", SysML 2019, §4).
public struct CohortSelection: Hashable, Sendable {
    /// f ∈ (0, 1].
    public let fraction: Double
    /// o ≥ 0.
    public let overSelection: Double

    /// Creates the policy.
    ///
    /// - Parameters:
    ///   - fraction: f (`strategy.cohort_fraction`).
    ///   - overSelection: o (`strategy.over_selection`).
    /// - Throws: ``FederationConfigurationError`` for f outside (0, 1] or o < 0.
    public init(fraction: Double, overSelection: Double = 0) throws(FederationConfigurationError) {
        guard fraction > 0, fraction <= 1 else {
            throw .invalid("strategy.cohort_fraction", value: "\(fraction)", expected: "a number in (0, 1]")
        }
        guard overSelection >= 0, overSelection.isFinite else {
            throw .invalid("strategy.over_selection", value: "\(overSelection)", expected: "a number ≥ 0")
        }
        self.fraction = fraction
        self.overSelection = overSelection
    }

    /// Updates that close a round over `available` devices: ⌈f·A⌉, at least 1 (0 when A = 0).
    ///
    /// - Parameter available: A.
    /// - Returns: The required count.
    public func required(available: Int) -> Int {
        available <= 0 ? 0 : Swift.max(1, Int((self.fraction * Double(available)).rounded(.up)))
    }

    /// Devices selected over `available`: min(A, ⌈(1 + o)·required⌉).
    ///
    /// - Parameter available: A.
    /// - Returns: The cohort size.
    public func selected(available: Int) -> Int {
        Swift.min(available, Int((Double(self.required(available: available)) * (1 + self.overSelection)).rounded(.up)))
    }
}

/// One synchronous FedAvg round: its number, who was selected, how many updates close it, and what has
/// arrived.
///
/// The round closes when the first ``required`` updates have arrived or when its deadline passes. Updates
/// after the close are late; a second update from the same client is a duplicate; both are discarded.
public struct FedAvgRound: Sendable {
    /// What ``receive(_:)`` did with an update.
    public enum Receipt: Equatable, Sendable {
        /// Accepted; `waiting` more updates close the round.
        case accepted(waiting: Int)
        /// Accepted, and it was the last one required: the round is now closed.
        case completed
        /// The round had closed already.
        case late
        /// The client already delivered an update in this round.
        case duplicate
        /// The client was not selected.
        case notInCohort
        /// The update was trained from another version than the round's.
        case wrongBaseVersion
    }

    /// The round number (rounds of a server are numbered 0, 1, 2, … in opening order).
    public let number: Int
    /// The model version the cohort downloads.
    public let version: Int
    /// Selected device ids, increasing.
    public let cohort: [Int]
    /// Updates that close the round early.
    public let required: Int
    /// When the round closes regardless (`nil`: wait for all `required`).
    public let deadline: SimTime?
    /// The probability with which each available device was selected: |cohort| / A.
    public let samplingRate: Double
    /// Updates accepted so far, in arrival order.
    public private(set) var received: [ClientUpdate] = []
    /// Updates that arrived after the round closed.
    public private(set) var lateCount = 0
    /// Whether the round has closed.
    public private(set) var isClosed = false
    private var delivered: Set<Int> = []

    /// Selects a cohort and opens the round.
    ///
    /// - Parameters:
    ///   - number: The round number.
    ///   - version: The current model version.
    ///   - available: Ids of the devices available now.
    ///   - fraction: f ∈ (0, 1], the share of available devices whose updates the round needs.
    ///   - overSelection: o ≥ 0, extra devices selected as a share of the required count.
    ///   - deadline: Absolute time at which the round closes, if any.
    ///   - stream: The server's selection stream (one `choose` draw).
    /// - Throws: ``FederationConfigurationError`` for f outside (0, 1] or o < 0.
    public init(
        number: Int = 0, version: Int, available: [Int], fraction: Double, overSelection: Double = 0,
        deadline: SimTime? = nil, stream: RandomStream
    ) throws(FederationConfigurationError) {
        self.init(
            number: number, version: version, available: available,
            selection: try CohortSelection(fraction: fraction, overSelection: overSelection), deadline: deadline,
            stream: stream)
    }

    /// Selects a cohort with a validated policy and opens the round.
    ///
    /// - Parameters:
    ///   - number: The round number.
    ///   - version: The current model version.
    ///   - available: Ids of the devices available now (duplicates count once).
    ///   - selection: The cohort policy.
    ///   - deadline: Absolute time at which the round closes, if any.
    ///   - stream: The server's selection stream (one `choose` draw over the sorted available ids).
    public init(
        number: Int, version: Int, available: [Int], selection: CohortSelection, deadline: SimTime? = nil,
        stream: RandomStream
    ) {
        let candidates = Array(Set(available)).sorted()
        let selected = selection.selected(available: candidates.count)
        self.number = number
        self.version = version
        self.cohort = stream.choose(selected, from: candidates.count).map { candidates[Int($0)] }
        self.required = selection.required(available: candidates.count)
        self.deadline = deadline
        self.samplingRate = candidates.isEmpty ? 0 : Double(selected) / Double(candidates.count)
    }

    /// Records an arriving update.
    ///
    /// - Parameter update: The update.
    /// - Returns: What happened to it; only `accepted` and `completed` keep it.
    public mutating func receive(_ update: ClientUpdate) -> Receipt {
        guard !self.isClosed else {
            self.lateCount += 1
            return .late
        }
        guard self.cohort.contains(update.clientID) else { return .notInCohort }
        guard update.baseVersion == self.version else { return .wrongBaseVersion }
        guard self.delivered.insert(update.clientID).inserted else { return .duplicate }
        self.received.append(update)
        guard self.received.count >= self.required else {
            return .accepted(waiting: self.required - self.received.count)
        }
        self.isClosed = true
        return .completed
    }

    /// Closes the round because its deadline passed.
    public mutating func close() { self.isClosed = true }
}
