// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import SimKernel
import Testing

@testable import TinyTrain

/// The per-level C kernels (``KernelISA``) against two independent truths: the Swift kernels they replace for
/// float32 (bit for bit, at every level this CPU supports), and the float64 engine that the finite-difference
/// and forward-reference suites check (within float32 rounding). Shapes are odd on purpose: channel counts that
/// are no multiple of any vector width, 1×1 and depthwise convolutions, stride and groups, several blocks of
/// unrolled rows and positions, partial row selections, max pooling over odd planes, batch 1 and 33.
struct KernelISATests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var batch: Int
        var testDescription: String { "\(name) b\(batch)" }
    }

    static let modelNames = ["odd-conv", "pointwise", "depthwise", "strided-groups", "deep-conv", "odd-linear"]
    static let cases = modelNames.flatMap { name in [1, 33].map { Case(name: name, batch: $0) } }

    /// A small model for `name`, ending in a linear classifier over 3 classes.
    static func model(_ name: String) throws -> ModelGraph {
        switch name {
        case "odd-conv":
            // 2×2 max pooling of a 7×7 plane (the last row and column fall outside every window).
            var b = ModelBuilder(name: name, input: TensorShape(channels: 3, height: 7, width: 7))
            var x = try b.conv2d(b.input, out: 5, kernel: 3, padding: 1, name: "conv1")
            x = try b.relu(x, name: "relu1")
            x = try b.maxPool(x, kernel: 2, stride: 2, name: "pool1")
            x = try b.conv2d(x, out: 7, kernel: 3, padding: 1, name: "conv2")
            let logits = try b.linear(try b.flatten(x), out: 3, name: "fc")
            return try b.build(output: logits)
        case "pointwise":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 5, height: 9, width: 9))
            var x = try b.conv2d(b.input, out: 19, kernel: 1, name: "pw1")
            x = try b.relu(x, name: "relu1")
            x = try b.conv2d(x, out: 6, kernel: 1, name: "pw2")
            let logits = try b.linear(try b.flatten(x), out: 3, name: "fc")
            return try b.build(output: logits)
        case "depthwise":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 6, height: 8, width: 8))
            var x = try b.conv2d(b.input, out: 6, kernel: 3, padding: 1, groups: 6, name: "dw")
            x = try b.relu(x, name: "relu1")
            x = try b.conv2d(x, out: 9, kernel: 1, name: "pw")
            let logits = try b.linear(try b.flatten(x), out: 3, name: "fc")
            return try b.build(output: logits)
        case "strided-groups":
            var b = ModelBuilder(name: name, input: TensorShape(channels: 4, height: 11, width: 11))
            var x = try b.conv2d(b.input, out: 6, kernel: 3, stride: 2, padding: 1, groups: 2, name: "conv1")
            x = try b.relu(x, name: "relu1")
            x = try b.conv2d(x, out: 5, kernel: 5, stride: 3, padding: 2, name: "conv2")
            let logits = try b.linear(try b.flatten(x), out: 3, name: "fc")
            return try b.build(output: logits)
        case "deep-conv":
            // 12 input channels · 3² = 108 unrolled rows (7 blocks of 16) over 81 positions (2 blocks).
            var b = ModelBuilder(name: name, input: TensorShape(channels: 12, height: 9, width: 9))
            var x = try b.conv2d(b.input, out: 19, kernel: 3, padding: 1, name: "conv1")
            x = try b.relu(x, name: "relu1")
            x = try b.conv2d(x, out: 17, kernel: 3, padding: 1, name: "conv2")
            let logits = try b.linear(try b.flatten(x), out: 3, name: "fc")
            return try b.build(output: logits)
        default:
            var b = ModelBuilder(name: name, input: TensorShape(channels: 1, height: 1, width: 37))
            var x = try b.linear(try b.flatten(b.input), out: 23, name: "fc1")
            x = try b.relu(x, name: "relu1")
            x = try b.linear(x, out: 18, name: "fc2")
            x = try b.relu(x, name: "relu2")
            let logits = try b.linear(x, out: 3, name: "fc3")
            return try b.build(output: logits)
        }
    }

    /// Every layer trains, except that the second layer trains only the listed rows (not consecutive, so the
    /// weight-gradient kernels see gaps).
    static func update(_ name: String) -> UpdateSpec {
        let second = ["pointwise": "pw2", "depthwise": "pw", "odd-linear": "fc2"][name] ?? "conv2"
        return UpdateSpec(rules: [
            .allLayers(.full), .layer(name: second, LayerUpdate(weights: .indices([0, 2, 3]), bias: true)),
        ])
    }

    /// One training step (learning rate 1, momentum 0.5) in `Scalar` from the same starting point; returns the
    /// loss sum and the parameters after the step.
    static func step<Scalar: EngineScalar>(
        _ c: Case, as _: Scalar.Type, kernels: KernelTable?
    ) throws -> (loss: Double, parameters: [(weights: [Scalar], bias: [Scalar])]) {
        let model = try model(c.name)
        let plan = try TrainingPlan.compile(
            model, update: update(c.name),
            options: CompileOptions(batch: c.batch, momentum: true, scalarBytes: MemoryLayout<Scalar>.size))
        var generator = SplitMix64(seed: 2024)
        let weights = plan.initialWeights(using: &generator).map { layer in
            (
                layer.weights.map { Scalar($0) },
                layer.bias.map { _ in Scalar(Double.random(in: -0.5...0.5, using: &generator)) }
            )
        }
        let inputs = (0..<(c.batch * model.inputShape.elementCount)).map { _ in
            Scalar(Float.random(in: -1...1, using: &generator))
        }
        let labels = (0..<c.batch).map { _ in Int.random(in: 0..<model.classes, using: &generator) }
        let executor = try ArenaExecutor<Scalar>(plan: plan, weights: weights, debugChecks: false, kernels: kernels)
        let result = try inputs.withUnsafeBufferPointer { x in
            try labels.withUnsafeBufferPointer { y in
                try executor.run(inputs: x, labels: y, training: StepHyperparameters(learningRate: 1, momentum: 0.5))
            }
        }
        return (result.lossSum, executor.weights())
    }

    @Test(arguments: cases)
    func everySupportedLevelMatchesTheSwiftKernelsBitForBit(_ c: Case) throws {
        let swift = try Self.step(c, as: Float.self, kernels: nil)
        for level in KernelISA.supported {
            let native = try Self.step(c, as: Float.self, kernels: try #require(level.kernels))
            #expect(native.loss.bitPattern == swift.loss.bitPattern, "\(level.rawValue): loss")
            for (layer, (a, b)) in zip(native.parameters, swift.parameters).enumerated() {
                #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern), "\(level.rawValue) layer \(layer)")
                #expect(a.bias.map(\.bitPattern) == b.bias.map(\.bitPattern), "\(level.rawValue) layer \(layer) bias")
            }
        }
    }

    @Test(arguments: cases)
    func floatKernelsAgreeWithTheCheckedFloat64Engine(_ c: Case) throws {
        let reference = try Self.step(c, as: Double.self, kernels: nil)
        let native = try Self.step(c, as: Float.self, kernels: KernelISA.selected.kernels)
        // float32 sums of at most a few hundred terms of order one: relative error well under 1e-4.
        let tolerance = 1e-4
        #expect(abs(native.loss - reference.loss) <= tolerance * (1 + abs(reference.loss)))
        for (a, b) in zip(native.parameters, reference.parameters) {
            for (x, y) in zip(a.weights + a.bias, b.weights + b.bias) {
                #expect(abs(Double(x) - y) <= tolerance * (1 + abs(y)))
            }
        }
    }

    /// The levels /proc/cpuinfo's feature flags allow, by the x86-64 psABI's level definitions.
    @Test func bestLevelFollowsTheCPUFlags() throws {
        #expect(KernelISA.supported.first == .baseline)
        #expect(KernelISA.supported.last == KernelISA.best)
        #if arch(x86_64) && os(Linux)
            let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            let line = try #require(info.split(separator: "\n").first { $0.hasPrefix("flags") })
            let flags = Set(line.split(separator: " ").map(String.init))
            let v3 = ["avx", "avx2", "fma", "bmi1", "bmi2"].allSatisfy(flags.contains)
            let v4 = v3 && ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"].allSatisfy(flags.contains)
            #expect(KernelISA.best == (v4 ? .x86_64_v4 : v3 ? .x86_64_v3 : .baseline))
        #elseif arch(arm64)
            #expect(KernelISA.best == .neon)
        #endif
        if ProcessInfo.processInfo.environment[KernelISA.environmentVariable] == nil {
            #expect(KernelISA.selected == KernelISA.best)
        }
    }
}
