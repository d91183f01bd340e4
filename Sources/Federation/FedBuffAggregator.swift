// SPDX-License-Identifier: GPL-3.0-or-later

/// What FedBuff divides the buffer's staleness-weighted sum by (`strategy.divisor`).
public enum FedBuffDivisor: String, CaseIterable, Hashable, Sendable {
    /// The number of buffered updates, K for a full buffer (Nguyen et al. 2022, Algorithm 1): an element
    /// held by few updates of a sparse buffer moves by their sum over K.
    case k
    /// Per element, the number of buffered updates that hold it: sub-network updates are averaged over their
    /// holders (identical to `k` when every update is dense).
    case holders
}

/// FedBuff (Nguyen et al., AISTATS 2022): arriving deltas, each scaled by s(τ) at arrival, fill a buffer of
/// K; when it is full the server steps, per element e, x_e ← x_e + η_g · Σ_{i ∋ e} s(τᵢ)Δᵢₑ / D_e, with
/// D_e = K (``FedBuffDivisor/k``) or the number of buffered updates that hold e (``FedBuffDivisor/holders``).
///
/// s(τ) is not normalised away: a buffer of uniformly stale updates moves the model less.
public struct FedBuffAggregator: Sendable {
    /// Buffer size K ≥ 1.
    public var bufferSize: Int { self.buffer.capacity }
    /// Server learning rate η_g > 0.
    public let serverLearningRate: Double
    /// The divisor D.
    public let divisor: FedBuffDivisor
    /// The staleness-decay function s.
    public var staleness: any StalenessWeighting { self.buffer.staleness }
    private var buffer: StalenessBuffer

    /// Creates the aggregator.
    ///
    /// - Parameters:
    ///   - bufferSize: K ≥ 1 (`strategy.buffer`).
    ///   - serverLearningRate: η_g > 0 (`strategy.server_lr`).
    ///   - divisor: D (`strategy.divisor`).
    ///   - staleness: s, validated with ``StalenessWeighting/validate()``.
    /// - Throws: ``FederationConfigurationError`` naming the first invalid parameter's key.
    public init(
        bufferSize: Int, serverLearningRate: Double = 1, divisor: FedBuffDivisor = .k,
        staleness: any StalenessWeighting
    ) throws(FederationConfigurationError) {
        try validateBuffer(bufferSize: bufferSize, serverLearningRate: serverLearningRate)
        try staleness.validate()
        self.buffer = StalenessBuffer(capacity: bufferSize, staleness: staleness)
        self.serverLearningRate = serverLearningRate
        self.divisor = divisor
    }

    /// Updates waiting in the buffer.
    public var bufferedCount: Int { self.buffer.entries.count }

    /// Buffers one update, stepping the model when the buffer fills.
    ///
    /// - Parameters:
    ///   - update: The arriving update; τ = model version − its base version.
    ///   - model: The server model.
    /// - Returns: `buffered`, `stepped`, `dropped` (by s) or `rejected` (τ < 0).
    public mutating func receive(_ update: ClientUpdate, into model: inout GlobalModel) -> AggregationOutcome {
        if let outcome = self.buffer.admit(update, version: model.version) { return outcome }
        return self.step(into: &model)
    }

    /// Applies a partly filled buffer at the end of a run as one step with K = the number buffered (so
    /// ``FedBuffDivisor/k`` divides by that number).
    ///
    /// - Parameter model: The server model.
    /// - Returns: ``FlushOutcome/empty``, or the step taken.
    public mutating func flush(into model: inout GlobalModel) -> FlushOutcome {
        self.buffer.entries.isEmpty ? .empty : .applied(self.step(into: &model))
    }

    private mutating func step(into model: inout GlobalModel) -> AggregationOutcome {
        let count = self.buffer.entries.count
        let sums = accumulateSparseDeltas(self.buffer.entries.map { ($0.update, $0.weight, 1) }, layout: model.layout)
        switch self.divisor {
        case .k: model.step(adding: sums.numerator, scale: self.serverLearningRate / Double(count))
        case .holders: model.step(adding: sums.quotient, scale: self.serverLearningRate)
        }
        return self.buffer.release(steppedTo: model)
    }
}

/// Checks a buffered rule's K and η_g.
func validateBuffer(bufferSize: Int, serverLearningRate: Double) throws(FederationConfigurationError) {
    guard bufferSize >= 1 else {
        throw .invalid("strategy.buffer", value: "\(bufferSize)", expected: "an integer ≥ 1")
    }
    guard serverLearningRate.isFinite, serverLearningRate > 0 else {
        throw .invalid("strategy.server_lr", value: "\(serverLearningRate)", expected: "a number > 0")
    }
}
