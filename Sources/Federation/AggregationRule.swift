// SPDX-License-Identifier: GPL-3.0-or-later

/// The asynchronous aggregation rules an ``AsynchronousServer`` can run.
public enum AsynchronousRule: Sendable {
    /// FedAsync: mix every arrival in (``FedAsyncAggregator``).
    case fedAsync(FedAsyncAggregator)
    /// FedBuff: buffered deltas (``FedBuffAggregator``).
    case fedBuff(FedBuffAggregator)
    /// FTTE: buffered, age- and variance-weighted sparse deltas (``FTTEAggregator``).
    case ftte(FTTEAggregator)

    /// The strategy's name as manifests spell it.
    public var name: String {
        switch self {
        case .fedAsync: "fedasync"
        case .fedBuff: "fedbuff"
        case .ftte: "ftte"
        }
    }

    /// Whether the rule reads the parameters of the version an update was trained from (FedAsync mixes
    /// x_base + Δ); FedBuff and FTTE add deltas and need no snapshot.
    public var readsBaseVersion: Bool {
        if case .fedAsync = self { return true }
        return false
    }

    /// Applies one update; `base` is the snapshot the client trained from (read by FedAsync only).
    mutating func receive(_ update: ClientUpdate, base: [[Float]]?, into model: inout GlobalModel)
        -> AggregationOutcome
    {
        switch self {
        case .fedAsync(let rule):
            guard let base else { return .rejected(baseVersion: update.baseVersion, currentVersion: model.version) }
            return rule.receive(update, base: base, into: &model)
        case .fedBuff(var rule):
            defer { self = .fedBuff(rule) }
            return rule.receive(update, into: &model)
        case .ftte(var rule):
            defer { self = .ftte(rule) }
            return rule.receive(update, into: &model)
        }
    }

    /// Applies a partly filled buffer (FedBuff, FTTE); FedAsync has none.
    mutating func flush(into model: inout GlobalModel) -> FlushOutcome {
        switch self {
        case .fedAsync:
            return .empty
        case .fedBuff(var rule):
            defer { self = .fedBuff(rule) }
            return rule.flush(into: &model)
        case .ftte(var rule):
            defer { self = .ftte(rule) }
            return rule.flush(into: &model)
        }
    }
}
