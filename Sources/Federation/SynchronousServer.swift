// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// FedAvg's server as a state machine: three events in (open a round, an update arrived, a round's deadline
/// passed), and each returns what happened, for the caller to turn into scheduled events.
///
/// Rounds are numbered 0, 1, 2, … in opening order, whether or not they change the model, so a round's
/// events name the round, never the model version. At most one round is open. A round closes when
/// ``FedAvgRound/required`` distinct cohort members delivered an update, or when its deadline passes; the
/// accepted updates are then aggregated (``FedAvgAggregator``) and the version advances. A round that closes by
/// deadline with no update leaves the model unchanged — except in `central` privacy mode, where every closed
/// round releases its noised sum (noise alone when empty), as DP-FedAvg does. Updates for a closed round are
/// late, second updates from a client are duplicates; both are discarded and counted.
///
/// In `central` privacy mode (``ClientPrivacy``) the server clips every accepted update to C again (a no-op
/// for updates the trainer clipped), sums them per element, adds N(0, (σC)²) to every element of the sum and
/// steps by the sum over the fixed expected cohort size q·N = f·N (``expectedCohortSize``); example counts do
/// not weight. The noise is drawn when the round opens, after the cohort, from the same stream (one normal
/// per model element, tensor by tensor, in element order), so it never depends on what arrives.
public struct SynchronousServer: Sendable {
    /// Why a round closed.
    public enum CloseCause: Equatable, Sendable {
        /// The required number of updates arrived.
        case requiredUpdatesArrived
        /// Its deadline passed.
        case deadline
    }

    /// A round that closed.
    public struct ClosedRound: Equatable, Sendable {
        /// The round number.
        public var round: Int
        /// Why it closed.
        public var cause: CloseCause
        /// Updates aggregated.
        public var updates: Int
        /// The server step, or `nil` when the model is unchanged (no update, outside `central` mode).
        public var step: AggregationOutcome?

        /// Creates the description of a closed round.
        ///
        /// - Parameters:
        ///   - round: The round number.
        ///   - cause: Why it closed.
        ///   - updates: Updates aggregated.
        ///   - step: The server step, if any.
        public init(round: Int, cause: CloseCause, updates: Int, step: AggregationOutcome?) {
            self.round = round
            self.cause = cause
            self.updates = updates
            self.step = step
        }
    }

    /// What ``openRound(available:deadline:stream:)`` did.
    public enum OpenAction: Equatable, Sendable {
        /// Round `round` opened; each cohort member downloads ``model``'s current parameters.
        case opened(round: Int, cohort: [Int])
        /// A round is open already; nothing changed.
        case alreadyOpen(round: Int)
        /// No device is available; no round opened (no number is used).
        case noDeviceAvailable
    }

    /// Why an update was discarded.
    public enum IgnoreReason: Equatable, Sendable {
        /// Its round has closed (counted in ``lateUpdates``).
        case late(round: Int)
        /// No such round has been opened.
        case unknownRound(round: Int)
        /// Its client already delivered one in this round (counted in ``duplicateUpdates``).
        case duplicate(client: Int)
        /// Its client is not in the round's cohort (counted in ``strayUpdates``).
        case notInCohort(client: Int)
        /// It was trained from another version than the round's (counted in ``strayUpdates``).
        case wrongBaseVersion(expected: Int, got: Int)
    }

    /// What ``updateArrived(_:round:)`` did.
    public enum UpdateAction: Equatable, Sendable {
        /// Discarded.
        case ignored(IgnoreReason)
        /// Accepted; the round waits for `waiting` more.
        case accepted(waiting: Int)
        /// Accepted, and the round closed.
        case closed(ClosedRound)
    }

    /// What ``deadlinePassed(round:)`` did.
    public enum DeadlineAction: Equatable, Sendable {
        /// The round is not open (it closed by count earlier, or never opened): nothing changed.
        case ignored(staleRound: Int)
        /// The round closed.
        case closed(ClosedRound)
    }

    /// The global model.
    public private(set) var model: GlobalModel
    /// The aggregation rule (not used for the step in `central` privacy mode).
    public let aggregator: FedAvgAggregator
    /// The cohort policy.
    public let selection: CohortSelection
    /// Client-level differential privacy, if any.
    public let privacy: ClientPrivacy?
    /// N, the number of devices in the fleet (required in `central` mode).
    public let fleetSize: Int?
    /// What the run has spent (`nil` without privacy).
    public private(set) var privacyLedger: PrivacyLedger?
    /// The round in progress, if any.
    public private(set) var round: FedAvgRound?
    /// The number the next round will get (= rounds opened so far).
    public private(set) var nextRound = 0
    /// Rounds closed so far.
    public private(set) var roundsClosed = 0
    /// Updates that arrived after their round closed, over all rounds.
    public private(set) var lateUpdates = 0
    /// Second updates from a client within one round.
    public private(set) var duplicateUpdates = 0
    /// Updates for an unknown round, from outside the cohort, or from the wrong version.
    public private(set) var strayUpdates = 0
    private var roundNoise: [[Double]]?

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - model: The initial model.
    ///   - selection: The cohort policy.
    ///   - aggregator: The FedAvg rule.
    ///   - privacy: Client-level DP, `central` or `local`.
    ///   - fleetSize: N ≥ 1 (`devices.count`); required in `central` mode for the divisor q·N = f·N.
    /// - Throws: ``FederationConfigurationError`` at `devices.count` when `central` mode lacks a valid N.
    public init(
        model: GlobalModel, selection: CohortSelection, aggregator: FedAvgAggregator = FedAvgAggregator(),
        privacy: ClientPrivacy? = nil, fleetSize: Int? = nil
    ) throws(FederationConfigurationError) {
        if privacy?.mode == .central {
            guard let fleetSize, fleetSize >= 1 else {
                throw .invalid(
                    "devices.count", value: fleetSize.map { "\($0)" } ?? "none",
                    expected: "the fleet size N ≥ 1 (central privacy divides by q·N)")
            }
        }
        self.model = model
        self.selection = selection
        self.aggregator = aggregator
        self.privacy = privacy
        self.fleetSize = fleetSize
        self.privacyLedger = privacy.map { PrivacyLedger(privacy: $0) }
    }

