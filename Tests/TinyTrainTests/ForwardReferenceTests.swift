// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import TinyTrain

/// Forward passes against a naive reference with PyTorch's definitions (cross-correlation, zero padding,
/// groups as contiguous channel blocks, floor-mode pooling windows), written as plain loops independent of the
/// kernels. Finite differences check backward against forward; these check forward against the standard.
struct ForwardReferenceTests {
    struct ConvCase: CustomTestStringConvertible, Sendable {
        var inChannels: Int, outChannels: Int, size: Int, kernel: Int, stride: Int, padding: Int, groups: Int
        var testDescription: String {
            "\(inChannels)→\(outChannels) \(size)² k\(kernel) s\(stride) p\(padding) g\(groups)"
        }
    }

    static let convCases = [
        ConvCase(inChannels: 2, outChannels: 3, size: 5, kernel: 3, stride: 1, padding: 1, groups: 1),
        ConvCase(inChannels: 2, outChannels: 4, size: 7, kernel: 3, stride: 2, padding: 1, groups: 2),
        ConvCase(inChannels: 4, outChannels: 4, size: 6, kernel: 3, stride: 1, padding: 1, groups: 4),
        ConvCase(inChannels: 3, outChannels: 2, size: 9, kernel: 1, stride: 1, padding: 0, groups: 1),
        ConvCase(inChannels: 8, outChannels: 5, size: 6, kernel: 3, stride: 1, padding: 0, groups: 1),
        ConvCase(inChannels: 2, outChannels: 2, size: 8, kernel: 5, stride: 3, padding: 2, groups: 1),
    ]

    /// Runs `model` forward on `inputs` with `weights` and returns the output of the operator named `name`, read
    /// from the arena after the run: valid only for a value no later tensor reuses (the classifier's input in a
    /// plan where nothing trains, as here).
    static func forwardValue(
        _ model: ModelGraph, weights: [(weights: [Double], bias: [Double])], inputs: [Double], batch: Int,
        name: String
    ) throws -> [Double] {
        let plan = try TrainingPlan.compile(
            model, update: UpdateSpec(rules: [.allLayers(.frozen)]),
            options: CompileOptions(batch: batch, scalarBytes: 8))
        let executor = try ArenaExecutor<Double>(plan: plan, weights: weights, debugChecks: false)
        _ = try executor.evaluate(inputs: inputs, labels: Array(repeating: 0, count: batch))
        let op = try #require(plan.ops.first { $0.name == name })
        let count = batch * plan.valueShapes[op.output].elementCount
        return Array(
            UnsafeBufferPointer(start: executor.pointer(plan.bindings.value[op.output], as: Double.self), count: count))
    }

    @Test(arguments: convCases)
    func convolutionMatchesTheCrossCorrelationDefinition(_ c: ConvCase) throws {
        var b = ModelBuilder(name: "conv", input: TensorShape(channels: c.inChannels, height: c.size, width: c.size))
        let y = try b.conv2d(
            b.input, out: c.outChannels, kernel: c.kernel, stride: c.stride, padding: c.padding, groups: c.groups,
            name: "conv")
        let x = try b.flatten(y)
        let logits = try b.linear(x, out: 2, name: "fc")
        let model = try b.build(output: logits)
        var generator = SplitMix64(seed: 99)
        let batch = 2
        let inPerGroup = c.inChannels / c.groups
        let w = (0..<(c.outChannels * inPerGroup * c.kernel * c.kernel)).map { _ in
            Double.random(in: -1...1, using: &generator)
        }
        let bias = (0..<c.outChannels).map { _ in Double.random(in: -1...1, using: &generator) }
        let input = (0..<(batch * c.inChannels * c.size * c.size)).map { _ in
            Double.random(in: -1...1, using: &generator)
        }
        let out = (c.size + 2 * c.padding - c.kernel) / c.stride + 1
        let fcWeights = [Double](repeating: 0.1, count: 2 * c.outChannels * out * out)
        let actual = try Self.forwardValue(
            model, weights: [(w, bias), (fcWeights, [0, 0])], inputs: input, batch: batch, name: "conv")

        var expected: [Double] = []
        let outPerGroup = c.outChannels / c.groups
        for n in 0..<batch {
            for oc in 0..<c.outChannels {
                let group = oc / outPerGroup
                for oh in 0..<out {
                    for ow in 0..<out {
                        var sum = bias[oc]
                        for icg in 0..<inPerGroup {
                            let ic = group * inPerGroup + icg
                            for kh in 0..<c.kernel {
                                for kw in 0..<c.kernel {
                                    let ih = oh * c.stride - c.padding + kh
                                    let iw = ow * c.stride - c.padding + kw
                                    guard ih >= 0, ih < c.size, iw >= 0, iw < c.size else { continue }
                                    let weight = w[((oc * inPerGroup + icg) * c.kernel + kh) * c.kernel + kw]
                                    sum += weight * input[((n * c.inChannels + ic) * c.size + ih) * c.size + iw]
                                }
                            }
                        }
                        expected.append(sum)
                    }
                }
            }
        }
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) <= 1e-12, "\(c.testDescription): \(a) vs \(e)") }
    }

    /// input → identity 1×1 conv → `pool` → flatten → linear; the pool's output is read after the run (it is
    /// the last value the classifier reads, and no tensor is born after the classifier in a frozen plan).
    static func pooled(_ pool: Operation, input: [Double]) throws -> [Double] {
        var b = ModelBuilder(name: "pool", input: TensorShape(channels: 1, height: 5, width: 5))
        let stem = try b.conv2d(b.input, out: 1, kernel: 1, name: "identity")
        let pooled = try b.add(pool, inputs: [stem], name: "pool")
        let flat = try b.flatten(pooled)
        let logits = try b.linear(flat, out: 2, name: "fc")
        let model = try b.build(output: logits)
        let features = b.shape(of: pooled).elementCount
        let weights: [(weights: [Double], bias: [Double])] = [
            ([1], [0]), ([Double](repeating: 0, count: 2 * features), [0, 0]),
        ]
        return try forwardValue(model, weights: weights, inputs: input, batch: 1, name: "pool")
    }

    @Test
    func poolingMatchesItsDefinitions() throws {
        // 1×5×5 input 0…24 (row-major) with a spike of 100 at (1, 1); floor-mode windows.
        var input = (0..<25).map(Double.init)
        input[6] = 100
        // Max 3/2: rows 0–2 × cols 0–2 hold the spike; the others peak at (2, 4), (4, 2) and (4, 4).
        #expect(try Self.pooled(.maxPool(PoolAttributes(kernel: 3, stride: 2)), input: input) == [100, 14, 22, 24])
        let expectedAverages: [Double] = [106.0 / 4, 20.0 / 4, 52.0 / 4, 60.0 / 4]
        #expect(try Self.pooled(.avgPool(PoolAttributes(kernel: 2, stride: 2)), input: input) == expectedAverages)
        let expectedMean: [Double] = [394.0 / 25]
        #expect(try Self.pooled(.globalAvgPool, input: input) == expectedMean)
    }
}
