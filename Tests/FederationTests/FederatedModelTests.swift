// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing
import TinyTrain

struct FederatedModelTests {
    /// Parameter counts from the architectures (e.g. mlp-28: 784·64 + 64 + 64·64 + 64 + 64·10 + 10), against
    /// both the layout and the engine's own count.
    @Test(arguments: [
        ("mlp-28", 55_050, 6), ("cnn-28", 9_098, 6), ("cnn-cifar", 61_162, 10), ("mobilenetv2-cifar", 299_562, 106),
    ])
    func layoutCountsEveryParameterOfTheEngine(name: String, parameters: Int, tensors: Int) throws {
        let graph = try ModelZoo.model(named: name)
        let model = try FederatedModel(graph: graph)
        let plan = try TrainingPlan.compile(graph)
        #expect(model.layout.parameterCount == parameters)
        #expect(model.layout.parameterCount == plan.parameterCount)
        #expect(model.layout.tensors.count == tensors)
        for (layer, entry) in zip(model.layers, model.tensorsOfLayer) {
            #expect(model.layout.tensors[entry.weights].elementCount == layer.rows * layer.rowLength)
            #expect(entry.bias.map { model.layout.tensors[$0].elementCount } == (layer.hasBias ? layer.rows : nil))
        }
    }

    @Test func parametersAndLayerWeightsRoundTrip() throws {
        let model = try FederatedModel(graph: ModelZoo.cnnCIFAR())
        var generator = RandomStream(seed: 11)
        let flat = try model.initialParameters(using: &generator)
        let layers = model.layerWeights(from: flat)
        #expect(layers.count == model.layers.count)
        #expect(model.parameters(from: layers) == flat)
    }

    @Test func channelStructureOfTheSmallCNN() throws {
        let tensors = try FederatedModel(graph: ModelZoo.cnn28()).layout.tensors
        #expect(
            tensors.map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"])
        // conv1 reads the image: its one input channel is never sliced.
        #expect(tensors[0].outputChannels == 8 && tensors[0].inputChannels == 1 && tensors[0].kernelElements == 9)
        #expect(tensors[0].slicesOutputChannels && !tensors[0].slicesInputChannels)
        #expect(tensors[2].outputChannels == 16 && tensors[2].inputChannels == 8 && tensors[2].slicesInputChannels)
        // fc reads 16 planes of 7×7 after the flatten; its 10 outputs are the classes.
        #expect(tensors[4].inputChannels == 16 && tensors[4].inputSpatialElements == 49)
        #expect(!tensors[4].slicesOutputChannels && !tensors[5].slicesOutputChannels && tensors[4].slicesInputChannels)
    }

    @Test func mlpFirstLayerReadsTheFlattenedImageWhole() throws {
        let tensors = try FederatedModel(graph: ModelZoo.mlp28()).layout.tensors
        #expect(tensors[0].inputChannels == 1 && tensors[0].inputSpatialElements == 784)
        #expect(!tensors[0].slicesInputChannels)
        #expect(tensors[2].inputChannels == 64 && tensors[2].inputSpatialElements == 1)
    }

    @Test func depthwiseConvolutionsHaveOneInputPerGroup() throws {
        let graph = try ModelZoo.mobileNetV2CIFAR()
        let model = try FederatedModel(graph: graph)
        var depthwise = 0
        for (layer, entry) in zip(model.layers, model.tensorsOfLayer) {
            guard case .conv2d(let attributes) = graph.nodes[layer.node].operation, attributes.groups > 1 else {
                continue
            }
            depthwise += 1
            let tensor = model.layout.tensors[entry.weights]
            #expect(tensor.inputChannels == 1 && tensor.kernelElements == 9 && !tensor.slicesInputChannels)
            #expect(tensor.outputChannels == attributes.outChannels && tensor.slicesOutputChannels)
        }
        #expect(depthwise == 17)
        #expect(model.layout.tensors[0].inputChannels == 3 && !model.layout.tensors[0].slicesInputChannels)
        #expect(model.layout.tensors.suffix(2).allSatisfy { !$0.slicesOutputChannels })
    }

    /// The layout's input-channel planes of `fc` are the engine's flatten order: once conv2's output channel c is
    /// silenced (zero weights and bias give ReLU(0) = 0 after pooling), fc's weights on plane c cannot change
    /// the loss, while its weights on another plane do (one class row is perturbed: a shift of every logit
    /// would leave the softmax unchanged).
    @Test func linearInputPlanesFollowTheEnginesFlattenOrder() throws {
        let model = try FederatedModel(graph: ModelZoo.cnn28())
        var generator = RandomStream(seed: 5)
        var parameters = try model.initialParameters(using: &generator)
        let conv2 = model.layout.tensors[2]
        let silenced = 5
        for index in conv2.elements(outputChannels: [silenced], inputChannels: Array(0..<8)) {
            parameters[2][Int(index)] = 0
        }
        parameters[3][silenced] = 0
        let indices = EmbeddedData.sample(20, of: EmbeddedData.train, purpose: "flatten-order")
        func loss(_ parameters: [[Float]]) throws -> Double {
            let plan = try TrainingPlan.compile(
                model.graph, update: UpdateSpec(rules: [.allLayers(.frozen)]), options: CompileOptions(batch: 20))
            let session = try TrainingSession(plan: plan, weights: model.layerWeights(from: parameters))
            var inputs: [Float] = []
            var labels: [Int32] = []
            EmbeddedData.train.gather(indices, into: &inputs, labels: &labels)
            return try session.evaluate(inputs: inputs, labels: labels.map { Int($0) }).lossSum
        }
        let reference = try loss(parameters)
        func perturbed(plane: Int) -> [[Float]] {
            var copy = parameters
            for index in model.layout.tensors[4].elements(outputChannels: [0], inputChannels: [plane]) {
                copy[4][Int(index)] += 0.5
            }
            return copy
        }
        #expect(try loss(perturbed(plane: silenced)) == reference)
        #expect(try abs(loss(perturbed(plane: silenced + 1)) - reference) > 1e-3)
    }
}
