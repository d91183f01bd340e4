// SPDX-License-Identifier: GPL-3.0-or-later

extension TrainingPlan {
    /// Byte alignment of every tensor in the arena (one 128-bit SIMD register).
    public static let alignmentBytes = 16

    /// Compiles a training step of `model` ahead of time.
    ///
    /// 1. Fusion: conv2d/linear + frozen batch norm + activation become one operator; flatten is free.
    /// 2. Autodiff over the fused graph: an operator runs backward only if it trains or something upstream
    ///    does; an input gradient is computed only where something upstream trains. Frozen prefixes have no
    ///    backward and keep no activations or masks.
    /// 3. Saved state: a layer keeps its input only if some of its weight rows train (a bias needs only the
    ///    output gradient); fused activations keep a 1-bit mask; max pools keep a one-byte argmax.
    /// 4. In-place update (default): each layer's SGD step runs inside its backward step, so its gradient
    ///    lives for that step only.
    /// 5. Liveness on the final schedule and offsets from ``MemoryPlanner``.
    ///
    /// - Parameters:
    ///   - model: the forward graph.
    ///   - update: which parameters train.
    ///   - options: batch, optimizer and cap.
    /// - Returns: the plan.
    /// - Throws: ``PlanError`` for a bad update, an unsupported model, bad options, or an arena above the cap.
    public static func compile(_ model: ModelGraph, update: UpdateSpec = .full, options: CompileOptions = .init())
        throws -> TrainingPlan
    {
        guard options.batch > 0 else { throw PlanError.invalidOptions("batch must be positive, got \(options.batch)") }
        guard options.scalarBytes == 4 || options.scalarBytes == 8 else {
            throw PlanError.invalidOptions("scalar bytes must be 4 or 8, got \(options.scalarBytes)")
        }
        guard options.guardBytes >= 0, options.guardBytes % alignmentBytes == 0 else {
            throw PlanError.invalidOptions("guard bytes must be a non-negative multiple of \(alignmentBytes)")
        }
        var graph = try FusedGraph(model)
        let updates = try update.resolve(for: model)
        for index in graph.layers.indices {
            let layer = graph.layers[index]
            let selection = updates[layer.node] ?? .frozen
            graph.layers[index].trainableRows = try rows(selection.weights, layer: layer)
            graph.layers[index].biasTrainable = selection.bias && layer.hasBias
        }

        // Autodiff: which operators run backward and which input gradients they produce.
        var valueRequiresGradient = Array(repeating: false, count: graph.valueShapes.count)
        for index in graph.ops.indices {
            let op = graph.ops[index]
            let needInput = op.inputs.map { valueRequiresGradient[$0] }
            let trains = op.layer.map { graph.layers[$0].isTrainable } ?? false
            graph.ops[index].inputNeedsGradient = needInput
            graph.ops[index].needsBackward = trains || needInput.contains(true)
            valueRequiresGradient[op.output] = graph.ops[index].needsBackward
        }

        var steps = graph.ops.indices.map { PlanStep.forward($0) }
        steps.append(.loss)
        for index in graph.ops.indices.reversed() where graph.ops[index].needsBackward {
            steps.append(.backward(index))
        }
        let anyTrainable = graph.layers.contains { $0.isTrainable }
        if !options.inPlaceUpdate && anyTrainable { steps.append(.update) }

        var builder = TensorTableBuilder(options: options, stepCount: steps.count)
        let bindings = builder.bind(graph: graph, steps: steps, valueRequiresGradient: valueRequiresGradient)
        var tensors = builder.tensors
        let liveness = MemoryPlanner.Liveness(tensors: tensors, stepCount: steps.count)
        let placement = MemoryPlanner.place(
            tensors.map { .init(bytes: $0.paddedBytes, first: $0.firstStep, last: $0.lastStep) })
        for index in tensors.indices { tensors[index].offset = placement.offsets[index] }

        let flashBytes = graph.layers.reduce(0) { total, layer in
            let frozenRows = layer.rows - layer.trainableRows.count
            let frozenBias = layer.hasBias && !layer.biasTrainable ? layer.rows : 0
            return total + (frozenRows * layer.rowLength + frozenBias) * options.scalarBytes
        }
        var plan = TrainingPlan(
            model: model, options: options, layers: graph.layers, ops: graph.ops, valueShapes: graph.valueShapes,
            logitsValue: graph.outputValue, steps: steps, tensors: tensors, bindings: bindings,
            arenaBytes: placement.arenaBytes,
            lowerBoundBytes: liveness.peakBytes, peakStep: liveness.peakStep,
            breakdownAtPeak: liveness.breakdown(at: liveness.peakStep, tensors: tensors), flashBytes: flashBytes,
            forwardMACs: 0, backwardMACs: 0)
        (plan.forwardMACs, plan.backwardMACs) = plan.countMACs()
        if let cap = options.capBytes, plan.arenaBytes > cap {
            throw PlanError.exceedsCap(requiredBytes: plan.arenaBytes, availableBytes: cap)
        }
        return plan
    }

    private static func rows(_ selection: ChannelSelection, layer: PlanLayer) throws -> [Int] {
        switch selection {
        case .none:
            return []
        case .all:
            return Array(0..<layer.rows)
        case .ratio(let ratio):
            guard ratio > 0, ratio <= 1 else {
                throw PlanError.invalidUpdate("channel ratio of '\(layer.name)' must be in (0, 1], got \(ratio)")
            }
            return Array(0..<Int((ratio * Double(layer.rows)).rounded(.up)))
        case .indices(let indices):
            let sorted = Array(Set(indices)).sorted()
            guard let last = sorted.last, last < layer.rows else {
                throw PlanError.invalidUpdate("channel indices of '\(layer.name)' must be in 0..<\(layer.rows)")
            }
            return sorted
        }
    }
}

/// Creates the plan's tensors and records at which steps each is used; liveness is the span of its uses.
struct TensorTableBuilder {
    let options: CompileOptions
    let stepCount: Int
    var tensors: [PlannedTensor] = []

    init(options: CompileOptions, stepCount: Int) {
        self.options = options
        self.stepCount = stepCount
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
        let mask: [Int?] = graph.ops.map { op in
            let elements = batch * graph.valueShapes[op.output].elementCount
            guard op.needsBackward else { return nil }
            if case .maxPool = op.kind { return make("\(op.name).argmax", .masks, bytes: elements) }
            return op.activation == .none ? nil : make("\(op.name).mask", .masks, bytes: (elements + 7) / 8)
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
