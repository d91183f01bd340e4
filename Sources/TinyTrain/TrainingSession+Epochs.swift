// SPDX-License-Identifier: GPL-3.0-or-later

extension TrainingSession {
    /// Trains for whole epochs over a local data set: each epoch visits every sample once, in an order shuffled by
    /// `generator` (Fisher–Yates), in mini-batches of the plan's batch size (the last one may be smaller).
    /// - Parameters:
    ///   - inputs: `labels.count` samples, NCHW.
    ///   - labels: class indices.
    ///   - epochs: passes over the data.
    ///   - learningRate: SGD step size.
    ///   - momentum: momentum coefficient (used only if the plan keeps momentum buffers).
    ///   - generator: the shuffling randomness (deterministic per seed).
    /// - Returns: loss and accuracy of the training batches of the last epoch, measured before each update.
    /// - Throws: ``PlanError/invalidData(_:)`` when sizes or labels do not fit.
    @discardableResult
    public func trainEpochs(
        inputs: [Float], labels: [Int], epochs: Int, learningRate: Float, momentum: Float = 0,
        using generator: inout some RandomNumberGenerator
    ) throws -> BatchResult {
        let sampleElements = plan.model.inputShape.elementCount
        guard inputs.count == labels.count * sampleElements else {
            throw PlanError.invalidData("expected \(labels.count * sampleElements) input values, got \(inputs.count)")
        }
        guard epochs >= 0 else { throw PlanError.invalidData("epochs must be non-negative, got \(epochs)") }
        let batch = plan.options.batch
        var order = Array(labels.indices)
        var batchInputs = [Float](repeating: 0, count: batch * sampleElements)
        var batchLabels: [Int] = []
        batchLabels.reserveCapacity(batch)
        var last = BatchResult(lossSum: 0, correct: 0, count: 0)
        for _ in 0..<epochs {
            order.shuffle(using: &generator)
            last = BatchResult(lossSum: 0, correct: 0, count: 0)
            var start = 0
            while start < order.count {
                let end = min(start + batch, order.count)
                batchLabels.removeAll(keepingCapacity: true)
                for (slot, sample) in order[start..<end].enumerated() {
                    batchInputs.withUnsafeMutableBufferPointer { target in
                        inputs.withUnsafeBufferPointer { source in
                            (target.baseAddress! + slot * sampleElements).update(
                                from: source.baseAddress! + sample * sampleElements, count: sampleElements)
                        }
                    }
                    batchLabels.append(labels[sample])
                }
                let result = try trainStep(
                    inputs: Array(batchInputs[0..<((end - start) * sampleElements)]), labels: batchLabels,
                    learningRate: learningRate, momentum: momentum)
                last.lossSum += result.lossSum
                last.correct += result.correct
                last.count += result.count
                start = end
            }
        }
        return last
    }
}
