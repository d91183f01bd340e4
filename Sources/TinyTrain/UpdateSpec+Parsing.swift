// SPDX-License-Identifier: GPL-3.0-or-later

extension UpdateSpec {
    /// Parses the compact form: comma-separated clauses applied left to right to a model whose layers start frozen.
    ///
    /// | clause | meaning |
    /// |---|---|
    /// | `full` | every layer trains weights and bias |
    /// | `bias-only` | every layer trains its bias only |
    /// | `none` | every layer frozen |
    /// | `last:K` | the last K conv2d/linear layers train weights and bias |
    /// | `last:K@R` | the last K layers train the weights of their first ⌈R·C⌉ output channels and the whole bias |
    /// | `NAME=MODE` | the layer NAME: `w` weights and bias, `b` bias only, `f` frozen, `w@R` first ⌈R·C⌉ channels and bias, `w[0;3;7]` listed channels and bias |
    ///
    /// Example: `bias-only,last:2@0.5` trains every bias, and half the channels of the last two layers.
    /// - Throws: ``PlanError/invalidUpdate(_:)`` saying what was expected.
    public init(parsing text: String) throws {
        var rules: [UpdateRule] = []
        let clauses = text.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.filter { !$0.isWhitespace })
        }
        for clause in clauses {
            switch clause {
            case "full": rules.append(.allLayers(.full))
            case "bias-only": rules.append(.allLayers(.biasOnly))
            case "none": rules.append(.allLayers(.frozen))
            default:
                if clause.hasPrefix("last:") {
                    let body = clause.dropFirst("last:".count)
                    let parts = body.split(separator: "@", omittingEmptySubsequences: false)
                    guard let count = Int(parts[0]), count > 0, parts.count <= 2 else {
                        throw PlanError.invalidUpdate(
                            "expected last:K or last:K@R with K a positive integer, got '\(clause)'")
                    }
                    let weights = parts.count == 2 ? try Self.parseRatio(String(parts[1]), clause: clause) : .all
                    rules.append(.lastLayers(count: count, LayerUpdate(weights: weights, bias: true)))
                } else if let equals = clause.firstIndex(of: "=") {
                    let name = String(clause[..<equals])
                    let mode = String(clause[clause.index(after: equals)...])
                    guard !name.isEmpty else { throw PlanError.invalidUpdate("expected NAME=MODE, got '\(clause)'") }
                    rules.append(.layer(name: name, try Self.parseMode(mode, clause: clause)))
                } else {
                    throw PlanError.invalidUpdate(
                        "expected full, bias-only, none, last:K, last:K@R or NAME=w|b|f|w@R|w[i;j], got '\(clause)'")
                }
            }
        }
        self.init(rules: rules)
    }

    private static func parseMode(_ mode: String, clause: String) throws -> LayerUpdate {
        switch mode {
        case "w": return .full
        case "b": return .biasOnly
        case "f": return .frozen
        default:
            if mode.hasPrefix("w@") {
                return LayerUpdate(weights: try parseRatio(String(mode.dropFirst(2)), clause: clause), bias: true)
            }
            if mode.hasPrefix("w["), mode.hasSuffix("]") {
                let list = mode.dropFirst(2).dropLast()
                var indices: [Int] = []
                for item in list.split(separator: ";") {
                    guard let index = Int(item), index >= 0 else {
                        throw PlanError.invalidUpdate("expected non-negative channel indices in '\(clause)'")
                    }
                    indices.append(index)
                }
                guard !indices.isEmpty else { throw PlanError.invalidUpdate("empty channel list in '\(clause)'") }
                return LayerUpdate(weights: .indices(indices), bias: true)
            }
            throw PlanError.invalidUpdate("expected MODE w, b, f, w@R or w[i;j;…] in '\(clause)'")
        }
    }

    private static func parseRatio(_ text: String, clause: String) throws -> ChannelSelection {
        guard let ratio = Double(text), ratio > 0, ratio <= 1 else {
            throw PlanError.invalidUpdate("expected a channel ratio R with 0 < R ≤ 1 in '\(clause)'")
        }
        return .ratio(ratio)
    }
}

extension UpdateSpec: CustomStringConvertible {
    /// The compact form (parses back with ``init(parsing:)`` for every rule the grammar can express).
    public var description: String {
        rules.map { rule in
            switch rule {
            case .allLayers(let update):
                switch update {
                case .full: "full"
                case .biasOnly: "bias-only"
                case .frozen: "none"
                default: "all=\(Self.mode(update))"
                }
            case .lastLayers(let count, let update):
                switch (update.weights, update.bias) {
                case (.all, true): "last:\(count)"
                case (.ratio(let ratio), true): "last:\(count)@\(ratio)"
                default: "last:\(count)=\(Self.mode(update))"
                }
            case .layer(let name, let update):
                "\(name)=\(Self.mode(update))"
            }
        }.joined(separator: ",")
    }

    private static func mode(_ update: LayerUpdate) -> String {
        switch (update.weights, update.bias) {
        case (.all, true): "w"
        case (.none, true): "b"
        case (.none, false): "f"
        case (.ratio(let ratio), _): "w@\(ratio)"
        case (.indices(let indices), _): "w[\(indices.map(String.init).joined(separator: ";"))]"
        case (.all, false): "w"
        }
    }
}
