// SPDX-License-Identifier: GPL-3.0-or-later

/// Options of ``TrainingPlan/compile(_:update:options:)``.
public struct CompileOptions: Hashable, Sendable {
    /// Samples per mini-batch (the executor also runs smaller batches in the same arena).
    public var batch: Int
    /// Whether SGD keeps a momentum buffer per trainable parameter (optimizer state in SRAM).
    public var momentum: Bool
    /// Whether each layer's gradient is applied as soon as it is computed, freeing its buffer before
    /// back-propagating further; when false, every gradient lives until one update step after the backward pass.
    public var inPlaceUpdate: Bool
    /// Bytes of one scalar: 4 for the float32 engine (8 when tests run the same plan in float64).
    public var scalarBytes: Int
    /// Whether fused and standalone activations keep a 1-bit mask for backward; when false they keep their
    /// float output instead (what a general-purpose framework saves), for ablation studies. Training results
    /// are identical either way; only memory differs.
    public var bitMasks: Bool
    /// Guard bytes after every tensor, checked as canaries in the executor's debug mode (0 in production).
    public var guardBytes: Int
    /// SRAM cap: compiling fails with ``PlanError/exceedsCap(requiredBytes:availableBytes:)`` above it.
    public var capBytes: Int?

    /// Options; the defaults are the float32 engine with in-place SGD and no momentum.
    public init(
        batch: Int = 1, momentum: Bool = false, inPlaceUpdate: Bool = true, scalarBytes: Int = 4, guardBytes: Int = 0,
        capBytes: Int? = nil, bitMasks: Bool = true
    ) {
        self.batch = batch
        self.momentum = momentum
        self.inPlaceUpdate = inPlaceUpdate
        self.bitMasks = bitMasks
        self.scalarBytes = scalarBytes
        self.guardBytes = guardBytes
        self.capBytes = capBytes
    }
}

/// A conv2d or linear layer of the compiled model, with any batch norm folded in, and what of it trains.
public struct PlanLayer: Hashable, Sendable {
    /// Name of the conv2d/linear node.
    public var name: String
    /// The conv2d/linear node.
    public var node: NodeID
    /// Output channels (features): one weight row each.
    public var rows: Int
    /// Weights per row: `inChannels / groups · kernel²` for conv2d, input features for linear.
    public var rowLength: Int
    /// Whether the layer has a bias (its own, or one from a folded batch norm).
    public var hasBias: Bool
    /// Epsilon of the folded batch norm, if any.
    public var foldedBatchNormEpsilon: Double?
    /// Rows whose weights train, ascending.
    public var trainableRows: [Int]
    /// Whether the bias trains.
    public var biasTrainable: Bool

    /// Whether anything of the layer trains.
    public var isTrainable: Bool { !trainableRows.isEmpty || biasTrainable }
    /// Parameters of the layer (weights and bias).
    public var parameterCount: Int { rows * rowLength + (hasBias ? rows : 0) }
    /// Parameters that train.
    public var trainableParameterCount: Int { trainableRows.count * rowLength + (biasTrainable ? rows : 0) }
}

/// A fused operator of the compiled forward graph.
public struct PlannedOp: Hashable, Sendable {
    /// What the operator computes.
    public enum Kind: Hashable, Sendable {
        /// Convolution (+ folded batch norm + bias + activation).
        case conv(Conv2DAttributes)
        /// Fully connected (+ folded batch norm + bias + activation).
        case linear
        /// Max pooling (saves a one-byte argmax per output element when back-propagated).
        case maxPool(PoolAttributes)
        /// Average pooling.
        case avgPool(PoolAttributes)
        /// Global average pooling.
        case globalAvgPool
        /// Elementwise sum.
        case add
        /// A standalone activation (one that could not be fused).
        case activation
    }
    /// Name of the last graph node fused into the operator.
    public var name: String
    /// What it computes.
    public var kind: Kind
    /// Fused activation (or the standalone one); its backward reads a 1-bit mask.
    public var activation: Activation
    /// Index into ``TrainingPlan/layers`` for conv/linear.
    public var layer: Int?
    /// Input values.
    public var inputs: [Int]
    /// Output value.
    public var output: Int
    /// Whether the operator runs backward at all.
    public var needsBackward: Bool
    /// Per input: whether its gradient is computed.
    public var inputNeedsGradient: [Bool]
}

/// One step of the static schedule.
public enum PlanStep: Hashable, Sendable {
    /// Forward of the operator.
    case forward(Int)
    /// Softmax cross-entropy on the logits (and its gradient when anything trains).
    case loss
    /// Backward of the operator (with its in-place SGD update when enabled).
    case backward(Int)
    /// One SGD update of every layer (only without in-place updates).
    case update
}

