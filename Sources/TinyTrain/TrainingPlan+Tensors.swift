// SPDX-License-Identifier: GPL-3.0-or-later

/// Creates the plan's tensors and records at which steps each is used; liveness is the span of its uses.
struct TensorTableBuilder {
    /// What an activation keeps for its backward.
    enum ActivationSaving: CaseIterable {
        /// A 1-bit mask per element.
        case masks
        /// Its output, when a consumer saves that output for its weight gradient anyway; a mask otherwise.
        case masksUnlessSaved
        /// Its output (what general-purpose frameworks keep).
        case outputs
    }

    let options: CompileOptions
    let stepCount: Int
    let saving: ActivationSaving
    var tensors: [PlannedTensor] = []

    init(options: CompileOptions, stepCount: Int, saving: ActivationSaving) {
        self.options = options
        self.stepCount = stepCount
        self.saving = saving
    }

    mutating func make(_ name: String, _ role: TensorRole, bytes: Int) -> Int {
        let aligned =
            (bytes + TrainingPlan.alignmentBytes - 1) / TrainingPlan.alignmentBytes * TrainingPlan.alignmentBytes
        tensors.append(
            PlannedTensor(
                name: name, role: role, bytes: bytes, paddedBytes: aligned + options.guardBytes, firstStep: Int.max,
                lastStep: Int.min, offset: 0))
        return tensors.count - 1
    }

    mutating func use(_ tensor: Int?, at step: Int) {
        guard let tensor else { return }
        tensors[tensor].firstStep = min(tensors[tensor].firstStep, step)
        tensors[tensor].lastStep = max(tensors[tensor].lastStep, step)
    }

    mutating func pin(_ tensor: Int?) {
        use(tensor, at: 0)
        use(tensor, at: stepCount - 1)
    }

