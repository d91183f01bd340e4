// SPDX-License-Identifier: GPL-3.0-or-later

/// Hyper-parameters of one SGD step.
struct StepHyperparameters<Scalar: EngineScalar> {
    var learningRate: Scalar
    var momentum: Scalar
}

extension ArenaExecutor {
    /// Runs the schedule on `count` samples (at most the plan's batch): forward and loss, then — when
    /// `training` is given — the pruned backward pass with its SGD updates.
    /// - Parameters:
    ///   - inputs: `count` samples, each ``TrainingPlan/model`` input's element count, NCHW.
    ///   - labels: `count` class indices.
    /// - Returns: summed loss and correct predictions over the samples.
    /// - Throws: ``PlanError/invalidData(_:)`` when sizes or labels do not fit.
    func run(
        inputs: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Int>, training: StepHyperparameters<Scalar>?
    ) throws -> (lossSum: Double, correct: Int) {
        let count = labels.count
        let sampleElements = plan.valueShapes[0].elementCount
        guard count > 0, count <= plan.options.batch else {
            throw PlanError.invalidData("expected 1…\(plan.options.batch) samples per step, got \(count)")
        }
        guard inputs.count == count * sampleElements else {
            throw PlanError.invalidData("expected \(count * sampleElements) input values, got \(inputs.count)")
        }
        let classes = plan.model.classes
        for label in labels where label < 0 || label >= classes {
            throw PlanError.invalidData("label \(label) is outside 0..<\(classes)")
        }
        var result = (lossSum: 0.0, correct: 0)
        for (step, entry) in plan.steps.enumerated() {
            if training == nil, case .backward = entry { break }
            if training == nil, case .update = entry { break }
            prepareTensors(startingAt: step)
            if step == 0 {
                pointer(plan.bindings.value[0], as: Scalar.self).update(from: inputs.baseAddress!, count: inputs.count)
                let labelSlots = pointer(plan.bindings.labels, as: Int32.self)
                for (index, label) in labels.enumerated() { labelSlots[index] = Int32(label) }
            }
            switch entry {
            case .forward(let index):
                forward(plan.ops[index], index: index, count: count)
            case .loss:
                let logitsValue = plan.logitsValue
                let gradient = training == nil ? nil : plan.bindings.valueGradient[logitsValue]
                result = Kernels.softmaxCrossEntropy(
                    batch: count, classes: classes, logits: pointer(plan.bindings.value[logitsValue], as: Scalar.self),
                    labels: pointer(plan.bindings.labels, as: Int32.self),
                    gradient: gradient.map { pointer($0, as: Scalar.self) })
            case .backward(let index):
                if let training { backward(plan.ops[index], index: index, count: count, hyperparameters: training) }
            case .update:
                if let training {
                    for layer in plan.layers.indices { update(layer: layer, hyperparameters: training) }
                }
            }
            try finishStep(step)
        }
        return result
    }

    private func forward(_ op: PlannedOp, index: Int, count: Int) {
        let inShape = plan.valueShapes[op.inputs[0]]
        let outShape = plan.valueShapes[op.output]
        let x: UnsafeMutablePointer<Scalar> = pointer(plan.bindings.value[op.inputs[0]])
        let y: UnsafeMutablePointer<Scalar> = pointer(plan.bindings.value[op.output])
        let mask = plan.bindings.mask[index].map { pointer($0, as: UInt8.self) }
        switch op.kind {
        case .conv(let a):
            Kernels.convForward(
                convGeometry(a, inShape: inShape, outShape: outShape, count: count), kernels: kernels, input: x,
                rows: rowPointers[op.layer!], bias: biasPointers[op.layer!], output: y, activation: op.activation,
                mask: mask, workspace: plan.bindings.forwardWorkspace[index].map { pointer($0, as: Scalar.self) })
        case .linear:
            Kernels.linearForward(
                kernels: kernels, batch: count, inFeatures: inShape.elementCount, outFeatures: outShape.elementCount,
                input: x,
                rows: rowPointers[op.layer!], bias: biasPointers[op.layer!], output: y, activation: op.activation,
                mask: mask)
        case .maxPool(let p):
            Kernels.maxPoolForward(
                poolGeometry(p, inShape: inShape, outShape: outShape, count: count), kernels: kernels, input: x,
                output: y, argmax: mask)
        case .avgPool(let p):
            Kernels.avgPoolForward(
                poolGeometry(p, inShape: inShape, outShape: outShape, count: count), input: x, output: y)
        case .globalAvgPool:
            Kernels.globalAvgPoolForward(
                planes: count * inShape.channels, plane: inShape.height * inShape.width, input: x, output: y)
        case .add:
            Kernels.add(x, pointer(plan.bindings.value[op.inputs[1]]), into: y, count: count * outShape.elementCount)
        case .activation:
            y.update(from: x, count: count * outShape.elementCount)
            Kernels.activate(
                y, count: count * outShape.elementCount, activation: op.activation, mask: mask, maskStart: 0)
        }
    }

