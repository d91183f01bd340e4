// SPDX-License-Identifier: GPL-3.0-or-later

import TinyTrain

/// A training-engine model as the federation layer sees it: its graph, its conv2d/linear layers (batch norms
/// folded in) and the ``ModelLayout`` of flat tensors the server stores, aggregates and sends.
///
/// Every layer contributes its weight tensor and, when it has a bias (its own or a folded batch norm's), a bias
/// tensor right after it, in the engine's layer order. Weights keep the engine's row-major layout
/// (conv2d `[out][in/groups][kh][kw]`, linear `[out][in]`), so converting between ``LayerWeights`` and flat
/// tensors copies arrays and never reorders elements.
public struct FederatedModel: Sendable {
    /// Where a layer's parameters sit in the flat tensor list.
    public struct LayerTensors: Hashable, Sendable {
        /// Index of the weight tensor.
        public var weights: Int
        /// Index of the bias tensor (`nil` for a layer without bias).
        public var bias: Int?
    }

    /// The forward graph.
    public let graph: ModelGraph
    /// The engine's conv2d/linear layers (from a plan of the whole model), in graph order.
    public let layers: [PlanLayer]
    /// The flat tensors, one per weight and per bias.
    public let layout: ModelLayout
    /// For each layer, its tensors in ``layout``.
    public let tensorsOfLayer: [LayerTensors]

    /// Reads the layers of `graph` from a full-update plan (batch 1, no cap).
    ///
    /// Channel structure of each tensor (what `width` and `rolling` may slice):
    /// - conv2d: output channels = rows; input channels per group = `in / groups` (1 for a depthwise
    ///   convolution, whose channels follow its output channels); kernel elements = kh·kw; a grouped
    ///   convolution that is not depthwise is never sliced along its inputs.
    /// - linear: input channels = the channels of the (flattened) input value, `inputSpatialElements` = its H·W,
    ///   so a channel keeps its whole feature plane.
    /// - Input channels that are the image's own (a layer fed by the graph input through pooling or flatten
    ///   only) and output channels that feed the logits are never sliced.
    ///
    /// - Throws: ``PlanError`` or ``ModelError`` when the engine cannot compile the model.
    public init(graph: ModelGraph) throws {
        let plan = try TrainingPlan.compile(graph, update: .full, options: CompileOptions(batch: 1))
        self.init(plan: plan)
    }

    /// Reads the layers of `plan.model` from a compiled plan (any update specification; only the layers'
    /// geometry is used).
    public init(plan: TrainingPlan) {
        let graph = plan.model
        let classifierNodes = Self.nodesFeedingOutput(graph)
        var tensors: [TensorLayout] = []
        var tensorsOfLayer: [LayerTensors] = []
        for layer in plan.layers {
            let node = graph.nodes[layer.node]
            let source = Self.unflattenedShape(graph, node: node.inputs[0])
            let fromImage = Self.readsImage(graph, node: node.inputs[0])
            let slicesOutputs = !classifierNodes.contains(layer.node)
            var inputChannels = source.channels
            var spatial = 1
            var kernelElements = 1
            var slicesInputs = !fromImage
            if case .conv2d(let attributes) = node.operation {
                inputChannels = source.channels / attributes.groups
                kernelElements = attributes.kernel * attributes.kernel
                if attributes.groups > 1 && inputChannels > 1 { slicesInputs = false }
            } else {
                spatial = source.height * source.width
            }
            let weights = TensorLayout(
                name: "\(layer.name).weight", outputChannels: layer.rows, inputChannels: inputChannels,
                inputSpatialElements: spatial, kernelElements: kernelElements, slicesOutputChannels: slicesOutputs,
                slicesInputChannels: slicesInputs)
            precondition(weights.elementCount == layer.rows * layer.rowLength, "\(layer.name): layout mismatch")
            tensors.append(weights)
            var entry = LayerTensors(weights: tensors.count - 1, bias: nil)
            if layer.hasBias {
                tensors.append(
                    TensorLayout(
                        name: "\(layer.name).bias", outputChannels: layer.rows, inputChannels: 1,
                        slicesOutputChannels: slicesOutputs))
                entry.bias = tensors.count - 1
            }
            tensorsOfLayer.append(entry)
        }
        self.graph = graph
        self.layers = plan.layers
        self.layout = ModelLayout(tensors: tensors)
        self.tensorsOfLayer = tensorsOfLayer
    }

    /// The flat tensors of per-layer weights.
    ///
    /// - Precondition: one entry per layer, with the layer's counts.
    public func parameters(from weights: [LayerWeights]) -> [[Float]] {
        precondition(weights.count == self.layers.count, "one LayerWeights per layer")
        var result: [[Float]] = []
        result.reserveCapacity(self.layout.tensors.count)
        for (entry, layer) in zip(weights, self.layers) {
            precondition(entry.weights.count == layer.rows * layer.rowLength, "\(layer.name): weight count")
            result.append(entry.weights)
            if layer.hasBias {
                precondition(entry.bias.count == layer.rows, "\(layer.name): bias count")
                result.append(entry.bias)
            }
        }
        return result
    }

    /// Per-layer weights from flat tensors (the inverse of ``parameters(from:)``).
    ///
    /// - Precondition: one array per tensor of ``layout``, with its element count.
    public func layerWeights(from parameters: [[Float]]) -> [LayerWeights] {
        precondition(parameters.count == self.layout.tensors.count, "one array per tensor")
        return self.tensorsOfLayer.map { entry in
            LayerWeights(weights: parameters[entry.weights], bias: entry.bias.map { parameters[$0] } ?? [])
        }
    }

    /// Fresh parameters (He-normal weights, zero biases, identity batch norms folded in) as flat tensors.
    ///
    /// - Parameter generator: The source of randomness, e.g. a ``SimKernel/RandomStream`` for the server's
    ///   initialisation purpose.
    /// - Throws: ``PlanError`` when the model cannot be compiled.
    public func initialParameters(using generator: inout some RandomNumberGenerator) throws -> [[Float]] {
        let plan = try TrainingPlan.compile(self.graph, update: .full, options: CompileOptions(batch: 1))
        return self.parameters(from: plan.initialWeights(using: &generator))
    }

    /// The shape of the value `node`, seen through flattens (a linear layer's input planes are those before
    /// the flatten).
    static func unflattenedShape(_ graph: ModelGraph, node: NodeID) -> TensorShape {
        if case .flatten = graph.nodes[node].operation {
            return unflattenedShape(graph, node: graph.nodes[node].inputs[0])
        }
        return graph.nodes[node].shape
    }

    /// Whether the value `node` carries the image's own channels: it is the input, or reaches it through
    /// operations that keep channels (pooling, flatten, activations, batch norm) without a conv2d/linear layer.
    static func readsImage(_ graph: ModelGraph, node: NodeID) -> Bool {
        switch graph.nodes[node].operation {
        case .input: true
        case .conv2d, .linear: false
        default: graph.nodes[node].inputs.contains { readsImage(graph, node: $0) }
        }
    }

    /// The conv2d/linear nodes whose outputs reach the logits through channel-keeping operations only.
    static func nodesFeedingOutput(_ graph: ModelGraph) -> Set<NodeID> {
        var result = Set<NodeID>()
        var pending = [graph.output]
        var seen = Set<NodeID>()
        while let node = pending.popLast() {
            guard seen.insert(node).inserted else { continue }
            switch graph.nodes[node].operation {
            case .conv2d, .linear: result.insert(node)
            case .input: break
            default: pending.append(contentsOf: graph.nodes[node].inputs)
            }
        }
        return result
    }
}
