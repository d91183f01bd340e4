// SPDX-License-Identifier: GPL-3.0-or-later

/// The forward graph after fusion: conv/linear + frozen batch norm + activation become one operator, flatten
/// becomes an alias of its input, and the remaining nodes map one-to-one to operators.
struct FusedGraph {
    /// Operators in forward order (backward fields not yet set).
    var ops: [PlannedOp]
    /// Layers in graph order (update fields not yet set).
    var layers: [PlanLayer]
    /// Shape of each value; value 0 is the input.
    var valueShapes: [TensorShape]
    /// Producer operator of each value (`nil` for the input).
    var producer: [Int?]
    /// The logits value.
    var outputValue: Int

    /// Fuses `model`.
    /// - Throws: ``PlanError/unsupportedModel(_:)`` for a batch norm that does not directly follow a conv2d or
    ///   linear layer whose only consumer it is.
    init(_ model: ModelGraph) throws {
        let consumers = model.consumers
        var valueOf = Array(repeating: -1, count: model.nodes.count)
        var absorbed = Array(repeating: false, count: model.nodes.count)
        ops = []
        layers = []
        valueShapes = [model.inputShape]
        producer = [nil]
        valueOf[0] = 0

        /// The single consumer of `node` if it has exactly one and `node` is not the model's output.
        func soleConsumer(_ node: NodeID) -> NodeID? {
            guard node != model.output, consumers[node].count == 1 else { return nil }
            return consumers[node][0]
        }

        for (id, node) in model.nodes.enumerated() where id > 0 && !absorbed[id] {
            let inputs = node.inputs.map { valueOf[$0] }
            var last = id
            var activation = Activation.none
            let kind: PlannedOp.Kind
            var layer: Int?
            switch node.operation {
            case .input:
                continue
            case .flatten:
                valueOf[id] = inputs[0]
                continue
            case .batchNorm:
                throw PlanError.unsupportedModel(
                    "batch norm '\(node.name)' must directly follow a conv2d or linear layer that feeds only it")
            case .conv2d, .linear:
                var epsilon: Double?
                if let next = soleConsumer(last), case .batchNorm(let e) = model.nodes[next].operation {
                    epsilon = e
                    absorbed[next] = true
                    last = next
                }
                if let next = soleConsumer(last), case .activation(let a) = model.nodes[next].operation {
                    activation = a
                    absorbed[next] = true
                    last = next
                }
                let inShape = valueShapes[inputs[0]]
                switch node.operation {
                case .conv2d(let a):
                    kind = .conv(a)
                    layers.append(
                        PlanLayer(
                            name: node.name, node: id, rows: a.outChannels,
                            rowLength: inShape.channels / a.groups * a.kernel * a.kernel,
                            hasBias: a.bias || epsilon != nil, foldedBatchNormEpsilon: epsilon, trainableRows: [],
                            biasTrainable: false))
                case .linear(let out, let bias):
                    kind = .linear
                    layers.append(
                        PlanLayer(
                            name: node.name, node: id, rows: out, rowLength: inShape.elementCount,
                            hasBias: bias || epsilon != nil, foldedBatchNormEpsilon: epsilon, trainableRows: [],
                            biasTrainable: false))
                default:
                    preconditionFailure("unreachable: conv2d or linear")
                }
                layer = layers.count - 1
            case .activation(let a):
                kind = .activation
                activation = a
            case .maxPool(let p):
                kind = .maxPool(p)
            case .avgPool(let p):
                kind = .avgPool(p)
            case .globalAvgPool:
                kind = .globalAvgPool
            case .add:
                kind = .add
            }
            let value = valueShapes.count
            valueShapes.append(model.nodes[last].shape)
            producer.append(ops.count)
            valueOf[last] = value
            if last != id { valueOf[id] = value }
            ops.append(
                PlannedOp(
                    name: model.nodes[last].name, kind: kind, activation: activation, layer: layer, inputs: inputs,
                    output: value, needsBackward: false, inputNeedsGradient: inputs.map { _ in false }))
        }
        outputValue = valueOf[model.output]
    }
}