/// What a planned tensor holds, for the memory breakdown.
public enum TensorRole: String, Hashable, Sendable, CaseIterable {
    /// Trainable weights and biases (in SRAM; frozen ones stay in flash).
    case weights
    /// Gradients of weights and biases.
    case weightGradients = "weight_gradients"
    /// Input batch, labels and forward activations (transient or saved for backward).
    case activations
    /// 1-bit activation masks and one-byte max-pool argmaxes saved for backward.
    case masks
    /// Gradients flowing back through activations.
    case activationGradients = "activation_gradients"
    /// Scratch space of kernels.
    case workspace
    /// SGD momentum buffers.
    case optimizerState = "optimizer_state"
}

/// A tensor of the plan: its bytes, live steps and offset in the arena.
public struct PlannedTensor: Hashable, Sendable {
    /// Descriptive name (`conv1.out`, `conv1.mask`, `fc.dW`).
    public var name: String
    /// What it holds.
    public var role: TensorRole
    /// Bytes of data (what kernels touch).
    public var bytes: Int
    /// Bytes it occupies in the arena: data rounded up to the alignment, plus guard bytes.
    public var paddedBytes: Int
    /// First step at which it is live.
    public var firstStep: Int
    /// Last step at which it is live.
    public var lastStep: Int
    /// Byte offset in the arena.
    public var offset: Int

    /// Whether its live range meets another's.
    public func livesWith(_ other: PlannedTensor) -> Bool {
        firstStep <= other.lastStep && other.firstStep <= lastStep
    }
}

/// Bytes per ``TensorRole``.
public struct MemoryBreakdown: Hashable, Sendable {
    /// Bytes per role (every role present, zero when unused).
    public var bytesByRole: [TensorRole: Int]

    /// Sum over roles.
    public var totalBytes: Int { bytesByRole.values.reduce(0, +) }

    /// Bytes of one role.
    public subscript(role: TensorRole) -> Int { bytesByRole[role] ?? 0 }
}

/// A compiled training step: fused operators, a pruned backward schedule, and every tensor's place in one arena.
///
/// Compile with ``compile(_:update:options:)``; execute with ``TrainingSession``.
public struct TrainingPlan: Hashable, Sendable {
    /// The forward graph it was compiled from.
    public var model: ModelGraph
    /// The options it was compiled with.
    public var options: CompileOptions
    /// The conv2d/linear layers, in graph order.
    public var layers: [PlanLayer]
    /// Fused operators, in forward order.
    public var ops: [PlannedOp]
    /// Elements per sample of each value (operator outputs and the input, value 0).
    public var valueShapes: [TensorShape]
    /// The value holding the logits.
    public var logitsValue: Int
    /// The static schedule: forward, loss, pruned backward, and the update step without in-place updates.
    public var steps: [PlanStep]
    /// Every tensor of the arena.
    public var tensors: [PlannedTensor]
    /// Where the executor finds each tensor.
    public var bindings: PlanBindings
    /// Bytes of the single SRAM arena (the plan's peak).
    public var arenaBytes: Int
    /// The most bytes live at one step: no placement can use fewer.
    public var lowerBoundBytes: Int
    /// The step at which the lower bound is reached.
    public var peakStep: Int
    /// Live bytes per role at the peak step (sums to ``lowerBoundBytes``).
    public var breakdownAtPeak: MemoryBreakdown
    /// Bytes of frozen (read-only) parameters, kept in flash.
    public var flashBytes: Int
    /// Multiply-accumulates of one forward pass over a full batch (conv2d and linear).
    public var forwardMACs: Int
    /// Multiply-accumulates of the pruned backward pass over a full batch: input gradients, weight gradients,
    /// and the SGD update (one per trainable parameter, two with momentum).
    public var backwardMACs: Int

    /// Parameters of the model.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    /// Parameters that train.
    public var trainableParameterCount: Int { layers.reduce(0) { $0 + $1.trainableParameterCount } }
}

/// Tensor indices the executor uses for each value, operator and layer (`nil`: not in the plan).
public struct PlanBindings: Hashable, Sendable {
    /// Activation tensor of each value.
    public var value: [Int]
    /// Gradient tensor of each value.
    public var valueGradient: [Int?]
    /// Mask (activation) or argmax (max pool) tensor of each operator.
    public var mask: [Int?]
    /// Workspace of each operator's forward step (convolutions lowered to blocked products).
    public var forwardWorkspace: [Int?]
    /// Workspace of each operator's backward step.
    public var backwardWorkspace: [Int?]
    /// Labels tensor (Int32 per sample).
    public var labels: Int
    /// Per layer: trainable weight rows (in SRAM).
    public var weights: [Int?]
    /// Per layer: trainable bias (in SRAM).
    public var bias: [Int?]
    /// Per layer: weight gradient rows.
    public var weightGradient: [Int?]
    /// Per layer: bias gradient.
    public var biasGradient: [Int?]
    /// Per layer: weight momentum.
    public var weightMomentum: [Int?]
    /// Per layer: bias momentum.
    public var biasMomentum: [Int?]
}