    /// The fixed divisor of `central` mode, q·N with q = f (`nil` in other modes).
    public var expectedCohortSize: Double? {
        guard self.privacy?.mode == .central, let fleetSize else { return nil }
        return self.selection.fraction * Double(fleetSize)
    }

    /// Opens a round: selects the cohort from `available` (see ``FedAvgRound``).
    ///
    /// - Parameters:
    ///   - available: Ids of the devices available now.
    ///   - deadline: When the round closes regardless; the caller schedules ``deadlinePassed(round:)``.
    ///   - stream: The server's stream: the cohort draw, then (`central` mode, σ > 0) the round's noise.
    /// - Returns: The round number and cohort (device ids, increasing), or why no round opened.
    public mutating func openRound(available: [Int], deadline: SimTime? = nil, stream: RandomStream) -> OpenAction {
        if let round = self.round { return .alreadyOpen(round: round.number) }
        guard !available.isEmpty else { return .noDeviceAvailable }
        let round = FedAvgRound(
            number: self.nextRound, version: self.model.version, available: available, selection: self.selection,
            deadline: deadline, stream: stream)
        self.round = round
        self.nextRound += 1
        if let privacy, privacy.mode == .central, privacy.noiseStandardDeviation > 0 {
            let sd = privacy.noiseStandardDeviation
            self.roundNoise = self.model.layout.tensors.map { tensor in
                (0..<tensor.elementCount).map { _ in stream.normal(mean: 0, standardDeviation: sd) }
            }
        }
        return .opened(round: round.number, cohort: round.cohort)
    }

    /// An update for round `round` arrived.
    ///
    /// In `local` privacy mode every arriving update counts as a participation of its client, whatever is
    /// done with it (it was released).
    ///
    /// - Parameters:
    ///   - update: The update.
    ///   - round: The round the client was selected in.
    /// - Returns: Accepted (and how many more close the round), closed (with the step), or ignored (why).
    public mutating func updateArrived(_ update: ClientUpdate, round number: Int) -> UpdateAction {
        if self.privacy?.mode == .local { self.privacyLedger?.recordParticipation(of: update.clientID) }
        guard var round = self.round, round.number == number else {
            if number < self.nextRound {
                self.lateUpdates += 1
                return .ignored(.late(round: number))
            }
            self.strayUpdates += 1
            return .ignored(.unknownRound(round: number))
        }
        let receipt = round.receive(update)
        self.round = round
        switch receipt {
        case .accepted(let waiting):
            return .accepted(waiting: waiting)
        case .completed:
            return .closed(self.close(round, cause: .requiredUpdatesArrived))
        case .late:
            self.lateUpdates += 1
            return .ignored(.late(round: number))
        case .duplicate:
            self.duplicateUpdates += 1
            return .ignored(.duplicate(client: update.clientID))
        case .notInCohort:
            self.strayUpdates += 1
            return .ignored(.notInCohort(client: update.clientID))
        case .wrongBaseVersion:
            self.strayUpdates += 1
            return .ignored(.wrongBaseVersion(expected: round.version, got: update.baseVersion))
        }
    }

    /// Round `round`'s deadline passed: close it with what has arrived, if it is still open.
    ///
    /// - Parameter round: The round the deadline was scheduled for.
    /// - Returns: The closed round, or `.ignored` when that round is not the open one (a stale deadline).
    public mutating func deadlinePassed(round number: Int) -> DeadlineAction {
        guard let round = self.round, round.number == number else { return .ignored(staleRound: number) }
        return .closed(self.close(round, cause: .deadline))
    }

    private mutating func close(_ round: FedAvgRound, cause: CloseCause) -> ClosedRound {
        self.round = nil
        self.roundsClosed += 1
        let noise = self.roundNoise
        self.roundNoise = nil
        var closed = ClosedRound(round: round.number, cause: cause, updates: round.received.count, step: nil)
        if let privacy, privacy.mode == .central, let divisor = self.expectedCohortSize {
            closed.step = self.stepCentrally(round, privacy: privacy, noise: noise, divisor: divisor)
        } else if !round.received.isEmpty {
            closed.step = self.aggregator.aggregate(round.received, into: &self.model)
        }
        return closed
    }

    /// DP-FedAvg's server step: x ← x + (Σ clip(Δᵢ) + noise) / (q·N).
    private mutating func stepCentrally(
        _ round: FedAvgRound, privacy: ClientPrivacy, noise: [[Double]]?, divisor: Double
    ) -> AggregationOutcome {
        let clipped = round.received.map { update in
            var update = update
            privacy.clip(&update.deltas)
            return (update: update, numerator: 1.0, denominator: 1.0)
        }
        var sum = accumulateSparseDeltas(clipped, layout: self.model.layout).numerator
        if let noise {
            for tensor in sum.indices {
                for element in sum[tensor].indices { sum[tensor][element] += noise[tensor][element] }
            }
        }
        self.model.step(adding: sum, scale: 1 / divisor)
        self.privacyLedger?.recordStep(samplingRate: round.samplingRate)
        return .stepped(
            version: self.model.version, updates: round.received.count,
            meanStaleness: meanStaleness(round.received, version: self.model.version - 1))
    }
}
