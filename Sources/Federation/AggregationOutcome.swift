// SPDX-License-Identifier: GPL-3.0-or-later

/// What an aggregation rule did with an arriving update (or a round's updates).
public enum AggregationOutcome: Equatable, Sendable {
    /// The staleness function dropped it.
    case dropped(staleness: Int)
    /// It waits in the buffer, which now holds `count` updates.
    case buffered(count: Int)
    /// The server stepped: the model is now `version`, built from `updates` updates of mean staleness
    /// `meanStaleness`.
    case stepped(version: Int, updates: Int, meanStaleness: Double)
    /// The update claims a base version the server has not reached (τ < 0): it cannot be weighted and is
    /// discarded. The servers never pass such an update on; only a direct caller of a rule can.
    case rejected(baseVersion: Int, currentVersion: Int)
}

/// What ``FedBuffAggregator/flush(into:)``, ``FTTEAggregator/flush(into:)`` and
/// ``AsynchronousServer/flush()`` did with a partly filled buffer at the end of a run.
public enum FlushOutcome: Equatable, Sendable {
    /// The buffer was empty (always so for FedAsync): the model is unchanged.
    case empty
    /// The buffered updates were applied as one step with the buffer's own size as K (see each rule).
    case applied(AggregationOutcome)
}
