// SPDX-License-Identifier: GPL-3.0-or-later

/// Loss and accuracy counts of a batch or a data set.
public struct BatchResult: Hashable, Sendable {
    /// Sum of the per-sample cross-entropy losses.
    public var lossSum: Double
    /// Samples whose arg-max prediction is the label.
    public var correct: Int
    /// Samples seen.
    public var count: Int

    /// Mean loss per sample.
    public var meanLoss: Double { count > 0 ? lossSum / Double(count) : 0 }
    /// Fraction predicted correctly.
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }
}

/// Float32 training and evaluation of a compiled ``TrainingPlan`` in a single arena of exactly
/// ``TrainingPlan/arenaBytes`` bytes (frozen parameters in a separate read-only buffer of
/// ``TrainingPlan/flashBytes`` bytes).
///
/// A session owns its memory and is not shared between threads; run one session per concurrent device.
public final class TrainingSession {
    /// The plan it runs.
    public var plan: TrainingPlan { executor.plan }
    let executor: ArenaExecutor<Float>

    /// Allocates the arena and loads the parameters.
    /// - Parameters:
    ///   - plan: a plan compiled with 4-byte scalars.
    ///   - weights: one entry per ``TrainingPlan/layers`` (see ``TrainingPlan/initialWeights(using:)``).
    ///   - debugChecks: poison fresh and freed tensors and check guard bytes after every step (needs a plan
    ///     compiled with ``CompileOptions/guardBytes`` > 0).
    ///   - kernelISA: the level of the matrix-product kernels; every level gives the same bits.
    /// - Throws: ``PlanError`` when the plan or the weights do not fit, or this CPU cannot run `kernelISA`.
    public init(
        plan: TrainingPlan, weights: [LayerWeights], debugChecks: Bool = false, kernelISA: KernelISA = .selected
    ) throws {
        guard let kernels = kernelISA.kernels else {
            throw PlanError.invalidOptions("this CPU cannot run the \(kernelISA.rawValue) kernels")
        }
        executor = try ArenaExecutor(
            plan: plan, weights: weights.map { ($0.weights, $0.bias) }, debugChecks: debugChecks, kernels: kernels)
    }

    /// One SGD step on a mini-batch: forward, loss, pruned backward with in-place updates.
    /// - Parameters:
    ///   - inputs: `labels.count` samples, NCHW, `labels.count · inputShape.elementCount` values.
    ///   - labels: 1…batch class indices.
    ///   - learningRate: SGD step size.
    ///   - momentum: momentum coefficient (used only if the plan keeps momentum buffers).
    /// - Returns: the batch's loss and accuracy before the update.
    /// - Throws: ``PlanError/invalidData(_:)`` on mismatched sizes or labels; ``MemoryCheckError`` in debug mode.
    @discardableResult
    public func trainStep(inputs: [Float], labels: [Int], learningRate: Float, momentum: Float = 0) throws
        -> BatchResult
    {
        let result = try inputs.withUnsafeBufferPointer { x in
            try labels.withUnsafeBufferPointer { y in
                try executor.run(
                    inputs: x, labels: y,
                    training: StepHyperparameters(learningRate: learningRate, momentum: momentum))
            }
        }
        return BatchResult(lossSum: result.lossSum, correct: result.correct, count: labels.count)
    }

    /// Loss and accuracy over any number of samples, in chunks of the plan's batch.
    /// - Throws: ``PlanError/invalidData(_:)`` on mismatched sizes or labels.
    public func evaluate(inputs: [Float], labels: [Int]) throws -> BatchResult {
        try executor.evaluate(inputs: inputs, labels: labels)
    }

    /// A copy of the current parameters, one entry per layer.
    public func weights() -> [LayerWeights] {
        executor.weights().map { LayerWeights(weights: $0.weights, bias: $0.bias) }
    }

    /// Zeroes the momentum buffers (loading weights leaves them as they are).
    public func resetOptimizerState() {
        executor.resetOptimizerState()
    }

    /// Replaces the parameters.
    /// - Throws: ``PlanError/invalidData(_:)`` when counts do not match the layers.
    public func load(_ weights: [LayerWeights]) throws {
        try executor.load(weights.map { ($0.weights, $0.bias) })
    }
}

extension ArenaExecutor {
    /// Loss and accuracy over `labels.count` samples, in chunks of the plan's batch.
    func evaluate(inputs: [Scalar], labels: [Int]) throws -> BatchResult {
        let sampleElements = plan.valueShapes[0].elementCount
        guard inputs.count == labels.count * sampleElements else {
            throw PlanError.invalidData("expected \(labels.count * sampleElements) input values, got \(inputs.count)")
        }
        var total = BatchResult(lossSum: 0, correct: 0, count: 0)
        var start = 0
        while start < labels.count {
            let end = min(start + plan.options.batch, labels.count)
            let part = try inputs.withUnsafeBufferPointer { x in
                try labels.withUnsafeBufferPointer { y in
                    try run(
                        inputs: UnsafeBufferPointer(rebasing: x[start * sampleElements..<end * sampleElements]),
                        labels: UnsafeBufferPointer(rebasing: y[start..<end]), training: nil)
                }
            }
            total.lossSum += part.lossSum
            total.correct += part.correct
            total.count += end - start
            start = end
        }
        return total
    }
}
