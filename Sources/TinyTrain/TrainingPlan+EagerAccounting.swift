// SPDX-License-Identifier: GPL-3.0-or-later

/// An eager framework's memory accounting of one training step: the baseline a static planner is compared to.
///
/// Definition (what ``TrainingPlan/eagerAccounting()`` counts):
/// - The step is the same one the engine runs — same model, batch, optimizer and trained parameters — but
///   compiled the way a general-purpose framework holds it: every activation keeps its float output for
///   backward instead of a 1-bit mask (``CompileOptions/bitMasks`` `false`), and every gradient lives until one
///   optimizer update after the backward pass (``CompileOptions/inPlaceUpdate`` `false`).
/// - Every tensor of that step (inputs, labels, activations, activation gradients, max-pool argmaxes,
///   convolution workspaces, trainable weights, their gradients and momentum buffers) is allocated for the whole
///   step: no tensor's bytes are reused by another, so the total is the sum of the tensors, not the planner's
///   arena.
/// - Every parameter is resident in RAM, the frozen ones too (a framework does not execute from flash): per
///   layer, one tensor `<layer>.W_frozen` for the weight rows that do not train and one `<layer>.b_frozen` for a
///   bias that does not train.
/// - Each tensor counts its data bytes rounded up to ``TrainingPlan/alignmentBytes`` (the engine's arena
///   alignment), so the two accountings differ only in reuse, saved state, update timing and frozen weights.
///
/// It is an accounting, not a measurement of a particular framework: a caching allocator may reuse the
/// forward pass's transient buffers, and a framework may keep more (autograd graph nodes, full-tensor gradients
/// of partially trained weights), neither of which is counted.
public struct EagerAccounting: Hashable, Sendable {
    /// One tensor the framework holds.
    public struct Tensor: Hashable, Sendable {
        /// Name, as the engine's plan names tensors (`conv1.out`, `fc.dW`), or `<layer>.W_frozen`/`.b_frozen`.
        public var name: String
        /// What it holds.
        public var role: TensorRole
        /// Bytes it holds: data rounded up to ``TrainingPlan/alignmentBytes``.
        public var bytes: Int
    }

    /// Every tensor of the step, in the plan's order, then the frozen parameters layer by layer.
    public var tensors: [Tensor]

    /// Bytes of the step: the sum of every tensor (nothing is reused).
    public var totalBytes: Int { self.tensors.reduce(0) { $0 + $1.bytes } }

    /// Bytes per role.
    public var breakdown: MemoryBreakdown {
        var bytes = Dictionary(uniqueKeysWithValues: TensorRole.allCases.map { ($0, 0) })
        for tensor in self.tensors { bytes[tensor.role, default: 0] += tensor.bytes }
        return MemoryBreakdown(bytesByRole: bytes)
    }
}

extension TrainingPlan {
    /// The update this plan trains, as rules: every layer frozen, then each trained layer's rows and bias.
    public var trainedUpdate: UpdateSpec {
        var rules: [UpdateRule] = [.allLayers(.frozen)]
        for layer in self.layers where layer.isTrainable {
            let weights: ChannelSelection =
                layer.trainableRows.isEmpty
                ? .none : layer.trainableRows.count == layer.rows ? .all : .indices(layer.trainableRows)
            rules.append(.layer(name: layer.name, LayerUpdate(weights: weights, bias: layer.biasTrainable)))
        }
        return UpdateSpec(rules: rules)
    }

    /// An eager framework's accounting of this plan's training step (defined on ``EagerAccounting``).
    ///
    /// The step is recompiled from ``model`` with this plan's batch, optimizer, scalar size and trained
    /// parameters, with saved outputs instead of bit masks, gradients kept until a separate update step, no
    /// guard bytes and no cap.
    ///
    /// - Returns: Every tensor the framework holds for the whole step.
    /// - Throws: ``PlanError`` when the recompilation fails (it compiles what this plan compiled, so it does not).
    public func eagerAccounting() throws -> EagerAccounting {
        var options = self.options
        options.bitMasks = false
        options.inPlaceUpdate = false
        options.guardBytes = 0
        options.capBytes = nil
        let eager = try TrainingPlan.compile(self.model, update: self.trainedUpdate, options: options)
        var tensors = eager.tensors.map { EagerAccounting.Tensor(name: $0.name, role: $0.role, bytes: $0.paddedBytes) }
        let scalar = options.scalarBytes
        for layer in eager.layers {
            let frozenWeights = (layer.rows - layer.trainableRows.count) * layer.rowLength * scalar
            if frozenWeights > 0 {
                tensors.append(
                    .init(name: "\(layer.name).W_frozen", role: .weights, bytes: Self.aligned(frozenWeights)))
            }
            if layer.hasBias && !layer.biasTrainable {
                tensors.append(
                    .init(name: "\(layer.name).b_frozen", role: .weights, bytes: Self.aligned(layer.rows * scalar)))
            }
        }
        return EagerAccounting(tensors: tensors)
    }

    /// `bytes` rounded up to ``alignmentBytes``.
    static func aligned(_ bytes: Int) -> Int { (bytes + alignmentBytes - 1) / alignmentBytes * alignmentBytes }
}
