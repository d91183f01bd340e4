// SPDX-License-Identifier: GPL-3.0-or-later

/// FedAvg's aggregation (McMahan et al., AISTATS 2017): the model moves by the per-element average of the
/// round's deltas, weighted by example counts (``ExampleCountWeighting/linear`` by default). With full
/// participation and dense updates this is x ← Σ nᵢ xᵢ / Σ nᵢ.
public struct FedAvgAggregator: Sendable {
    /// How example counts weight the updates.
    public var weighting: ExampleCountWeighting

    /// Creates the aggregator.
    ///
    /// - Parameter weighting: How example counts weight the updates.
    public init(weighting: ExampleCountWeighting = .linear) { self.weighting = weighting }

    /// Applies one round's updates (all based on the current version) and returns the outcome.
    ///
    /// - Parameters:
    ///   - updates: The round's updates, in arrival order (the order of accumulation).
    ///   - model: The server model; it steps once.
    /// - Returns: ``AggregationOutcome/stepped(version:updates:meanStaleness:)``.
    public func aggregate(_ updates: [ClientUpdate], into model: inout GlobalModel) -> AggregationOutcome {
        let weighted = updates.map { ($0, self.weighting.weight(examples: $0.exampleCount)) }
        model.step(adding: combineSparseDeltas(weighted, layout: model.layout))
        return .stepped(
            version: model.version, updates: updates.count,
            meanStaleness: meanStaleness(updates, version: model.version - 1))
    }
}

/// The mean of `version − baseVersion` over `updates` (0 for none).
func meanStaleness(_ updates: [ClientUpdate], version: Int) -> Double {
    guard !updates.isEmpty else { return 0 }
    return Double(updates.reduce(0) { $0 + (version - $1.baseVersion) }) / Double(updates.count)
}
