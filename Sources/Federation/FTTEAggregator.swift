// SPDX-License-Identifier: GPL-3.0-or-later

/// What FTTE's weights are normalised by (`strategy.normalise`).
public enum FTTENormalisation: String, CaseIterable, Hashable, Sendable {
    /// ωᵢ = s(τᵢ)hᵢ / Σⱼ s(τⱼ)hⱼ: the weights sum to 1 over the buffer, so only relative staleness matters and a
    /// buffer of uniformly stale updates is applied at full strength.
    case buffer
    /// ωᵢ = s(τᵢ)hᵢ / Σⱼ hⱼ: only the variance and example terms are normalised, s(τ) keeps damping as in
    /// FedBuff (with equal hᵢ, ωᵢ = s(τᵢ)/K, FedBuff's weights).
    case absolute
}

/// FTTE's semi-asynchronous aggregation: a buffer of K sparse updates over the shared sub-network w*; when
/// full, each update gets ωᵢ = s(τᵢ)·hᵢ normalised as ``normalisation`` says, with hᵢ = g(σᵢ²)·c(nᵢ), and
/// x ← x + η_g Σ ωᵢ Δᵢ.
///
/// For sparse updates the normaliser is taken per element over the updates holding it
/// (x_e ← x_e + η_g Σ_{i ∋ e} s(τᵢ)hᵢΔᵢₑ / Σ_{i ∋ e} s(τᵢ)hᵢ for `buffer`, … / Σ_{i ∋ e} hᵢ for `absolute`),
/// identical to the dense formula when all hold w*. τᵢ is measured at arrival; σᵢ² is the element-wise
/// variance of Δᵢ and σ̄² its mean over the buffer; g is ``VarianceWeighting`` (the FTTE paper does not
/// publish g, ``VarianceWeighting/ftte(beta:)`` is this simulator's stand-in); c is ``ExampleCountWeighting``
/// (equal by default).
public struct FTTEAggregator: Sendable {
    /// Buffer size K ≥ 1.
    public var bufferSize: Int { self.buffer.capacity }
    /// Server learning rate η_g > 0.
    public let serverLearningRate: Double
    /// The staleness-decay function s.
    public var staleness: any StalenessWeighting { self.buffer.staleness }
    /// The variance term g.
    public let variance: VarianceWeighting
    /// The example-count term c.
    public let examples: ExampleCountWeighting
    /// How the weights are normalised.
    public let normalisation: FTTENormalisation
    private var buffer: StalenessBuffer

    /// Creates the aggregator.
    ///
    /// - Parameters:
    ///   - bufferSize: K ≥ 1 (`strategy.buffer`).
    ///   - serverLearningRate: η_g > 0 (`strategy.server_lr`).
    ///   - staleness: s, validated with ``StalenessWeighting/validate()``.
    ///   - variance: g, validated with ``VarianceWeighting/validate()`` (`strategy.variance.beta`).
    ///   - examples: c.
    ///   - normalisation: `buffer` (the FTTE default) or `absolute`.
    /// - Throws: ``FederationConfigurationError`` naming the first invalid parameter's key.
    public init(
        bufferSize: Int, serverLearningRate: Double = 1, staleness: any StalenessWeighting,
        variance: VarianceWeighting = .ftte(beta: 1), examples: ExampleCountWeighting = .equal,
        normalisation: FTTENormalisation = .buffer
    ) throws(FederationConfigurationError) {
        try validateBuffer(bufferSize: bufferSize, serverLearningRate: serverLearningRate)
        try staleness.validate()
        try variance.validate()
        self.buffer = StalenessBuffer(capacity: bufferSize, staleness: staleness)
        self.serverLearningRate = serverLearningRate
        self.variance = variance
        self.examples = examples
        self.normalisation = normalisation
    }

    /// Updates waiting in the buffer.
    public var bufferedCount: Int { self.buffer.entries.count }

    /// The weights ωᵢ the buffered updates would get now, for dense updates (empty when the buffer is empty;
    /// the unnormalised products when the normaliser is 0).
    public var bufferWeights: [Double] {
        let terms = self.terms
        let total = terms.reduce(0) { $0 + $1.denominator }
        return terms.map { total > 0 ? $0.numerator / total : $0.numerator }
    }

    /// Per buffered update: the numerator weight s(τᵢ)hᵢ and the normaliser weight.
    private var terms: [(numerator: Double, denominator: Double)] {
        let variances = self.buffer.entries.map { $0.update.deltaVariance }
        let meanVariance = variances.isEmpty ? 0 : variances.reduce(0, +) / Double(variances.count)
        return zip(self.buffer.entries, variances).map { entry, variance in
            let h =
                self.variance.weight(variance: variance, meanVariance: meanVariance)
                * self.examples.weight(examples: entry.update.exampleCount)
            switch self.normalisation {
            case .buffer: return (entry.weight * h, entry.weight * h)
            case .absolute: return (entry.weight * h, h)
            }
        }
    }

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

    /// Applies a partly filled buffer at the end of a run as one step over the updates buffered (the weights
    /// are normalised over them, so K is in effect their number).
    ///
    /// - Parameter model: The server model.
    /// - Returns: ``FlushOutcome/empty``, or the step taken.
    public mutating func flush(into model: inout GlobalModel) -> FlushOutcome {
        self.buffer.entries.isEmpty ? .empty : .applied(self.step(into: &model))
    }

    private mutating func step(into model: inout GlobalModel) -> AggregationOutcome {
        let weighted = zip(self.buffer.entries, self.terms).map { ($0.update, $1.numerator, $1.denominator) }
        model.step(
            adding: accumulateSparseDeltas(weighted, layout: model.layout).quotient, scale: self.serverLearningRate)
        return self.buffer.release(steppedTo: model)
    }
}
