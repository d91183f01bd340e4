// SPDX-License-Identifier: GPL-3.0-or-later

/// What the server did with an arriving update.
public enum AggregationOutcome: Equatable, Sendable {
    /// The staleness function dropped it.
    case dropped(staleness: Int)
    /// It waits in the buffer, which now holds `count` updates.
    case buffered(count: Int)
    /// The server stepped: the model is now `version`, built from `updates` updates of mean staleness
    /// `meanStaleness`.
    case stepped(version: Int, updates: Int, meanStaleness: Double)
}

/// FedAvg's aggregation (McMahan et al., AISTATS 2017): the model moves by the per-element average of the
/// round's deltas, weighted by example counts (``ExampleCountWeighting/linear`` by default). With full
/// participation and dense updates this is x ← Σ nᵢ xᵢ / Σ nᵢ.
public struct FedAvgAggregator: Sendable {
    /// How example counts weight the updates.
    public var weighting: ExampleCountWeighting

    /// Creates the aggregator.
    public init(weighting: ExampleCountWeighting = .linear) { self.weighting = weighting }

    /// Applies one round's updates (all based on the current version) and returns the outcome.
    public func aggregate(_ updates: [ClientUpdate], into model: inout GlobalModel) -> AggregationOutcome {
        let weighted = updates.map { ($0, self.weighting.weight(examples: $0.exampleCount)) }
        model.step(adding: combineSparseDeltas(weighted, layout: model.layout))
        let staleness = updates.map { Double(model.version - 1 - $0.baseVersion) }
        return .stepped(
            version: model.version, updates: updates.count,
            meanStaleness: staleness.isEmpty ? 0 : staleness.reduce(0, +) / Double(staleness.count))
    }
}

/// FedAsync (Xie, Koyejo & Gupta 2019): every arrival mixes the client's model into the server's,
/// x ← (1 − α·s(τ))·x + α·s(τ)·x_client, element-wise on the elements the client held, where
/// x_client = x_base + Δ and τ = current version − base version.
public struct FedAsyncAggregator: Sendable {
    /// The mixing rate α ∈ (0, 1].
    public var alpha: Double
    /// The staleness-decay function s.
    public var staleness: any StalenessWeighting

    /// Creates the aggregator.
    public init(alpha: Double, staleness: any StalenessWeighting) {
        precondition(alpha > 0 && alpha <= 1, "FedAsync needs 0 < α ≤ 1")
        self.alpha = alpha
        self.staleness = staleness
    }

    /// Mixes one update in.
    ///
    /// - Parameters:
    ///   - update: The arriving update.
    ///   - base: The parameters of the version the client downloaded (the snapshot it trained from).
    ///   - model: The server model.
    public func receive(_ update: ClientUpdate, base: [[Float]], into model: inout GlobalModel) -> AggregationOutcome {
        let tau = model.version - update.baseVersion
        guard let s = self.staleness.weight(staleness: tau) else { return .dropped(staleness: tau) }
        let w = Float(self.alpha * s)
        model.step(mixing: update) { current, tensor, position, index in
            let client = base[tensor][index] + update.deltas[tensor][position]
            return (1 - w) * current + w * client
        }
        return .stepped(version: model.version, updates: 1, meanStaleness: Double(tau))
    }
}

/// FedBuff (Nguyen et al., AISTATS 2022): arriving deltas, each scaled by s(τ) at arrival, fill a buffer of
/// K; when it is full the server steps x ← x + η_g · Σ s(τᵢ)Δᵢ / K (sparse deltas add where they are held).
public struct FedBuffAggregator: Sendable {
    /// Buffer size K ≥ 1.
    public let bufferSize: Int
    /// Server learning rate η_g.
    public var serverLearningRate: Double
    /// The staleness-decay function s.
    public var staleness: any StalenessWeighting
    private var buffer: [(update: ClientUpdate, weight: Double, staleness: Int)] = []

    /// Creates the aggregator.
    public init(bufferSize: Int, serverLearningRate: Double = 1, staleness: any StalenessWeighting) {
        precondition(bufferSize >= 1, "FedBuff needs K ≥ 1")
        self.bufferSize = bufferSize
        self.serverLearningRate = serverLearningRate
        self.staleness = staleness
    }

