// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

@testable import TinyTrain

struct ModelDescriptionTests {
    static let modelsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Experiments/models")

    @Test(arguments: ModelZoo.names)
    func shippedModelFileBuildsTheSameGraphAsTheBuilder(name: String) throws {
        let path = Self.modelsDirectory.appendingPathComponent("\(name).yaml").path
        let fromFile = try ModelFile.load(path: path)
        let fromBuilder = try ModelZoo.model(named: name)
        #expect(fromFile == fromBuilder)
    }

    @Test
    func shippedModelsHaveTheDocumentedParameterCounts() throws {
        // Independent counts: 784·64+64 + 64·64+64 + 64·10+10 and 1·9·8+8 + 8·9·16+16 + 784·10+10.
        let mlp = try TrainingPlan.compile(ModelZoo.mlp28())
        #expect(mlp.parameterCount == 55_050)
        let cnn = try TrainingPlan.compile(ModelZoo.cnn28())
        #expect(cnn.parameterCount == 9_098)
    }

    @Test
    func mobileNetV2HasInvertedResidualsWithDepthwiseConvolutionsAndScaledWidths() throws {
        let model = try ModelZoo.mobileNetV2CIFAR()
        let adds = model.nodes.filter { $0.operation == .add }
        // Stride-1 blocks with equal in/out channels: stages 2–6 repeats after the first: 1 + 2 + 3 + 2 + 2.
        #expect(adds.count == 10)
        let depthwise = model.nodes.filter {
            if case .conv2d(let a) = $0.operation { return a.groups > 1 && a.groups == a.outChannels }
            return false
        }
        #expect(depthwise.count == 17)
        // 32 · 0.35 = 11.2 → 16; 1280 · 0.35 = 448.
        let stem = try #require(model.nodes.first { $0.name == "stem" })
        #expect(stem.shape.channels == 16)
        let head = try #require(model.nodes.first { $0.name == "head" })
        #expect(head.shape == TensorShape(channels: 448, height: 2, width: 2))
    }

    @Test
    func divisibleChannelsMatchesTheMobileNetV2Reference() {
        // Values of _make_divisible(v, 8) from the reference implementation.
        #expect(ModelBuilder.divisibleChannels(11.2) == 16)
        #expect(ModelBuilder.divisibleChannels(5.6) == 8)
        #expect(ModelBuilder.divisibleChannels(33.6) == 32)
        #expect(ModelBuilder.divisibleChannels(448) == 448)
        #expect(ModelBuilder.divisibleChannels(22.4) == 24)
    }

    @Test
    func modelFileErrorNamesFileLineAndKeyPath() throws {
        let yaml = """
            name: broken
            input: [1, 8, 8]
            layers:
              - {op: conv2d, out: 4, kernel: 3}
              - {op: conv2d, out: 4, kernel: zero}
            """
        let error = try #require(throws: ModelError.self) { try ModelFile.parse(yaml: yaml, file: "broken.yaml") }
        #expect(error.file == "broken.yaml")
        #expect(error.line == 5)
        #expect(error.keyPath == "layers[1].kernel")
    }

    @Test
    func modelFileRejectsMisspeltKeys() throws {
        let yaml = """
            input: [1, 8, 8]
            layers:
              - {op: conv2d, out: 4, kernal: 3}
            """
        let error = try #require(throws: ModelError.self) { try ModelFile.parse(yaml: yaml, file: "typo.yaml") }
        #expect(error.line == 3)
        #expect(error.keyPath == "layers[0].kernal")
        #expect(error.message.contains("kernel"))
    }

    @Test
    func modelFileRejectsGeometryThatDoesNotFit() throws {
        let yaml = """
            input: [1, 4, 4]
            layers:
              - {op: conv2d, name: big, out: 4, kernel: 7}
            """
        let error = try #require(throws: ModelError.self) { try ModelFile.parse(yaml: yaml, file: "m.yaml") }
        #expect(error.line == 3)
        #expect(error.message.contains("does not fit"))
    }

    @Test
    func builderRejectsAddOfDifferentShapes() throws {
        var b = ModelBuilder(name: "bad", input: TensorShape(channels: 2, height: 4, width: 4))
        let a = try b.conv2d(b.input, out: 3, kernel: 1)
        let c = try b.conv2d(b.input, out: 4, kernel: 1)
        #expect(throws: ModelError.self) { try b.add(a, c) }
    }

    @Test
    func batchNormFoldingEqualsConvolutionFollowedByBatchNorm() throws {
        // One 1×1 conv layer on a single pixel: y = w·x + b, then BN: γ (y − μ)/√(σ²+ε) + β.
        let weights = LayerWeights(weights: [0.5, -1.5, 2.0, 0.25], bias: [0.1, -0.2])
        let bn = BatchNormParameters(gamma: [2, 0.5], beta: [0.3, -0.1], mean: [0.2, 1.0], variance: [4, 0.25])
        let folded = weights.folding(bn)
        let x: [Float] = [1.5, -0.5]
        for row in 0..<2 {
            let y = weights.weights[row * 2] * x[0] + weights.weights[row * 2 + 1] * x[1] + weights.bias[row]
            let expected =
                Double(bn.gamma[row]) * (Double(y) - Double(bn.mean[row]))
                / (Double(bn.variance[row]) + bn.epsilon).squareRoot() + Double(bn.beta[row])
            let actual = folded.weights[row * 2] * x[0] + folded.weights[row * 2 + 1] * x[1] + folded.bias[row]
            #expect(abs(Double(actual) - expected) < 1e-5)
        }
    }
}