    private func backward(_ op: PlannedOp, index: Int, count: Int, hyperparameters: StepHyperparameters<Scalar>) {
        let inShape = plan.valueShapes[op.inputs[0]]
        let outShape = plan.valueShapes[op.output]
        let dy: UnsafeMutablePointer<Scalar> = pointer(plan.bindings.valueGradient[op.output]!)
        let outCount = count * outShape.elementCount
        let mask = plan.bindings.mask[index].map { UnsafePointer(pointer($0, as: UInt8.self)) }
        let dx: UnsafeMutablePointer<Scalar>? =
            op.inputNeedsGradient[0] ? pointer(plan.bindings.valueGradient[op.inputs[0]]!) : nil
        switch op.kind {
        case .conv, .linear:
            let layerIndex = op.layer!
            let layer = plan.layers[layerIndex]
            if op.activation != .none {
                if let mask {
                    Kernels.applyMask(kernels: kernels, dy, count: outCount, mask: mask)
                } else {
                    Kernels.applyDerivative(
                        dy, count: outCount, output: pointer(plan.bindings.value[op.output]), activation: op.activation)
                }
            }
            let rows = UnsafePointer(rowPointers[layerIndex])
            let x: UnsafeMutablePointer<Scalar> = pointer(plan.bindings.value[op.inputs[0]])
            let trainable = UnsafeBufferPointer(trainableRows[layerIndex])
            if case .conv(let a) = op.kind {
                let geometry = convGeometry(a, inShape: inShape, outShape: outShape, count: count)
                let workspace = plan.bindings.backwardWorkspace[index].map { pointer($0, as: Scalar.self) }
                if let dx {
                    Kernels.convBackwardInput(
                        geometry, kernels: kernels, outputGradient: dy, rows: rows, inputGradient: dx,
                        workspace: workspace)
                }
                if let dW = plan.bindings.weightGradient[layerIndex] {
                    Kernels.convBackwardWeights(
                        geometry, kernels: kernels, outputGradient: dy, input: x, trainableRows: trainable,
                        weightGradient: pointer(dW),
                        workspace: workspace)
                }
            } else {
                if let dx {
                    Kernels.linearBackwardInput(
                        kernels: kernels, batch: count, inFeatures: inShape.elementCount, outFeatures: layer.rows,
                        outputGradient: dy,
                        rows: rows, inputGradient: dx)
                }
                if let dW = plan.bindings.weightGradient[layerIndex] {
                    Kernels.linearBackwardWeights(
                        kernels: kernels, batch: count, inFeatures: inShape.elementCount, outFeatures: layer.rows,
                        outputGradient: dy,
                        input: x, trainableRows: trainable, weightGradient: pointer(dW))
                }
            }
            if let db = plan.bindings.biasGradient[layerIndex] {
                Kernels.biasGradient(
                    dy, batch: count, channels: layer.rows, plane: outShape.height * outShape.width, into: pointer(db))
            }
            if plan.options.inPlaceUpdate { update(layer: layerIndex, hyperparameters: hyperparameters) }
        case .maxPool(let p):
            Kernels.maxPoolBackward(
                poolGeometry(p, inShape: inShape, outShape: outShape, count: count), outputGradient: dy,
                argmax: mask!, inputGradient: dx!)
        case .avgPool(let p):
            Kernels.avgPoolBackward(
                poolGeometry(p, inShape: inShape, outShape: outShape, count: count), outputGradient: dy,
                inputGradient: dx!)
        case .globalAvgPool:
            Kernels.globalAvgPoolBackward(
                planes: count * inShape.channels, plane: inShape.height * inShape.width, outputGradient: dy,
                inputGradient: dx!)
        case .add:
            if let dx { Kernels.accumulate(dy, into: dx, count: outCount) }
            if op.inputNeedsGradient[1] {
                Kernels.accumulate(dy, into: pointer(plan.bindings.valueGradient[op.inputs[1]]!), count: outCount)
            }
        case .activation:
            if let mask {
                Kernels.maskedAccumulate(dy, into: dx!, count: outCount, mask: mask)
            } else {
                Kernels.derivativeAccumulate(
                    dy, into: dx!, count: outCount, output: pointer(plan.bindings.value[op.output]),
                    activation: op.activation)
            }
        }
    }

    private func update(layer index: Int, hyperparameters: StepHyperparameters<Scalar>) {
        let layer = plan.layers[index]
        let b = plan.bindings
        if let w = b.weights[index], let dW = b.weightGradient[index] {
            Kernels.sgd(
                pointer(w), gradient: pointer(dW), velocity: b.weightMomentum[index].map { pointer($0) },
                count: layer.trainableRows.count * layer.rowLength, learningRate: hyperparameters.learningRate,
                momentum: hyperparameters.momentum)
        }
        if let bias = b.bias[index], let db = b.biasGradient[index] {
            Kernels.sgd(
                pointer(bias), gradient: pointer(db), velocity: b.biasMomentum[index].map { pointer($0) },
                count: layer.rows, learningRate: hyperparameters.learningRate, momentum: hyperparameters.momentum)
        }
    }

    private func convGeometry(_ a: Conv2DAttributes, inShape: TensorShape, outShape: TensorShape, count: Int)
        -> ConvGeometry
    {
        ConvGeometry(a, inShape: inShape, outShape: outShape, batch: count)
    }

    private func poolGeometry(_ p: PoolAttributes, inShape: TensorShape, outShape: TensorShape, count: Int)
        -> PoolGeometry
    {
        PoolGeometry(
            planes: count * inShape.channels, inHeight: inShape.height, inWidth: inShape.width,
            outHeight: outShape.height, outWidth: outShape.width, kernel: p.kernel, stride: p.stride)
    }
}
