// SPDX-License-Identifier: GPL-3.0-or-later

/// Which output channels of a layer train their weights.
public enum ChannelSelection: Hashable, Sendable {
    /// No channel: the weights are frozen.
    case none
    /// Every output channel.
    case all
    /// The first `⌈ratio · channels⌉` output channels (`0 < ratio ≤ 1`).
    case ratio(Double)
    /// The listed output channels.
    case indices([Int])
}

/// How one layer (conv2d or linear) is updated.
public struct LayerUpdate: Hashable, Sendable {
    /// Output channels whose weights train.
    public var weights: ChannelSelection
    /// Whether the whole bias trains.
    public var bias: Bool

    /// A layer update.
    public init(weights: ChannelSelection, bias: Bool) {
        self.weights = weights
        self.bias = bias
    }

    /// Weights and bias train.
    public static let full = LayerUpdate(weights: .all, bias: true)
    /// Only the bias trains.
    public static let biasOnly = LayerUpdate(weights: .none, bias: true)
    /// Nothing trains.
    public static let frozen = LayerUpdate(weights: .none, bias: false)
}

/// One rule of an ``UpdateSpec``; later rules override earlier ones for the layers they name.
public enum UpdateRule: Hashable, Sendable {
    /// Every layer gets this update.
    case allLayers(LayerUpdate)
    /// The last `count` conv2d/linear layers (in graph order) get this update.
    case lastLayers(count: Int, LayerUpdate)
    /// The named layer gets this update.
    case layer(name: String, LayerUpdate)
}

/// Which parameters train: an ordered list of rules applied to a model whose layers start frozen.
///
/// The compact text form is documented on ``UpdateSpec/init(parsing:)``.
public struct UpdateSpec: Hashable, Sendable {
    /// Rules, applied in order.
    public var rules: [UpdateRule]

    /// A specification from rules.
    public init(rules: [UpdateRule]) { self.rules = rules }

    /// Every weight and bias trains.
    public static let full = UpdateSpec(rules: [.allLayers(.full)])
    /// Every bias trains; every weight is frozen.
    public static let biasOnly = UpdateSpec(rules: [.allLayers(.biasOnly)])

    /// The update of every conv2d/linear node of `model`.
    /// - Returns: the update per parameter node, keyed by node.
    /// - Throws: ``PlanError/invalidUpdate(_:)`` when a rule names an unknown layer, a count or ratio is out of
    ///   range, or a channel index does not exist.
    public func resolve(for model: ModelGraph) throws -> [NodeID: LayerUpdate] {
        let layers = model.parameterNodes
        var result = Dictionary(uniqueKeysWithValues: layers.map { ($0, LayerUpdate.frozen) })
        for rule in rules {
            switch rule {
            case .allLayers(let update):
                for node in layers { result[node] = update }
            case .lastLayers(let count, let update):
                guard count > 0, count <= layers.count else {
                    throw PlanError.invalidUpdate("last:\(count) needs 1…\(layers.count) (the model's layers)")
                }
                for node in layers.suffix(count) { result[node] = update }
            case .layer(let name, let update):
                guard let node = layers.first(where: { model.nodes[$0].name == name }) else {
                    let names = layers.map { model.nodes[$0].name }.joined(separator: ", ")
                    throw PlanError.invalidUpdate("no conv2d/linear layer named '\(name)' (layers: \(names))")
                }
                result[node] = update
            }
        }
        return result
    }
}