    mutating func bind(graph: FusedGraph, steps: [PlanStep], valueRequiresGradient: [Bool]) -> PlanBindings {
        let batch = options.batch
        let scalar = options.scalarBytes
        let valueName = { (value: Int) in value == 0 ? "input" : graph.ops[graph.producer[value]!].name }
        let value = graph.valueShapes.indices.map { v in
            make("\(valueName(v)).out", .activations, bytes: batch * graph.valueShapes[v].elementCount * scalar)
        }
        let valueGradient = graph.valueShapes.indices.map { v in
            valueRequiresGradient[v]
                ? make(
                    "\(valueName(v)).grad", .activationGradients,
                    bytes: batch * graph.valueShapes[v].elementCount * scalar)
                : nil
        }
        // A value is saved for backward anyway when a consumer trains weight rows (it reads its input then).
        var savedForConsumer = Array(repeating: false, count: graph.valueShapes.count)
        for op in graph.ops {
            if let layer = op.layer, !graph.layers[layer].trainableRows.isEmpty, op.needsBackward {
                savedForConsumer[op.inputs[0]] = true
            }
        }
        let mask: [Int?] = graph.ops.map { op in
            let elements = batch * graph.valueShapes[op.output].elementCount
            guard op.needsBackward else { return nil }
            if case .maxPool = op.kind { return make("\(op.name).argmax", .masks, bytes: elements) }
            guard op.activation != .none, saving != .outputs else { return nil }
            if saving == .masksUnlessSaved && savedForConsumer[op.output] { return nil }
            return make("\(op.name).mask", .masks, bytes: (elements + 7) / 8)
        }
        var forwardWorkspace: [Int?] = []
        var backwardWorkspace: [Int?] = []
        for op in graph.ops {
            guard case .conv(let attributes) = op.kind else {
                forwardWorkspace.append(nil)
                backwardWorkspace.append(nil)
                continue
            }
            let lowering = ConvLowering(
                geometry: ConvGeometry(
                    attributes, inShape: graph.valueShapes[op.inputs[0]], outShape: graph.valueShapes[op.output],
                    batch: batch))
            let bytes = lowering.workspaceElements * scalar
            let layer = graph.layers[op.layer!]
            let computesWeightGradient = op.needsBackward && !layer.trainableRows.isEmpty
            let backwardBytes =
                op.needsBackward && (op.inputNeedsGradient[0] || computesWeightGradient)
                ? lowering.backwardWorkspaceElements(computesWeightGradient: computesWeightGradient) * scalar : 0
            forwardWorkspace.append(bytes > 0 ? make("\(op.name).workspace", .workspace, bytes: bytes) : nil)
            backwardWorkspace.append(
                backwardBytes > 0 ? make("\(op.name).backward_workspace", .workspace, bytes: backwardBytes) : nil)
        }
        let labels = make("labels", .activations, bytes: batch * MemoryLayout<Int32>.size)
        var weights: [Int?] = []
        var bias: [Int?] = []
        var weightGradient: [Int?] = []
        var biasGradient: [Int?] = []
        var weightMomentum: [Int?] = []
        var biasMomentum: [Int?] = []
        for layer in graph.layers {
            let weightBytes = layer.trainableRows.count * layer.rowLength * scalar
            let biasBytes = layer.rows * scalar
            let trainsWeights = !layer.trainableRows.isEmpty
            weights.append(trainsWeights ? make("\(layer.name).W", .weights, bytes: weightBytes) : nil)
            bias.append(layer.biasTrainable ? make("\(layer.name).b", .weights, bytes: biasBytes) : nil)
            weightGradient.append(trainsWeights ? make("\(layer.name).dW", .weightGradients, bytes: weightBytes) : nil)
            biasGradient.append(
                layer.biasTrainable ? make("\(layer.name).db", .weightGradients, bytes: biasBytes) : nil)
            let momentum = options.momentum
            weightMomentum.append(
                momentum && trainsWeights ? make("\(layer.name).vW", .optimizerState, bytes: weightBytes) : nil)
            biasMomentum.append(
                momentum && layer.biasTrainable ? make("\(layer.name).vb", .optimizerState, bytes: biasBytes) : nil)
        }
        for index in graph.layers.indices {
            for tensor in [weights[index], bias[index], weightMomentum[index], biasMomentum[index]] { pin(tensor) }
        }

        for (step, entry) in steps.enumerated() {
            switch entry {
            case .forward(let index):
                let op = graph.ops[index]
                for input in op.inputs { use(value[input], at: step) }
                use(value[op.output], at: step)
                use(mask[index], at: step)
                use(forwardWorkspace[index], at: step)
            case .loss:
                use(value[graph.outputValue], at: step)
                use(labels, at: step)
                use(valueGradient[graph.outputValue], at: step)
            case .backward(let index):
                let op = graph.ops[index]
                use(valueGradient[op.output], at: step)
                use(mask[index], at: step)
                // Without a mask, the activation's derivative is read off its saved output.
                if op.activation != .none && mask[index] == nil { use(value[op.output], at: step) }
                use(backwardWorkspace[index], at: step)
                for (input, needed) in zip(op.inputs, op.inputNeedsGradient) where needed {
                    use(valueGradient[input], at: step)
                }
                if let layer = op.layer {
                    if !graph.layers[layer].trainableRows.isEmpty { use(value[op.inputs[0]], at: step) }
                    use(weightGradient[layer], at: step)
                    use(biasGradient[layer], at: step)
                }
            case .update:
                for index in graph.layers.indices {
                    use(weightGradient[index], at: step)
                    use(biasGradient[index], at: step)
                }
            }
        }
        // The input batch and labels are written before step 0.
        use(value[0], at: 0)
        use(labels, at: 0)
        return PlanBindings(
            value: value, valueGradient: valueGradient, mask: mask, forwardWorkspace: forwardWorkspace,
            backwardWorkspace: backwardWorkspace, labels: labels, weights: weights, bias: bias,
            weightGradient: weightGradient, biasGradient: biasGradient, weightMomentum: weightMomentum,
            biasMomentum: biasMomentum)
    }
}
