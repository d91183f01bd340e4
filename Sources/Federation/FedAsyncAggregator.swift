// SPDX-License-Identifier: GPL-3.0-or-later

/// FedAsync (Xie, Koyejo & Gupta 2019): every arrival mixes the client's model into the server's,
/// x ← (1 − α·s(τ))·x + α·s(τ)·x_client, element-wise on the elements the client held, where
/// x_client = x_base + Δ and τ = current version − base version.
public struct FedAsyncAggregator: Sendable {
    /// The mixing rate α ∈ (0, 1].
    public let alpha: Double
    /// The staleness-decay function s.
    public let staleness: any StalenessWeighting

    /// Creates the aggregator.
    ///
    /// - Parameters:
    ///   - alpha: α ∈ (0, 1] (`strategy.alpha`).
    ///   - staleness: s, validated with ``StalenessWeighting/validate()``.
    /// - Throws: ``FederationConfigurationError`` at `strategy.alpha` or the staleness function's key.
    public init(alpha: Double, staleness: any StalenessWeighting) throws(FederationConfigurationError) {
        guard alpha.isFinite, alpha > 0, alpha <= 1 else {
            throw .invalid("strategy.alpha", value: "\(alpha)", expected: "a number in (0, 1]")
        }
        try staleness.validate()
        self.alpha = alpha
        self.staleness = staleness
    }

    /// Mixes one update in.
    ///
    /// - Parameters:
    ///   - update: The arriving update.
    ///   - base: The parameters of the version the client downloaded (the snapshot it trained from).
    ///   - model: The server model.
    /// - Returns: `stepped`, `dropped` (by s) or `rejected` (τ < 0).
    public func receive(_ update: ClientUpdate, base: [[Float]], into model: inout GlobalModel) -> AggregationOutcome {
        let tau = model.version - update.baseVersion
        guard tau >= 0 else { return .rejected(baseVersion: update.baseVersion, currentVersion: model.version) }
        guard let s = self.staleness.boundedWeight(staleness: tau) else { return .dropped(staleness: tau) }
        let w = Float(self.alpha * s)
        model.step(mixing: update) { current, tensor, position, index in
            let client = base[tensor][index] + update.deltas[tensor][position]
            return (1 - w) * current + w * client
        }
        return .stepped(version: model.version, updates: 1, meanStaleness: Double(tau))
    }
}
