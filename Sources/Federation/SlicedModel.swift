// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import TinyTrain

/// A narrower copy of a model for `width` (HeteroFL) and `rolling` (FedRolex) sub-networks: every sliced channel
/// dimension keeps only the channels of its window, so the device really trains — and plans memory for — a
/// smaller network.
///
/// The narrow graph has the same nodes, names and order as the full one; conv2d and linear layers have as many
/// output channels as their window holds, a depthwise convolution as many groups as channels, and every other
/// operation is unchanged. Channel j of a narrow dimension is the j-th channel of the window in increasing order,
/// so the narrow tensors' elements, row-major, are exactly the held elements of the full tensors in increasing
/// index order: narrow parameters are ``ParameterSubset/gather(_:)`` of the full ones, and a narrow update is an
/// update on ``subset``.
///
/// Not modelled: HeteroFL's scaler module (activations divided by r in training) and its static batch norm; the
/// engine's batch norms are frozen and folded, so they slice with their channels.
public struct SlicedModel: Sendable {
    /// The full model.
    public let full: FederatedModel
    /// The narrow model the device trains.
    public let narrow: FederatedModel
    /// The channel windows, one per full tensor (what ``PayloadCodec`` encodes).
    public let specs: [IndexSpec]
    /// The held elements of the full model (every element of the narrow model).
    public let subset: ParameterSubset

    /// Builds the narrow model for channel-window specs, as ``ExtractionPolicy/width`` and
    /// ``ExtractionPolicy/rolling`` return them.
    ///
    /// - Throws: ``FederationConfigurationError`` when a spec is not a whole tensor or a channel window, when
    ///   the windows of connected layers disagree in size, or when a grouped (not depthwise) convolution would
    ///   be sliced; ``ModelError`` or ``PlanError`` when the engine rejects the narrow graph.
    public init(model: FederatedModel, specs: [IndexSpec]) throws {
        precondition(specs.count == model.layout.tensors.count, "one IndexSpec per tensor")
        let graph = model.graph
        var outputs: [NodeID: Int] = [:]
        for (layer, entry) in zip(model.layers, model.tensorsOfLayer) {
            switch specs[entry.weights] {
            case .all: outputs[layer.node] = layer.rows
            case .channelWindow(let window, _): outputs[layer.node] = window.count
            default:
                throw FederationConfigurationError.invalid(
                    "subnet.policy", value: "\(specs[entry.weights])",
                    expected: "a whole tensor or a channel window for '\(layer.name)' (width or rolling)")
            }
        }
        var builder = ModelBuilder(name: "\(graph.name)-sliced", input: graph.inputShape)
        for (id, node) in graph.nodes.enumerated().dropFirst() {
            var operation = node.operation
            switch node.operation {
            case .conv2d(var attributes):
                let inChannels = builder.shape(of: node.inputs[0]).channels
                let fullInChannels = graph.nodes[node.inputs[0]].shape.channels
                let channels = outputs[id] ?? attributes.outChannels
                if attributes.groups > 1 {
                    let depthwise = attributes.groups == fullInChannels && attributes.groups == attributes.outChannels
                    guard depthwise || (inChannels == fullInChannels && channels == attributes.outChannels) else {
                        throw FederationConfigurationError.invalid(
                            "subnet.policy", value: node.name,
                            expected: "no channel slicing of a grouped convolution that is not depthwise")
                    }
                    if depthwise { attributes.groups = inChannels }
                }
                attributes.outChannels = channels
                operation = .conv2d(attributes)
            case .linear(let features, let bias):
                operation = .linear(outFeatures: outputs[id] ?? features, bias: bias)
            default:
                break
            }
            _ = try builder.add(operation, inputs: node.inputs, name: node.name)
        }
        let narrow = try FederatedModel(graph: builder.build(output: graph.output))
        let subset = ParameterSubset(tensors: zip(specs, model.layout.tensors).map { $0.resolve($1) })
        for (tensor, layout) in narrow.layout.tensors.enumerated()
        where layout.elementCount != subset.tensors[tensor].count(of: model.layout.tensors[tensor].elementCount) {
            throw FederationConfigurationError.invalid(
                "subnet.policy", value: model.layout.tensors[tensor].name,
                expected: "channel windows that agree between connected layers (\(layout.elementCount) elements)")
        }
        self.full = model
        self.narrow = narrow
        self.specs = specs
        self.subset = subset
    }

    /// The narrow model's parameters, taken from the full model's.
    public func narrowParameters(from parameters: [[Float]]) -> [[Float]] { self.subset.gather(parameters) }

    /// Trains the narrow model (every parameter of it) from the downloaded full parameters and returns the
    /// update on ``subset``; memory and MACs are the narrow plan's.
    ///
    /// - Throws: As ``ClientTrainer/train(model:subNetwork:capBytes:base:baseVersion:clientID:examples:shuffle:noise:)``.
    public func train(
        with trainer: ClientTrainer, capBytes: Int?, base: [[Float]], baseVersion: Int, clientID: Int,
        examples: some ClientExamples, shuffle: RandomStream, noise: RandomStream? = nil, stepLimit: Int? = nil
    ) throws -> ClientTrainingResult {
        let everything = self.narrow.subNetwork(
            specs: Array(repeating: .all, count: self.narrow.layout.tensors.count))
        var result = try trainer.train(
            model: self.narrow, subNetwork: everything, capBytes: capBytes, base: self.narrowParameters(from: base),
            baseVersion: baseVersion, clientID: clientID, examples: examples, shuffle: shuffle, noise: noise,
            stepLimit: stepLimit)
        result.update.subset = self.subset
        return result
    }
}
