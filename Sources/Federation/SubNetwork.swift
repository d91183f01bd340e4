// SPDX-License-Identifier: GPL-3.0-or-later

import TinyTrain

/// A device's sub-network: what it holds (for aggregation and the wire) and what the engine trains.
///
/// The engine trains whole output-channel rows and whole biases. When ``specs`` describe a finer subset (single
/// elements for `random-index`, input-channel slices for `width`/`rolling`), ``update`` trains the rows that
/// contain a held element and ``ClientTrainer`` restores the other elements of those rows after every step, so
/// the trajectory is that of training the subset alone; the memory is that of training the whole rows.
public struct SubNetwork: Hashable, Sendable {
    /// The index description of each tensor (what ``PayloadCodec`` encodes).
    public var specs: [IndexSpec]
    /// The held elements of each tensor.
    public var subset: ParameterSubset
    /// The engine update that trains them.
    public var update: UpdateSpec
    /// Whether ``update`` trains exactly ``subset`` (no element outside it changes in training).
    public var trainsExactlySubset: Bool

    /// Creates a sub-network from its description; use ``FederatedModel/subNetwork(specs:)``.
    public init(specs: [IndexSpec], subset: ParameterSubset, update: UpdateSpec, trainsExactlySubset: Bool) {
        self.specs = specs
        self.subset = subset
        self.update = update
        self.trainsExactlySubset = trainsExactlySubset
    }
}

extension FederatedModel {
    /// The sub-network described by one ``IndexSpec`` per tensor, with the engine update that trains it.
    ///
    /// A layer trains the weights of every row (output channel) that holds at least one element, and its bias
    /// when any bias element is held; a layer with nothing held is frozen and runs forward only.
    ///
    /// - Precondition: one spec per tensor of ``layout``.
    public func subNetwork(specs: [IndexSpec]) -> SubNetwork {
        precondition(specs.count == self.layout.tensors.count, "one IndexSpec per tensor")
        let subset = ParameterSubset(tensors: zip(specs, self.layout.tensors).map { $0.resolve($1) })
        var rules: [UpdateRule] = [.allLayers(.frozen)]
        var exact = true
        for (layer, entry) in zip(self.layers, self.tensorsOfLayer) {
            let weights: ChannelSelection
            switch subset.tensors[entry.weights] {
            case .all:
                weights = .all
            case .none:
                weights = .none
            case .indices(let list):
                var rows: [Int] = []
                for index in list {
                    let row = Int(index) / layer.rowLength
                    if rows.last != row { rows.append(row) }
                }
                weights = rows.isEmpty ? .none : rows.count == layer.rows ? .all : .indices(rows)
                if list.count != rows.count * layer.rowLength { exact = false }
            }
            var bias = false
            if let tensor = entry.bias {
                switch subset.tensors[tensor] {
                case .all: bias = true
                case .none: bias = false
                case .indices(let list):
                    bias = !list.isEmpty
                    if bias && list.count != layer.rows { exact = false }
                }
            }
            let update = LayerUpdate(weights: weights, bias: bias)
            if update != .frozen { rules.append(.layer(name: layer.name, update)) }
        }
        return SubNetwork(specs: specs, subset: subset, update: UpdateSpec(rules: rules), trainsExactlySubset: exact)
    }
}
