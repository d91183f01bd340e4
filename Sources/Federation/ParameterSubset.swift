// SPDX-License-Identifier: GPL-3.0-or-later

/// Which elements of one tensor a sub-network holds.
public enum TensorSubset: Hashable, Sendable {
    /// Every element.
    case all
    /// No element (the tensor is frozen for this device).
    case none
    /// The listed flat indices, strictly increasing.
    case indices([UInt32])

    /// How many elements are held, for a tensor of `elementCount` elements.
    public func count(of elementCount: Int) -> Int {
        switch self {
        case .all: elementCount
        case .none: 0
        case .indices(let list): list.count
        }
    }

    /// The held indices as a list, for a tensor of `elementCount` elements.
    public func indexList(of elementCount: Int) -> [UInt32] {
        switch self {
        case .all: (0..<elementCount).map { UInt32($0) }
        case .none: []
        case .indices(let list): list
        }
    }
}

/// A sub-network: one ``TensorSubset`` per tensor of a ``ModelLayout``.
public struct ParameterSubset: Hashable, Sendable {
    /// The subset of each tensor, in layout order.
    public var tensors: [TensorSubset]

    /// Creates a subset.
    public init(tensors: [TensorSubset]) { self.tensors = tensors }

    /// The whole model.
    public static func full(_ layout: ModelLayout) -> ParameterSubset {
        ParameterSubset(tensors: Array(repeating: .all, count: layout.tensors.count))
    }

    /// Number of parameters held.
    public func parameterCount(in layout: ModelLayout) -> Int {
        zip(self.tensors, layout.tensors).reduce(0) { $0 + $1.0.count(of: $1.1.elementCount) }
    }

    /// Gathers the held values of `parameters` (one flat array per tensor) in subset order.
    ///
    /// - Returns: One array per tensor (empty for ``TensorSubset/none``).
    public func gather(_ parameters: [[Float]]) -> [[Float]] {
        precondition(parameters.count == self.tensors.count, "gather: tensor count mismatch")
        return zip(self.tensors, parameters).map { subset, values in
            switch subset {
            case .all: values
            case .none: []
            case .indices(let list): list.map { values[Int($0)] }
            }
        }
    }

    /// Writes `values` (as ``gather(_:)`` returns them) back into `parameters` at the held positions.
    public func scatter(_ values: [[Float]], into parameters: inout [[Float]]) {
        precondition(values.count == self.tensors.count && parameters.count == self.tensors.count)
        for (tensor, subset) in self.tensors.enumerated() {
            switch subset {
            case .all:
                precondition(values[tensor].count == parameters[tensor].count, "scatter: size mismatch")
                parameters[tensor] = values[tensor]
            case .none:
                break
            case .indices(let list):
                precondition(values[tensor].count == list.count, "scatter: size mismatch")
                for (value, index) in zip(values[tensor], list) { parameters[tensor][Int(index)] = value }
            }
        }
    }
}
