// SPDX-License-Identifier: GPL-3.0-or-later

/// Index of a node in a ``ModelGraph``.
public typealias NodeID = Int

/// One node of a forward graph: an operation, its inputs and its (inferred) output shape.
public struct GraphNode: Hashable, Sendable {
    /// Unique name (used by update specifications and in plans).
    public var name: String
    /// What the node computes.
    public var operation: Operation
    /// Producers of the node's inputs, in order.
    public var inputs: [NodeID]
    /// Shape of one sample of the node's output.
    public var shape: TensorShape
}

/// A validated forward graph in topological order whose output feeds a softmax cross-entropy loss.
///
/// Build one with ``ModelBuilder`` or load one with ``ModelFile``.
public struct ModelGraph: Hashable, Sendable {
    /// The model's name.
    public var name: String
    /// Nodes in topological order; node 0 is the input.
    public var nodes: [GraphNode]
    /// The node whose output is the logits (shape `classes × 1 × 1`).
    public var output: NodeID

    /// Shape of one input sample.
    public var inputShape: TensorShape { nodes[0].shape }

    /// Number of classes of the softmax cross-entropy loss.
    public var classes: Int { nodes[output].shape.elementCount }

    /// The nodes that carry weights (conv2d and linear), in graph order.
    public var parameterNodes: [NodeID] {
        nodes.indices.filter {
            switch nodes[$0].operation {
            case .conv2d, .linear: true
            default: false
            }
        }
    }

    /// Consumers of each node, in graph order.
    public var consumers: [[NodeID]] {
        var result = Array(repeating: [NodeID](), count: nodes.count)
        for (id, node) in nodes.enumerated() {
            for input in node.inputs { result[input].append(id) }
        }
        return result
    }
}