    /// Buffers one update, stepping the model when the buffer fills.
    public mutating func receive(_ update: ClientUpdate, into model: inout GlobalModel) -> AggregationOutcome {
        let tau = model.version - update.baseVersion
        guard let s = self.staleness.weight(staleness: tau) else { return .dropped(staleness: tau) }
        self.buffer.append((update, s, tau))
        guard self.buffer.count == self.bufferSize else { return .buffered(count: self.buffer.count) }
        let sum = combineSparseDeltas(
            self.buffer.map { ($0.update, $0.weight) }, layout: model.layout, normalise: false)
        model.step(adding: sum, scale: self.serverLearningRate / Double(self.bufferSize))
        let meanStaleness = Double(self.buffer.reduce(0) { $0 + $1.staleness }) / Double(self.bufferSize)
        self.buffer.removeAll(keepingCapacity: true)
        return .stepped(version: model.version, updates: self.bufferSize, meanStaleness: meanStaleness)
    }
}

/// FTTE's semi-asynchronous aggregation: a buffer of K sparse updates over the shared sub-network w*; when
/// full, each update gets ωᵢ = s(τᵢ) · g(σᵢ²) · c(nᵢ), normalised over the buffer (per element, over the
/// updates holding it — identical when all hold w*), and x ← x + η_g Σ ωᵢ Δᵢ.
///
/// τᵢ is measured at arrival; σᵢ² is the element-wise variance of Δᵢ; g is ``VarianceWeighting`` (the FTTE
/// paper does not publish g, ``VarianceWeighting/ftte(beta:)`` is this simulator's stand-in); c is
/// ``ExampleCountWeighting`` (equal by default).
public struct FTTEAggregator: Sendable {
    /// Buffer size K ≥ 1.
    public let bufferSize: Int
    /// Server learning rate η_g.
    public var serverLearningRate: Double
    /// The staleness-decay function s.
    public var staleness: any StalenessWeighting
    /// The variance term g.
    public var variance: VarianceWeighting
    /// The example-count term c.
    public var examples: ExampleCountWeighting
    private var buffer: [(update: ClientUpdate, age: Double, staleness: Int)] = []

    /// Creates the aggregator.
    public init(
        bufferSize: Int, serverLearningRate: Double = 1, staleness: any StalenessWeighting,
        variance: VarianceWeighting = .ftte(beta: 1), examples: ExampleCountWeighting = .equal
    ) {
        precondition(bufferSize >= 1, "FTTE needs K ≥ 1")
        self.bufferSize = bufferSize
        self.serverLearningRate = serverLearningRate
        self.staleness = staleness
        self.variance = variance
        self.examples = examples
    }

    /// The normalised weights ωᵢ the buffered updates would get now (empty when the buffer is empty).
    public var bufferWeights: [Double] {
        let variances = self.buffer.map { $0.update.deltaVariance }
        let meanVariance = variances.isEmpty ? 0 : variances.reduce(0, +) / Double(variances.count)
        let raw = zip(self.buffer, variances).map { entry, variance in
            entry.age * self.variance.weight(variance: variance, meanVariance: meanVariance)
                * self.examples.weight(examples: entry.update.exampleCount)
        }
        let total = raw.reduce(0, +)
        return total > 0 ? raw.map { $0 / total } : raw
    }

    /// Buffers one update, stepping the model when the buffer fills.
    public mutating func receive(_ update: ClientUpdate, into model: inout GlobalModel) -> AggregationOutcome {
        let tau = model.version - update.baseVersion
        guard let s = self.staleness.weight(staleness: tau) else { return .dropped(staleness: tau) }
        self.buffer.append((update, s, tau))
        guard self.buffer.count == self.bufferSize else { return .buffered(count: self.buffer.count) }
        let weighted = Array(zip(self.buffer.map(\.update), self.bufferWeights))
        model.step(
            adding: combineSparseDeltas(weighted.map { ($0.0, $0.1) }, layout: model.layout),
            scale: self.serverLearningRate)
        let meanStaleness = Double(self.buffer.reduce(0) { $0 + $1.staleness }) / Double(self.bufferSize)
        self.buffer.removeAll(keepingCapacity: true)
        return .stepped(version: model.version, updates: self.bufferSize, meanStaleness: meanStaleness)
    }
}
