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
    ///    output gradient); fused activations keep a 1-bit mask — or, when the next layer keeps their output
    ///    anyway and that plans smaller, read their derivative off it; max pools keep a one-byte argmax.
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

        // With bit masks, an activation whose output is saved anyway may read its derivative off that output
        // instead; which choice needs less memory depends on where the peak falls, so both are planned.
        let savings: [TensorTableBuilder.ActivationSaving] =
            options.bitMasks ? [.masks, .masksUnlessSaved] : [.outputs]
        var best: (tensors: [PlannedTensor], bindings: PlanBindings, placement: MemoryPlanner.Placement)?
        for saving in savings {
            var builder = TensorTableBuilder(options: options, stepCount: steps.count, saving: saving)
            let bindings = builder.bind(graph: graph, steps: steps, valueRequiresGradient: valueRequiresGradient)
            let placement = MemoryPlanner.place(
                builder.tensors.map { .init(bytes: $0.paddedBytes, first: $0.firstStep, last: $0.lastStep) })
            if placement.arenaBytes < best?.placement.arenaBytes ?? Int.max {
                best = (builder.tensors, bindings, placement)
            }
        }
        guard let (chosenTensors, bindings, placement) = best else {
            preconditionFailure("at least one activation-saving choice is planned")
        }
        var tensors = chosenTensors
        let liveness = MemoryPlanner.Liveness(tensors: tensors, stepCount: steps.count)
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
