// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// FedAvg's server, driven by events: the caller opens a round with the devices available now, offers the
/// round's cohort their download, feeds arriving updates, and reports when the round's deadline passes.
///
/// When a round closes (``FedAvgRound/required`` updates arrived, or the deadline passed with at least one),
/// the accepted updates are aggregated (``FedAvgAggregator``) and the version advances; a round that closes
/// by deadline with no update leaves the model unchanged. Updates for a closed round are late: discarded
/// and counted in ``lateUpdates``.
public struct SynchronousServer: Sendable {
    /// The global model.
    public private(set) var model: GlobalModel
    /// The aggregation rule.
    public let aggregator: FedAvgAggregator
    /// The round in progress, if any.
    public private(set) var round: FedAvgRound?
    /// Rounds closed so far.
    public private(set) var roundsClosed = 0
    /// Updates that arrived after their round closed, over all rounds.
    public private(set) var lateUpdates = 0

    /// Creates the server.
    public init(model: GlobalModel, aggregator: FedAvgAggregator = FedAvgAggregator()) {
        self.model = model
        self.aggregator = aggregator
    }

    /// Opens a round: selects the cohort from `available` (see ``FedAvgRound``).
    ///
    /// - Returns: The cohort (device ids, increasing); each downloads ``model``'s current parameters.
    /// - Throws: ``FederationConfigurationError`` for an invalid fraction or over-selection.
    /// - Precondition: no round is open.
    public mutating func openRound(
        available: [Int], fraction: Double, overSelection: Double = 0, deadline: SimTime? = nil, stream: RandomStream
    ) throws(FederationConfigurationError) -> [Int] {
        precondition(self.round == nil, "a FedAvg round is already open")
        let round = try FedAvgRound(
            version: self.model.version, available: available, fraction: fraction, overSelection: overSelection,
            deadline: deadline, stream: stream)
        self.round = round
        return round.cohort
    }

    /// An update arrived.
    ///
    /// - Returns: The aggregation outcome when this update closed the round; `nil` when the round stays open
    ///   or the update was late (then counted).
    public mutating func updateArrived(_ update: ClientUpdate) -> AggregationOutcome? {
        guard let round = self.round, update.baseVersion == round.version, round.cohort.contains(update.clientID)
        else {
            self.lateUpdates += 1
            return nil
        }
        let closed = self.round!.receive(update)
        return closed ? self.closeRound() : nil
    }

    /// The open round's deadline passed: close it with what has arrived.
    ///
    /// - Returns: The aggregation outcome, or `nil` when no update had arrived (the model is unchanged).
    public mutating func deadlinePassed() -> AggregationOutcome? {
        guard self.round != nil else { return nil }
        return self.closeRound()
    }

    private mutating func closeRound() -> AggregationOutcome? {
        guard let round = self.round else { return nil }
        self.round = nil
        self.roundsClosed += 1
        guard !round.received.isEmpty else { return nil }
        return self.aggregator.aggregate(round.received, into: &self.model)
    }
}
