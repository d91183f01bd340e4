// SPDX-License-Identifier: GPL-3.0-or-later

/// The scalar types the engine computes in: `Float` (production) and `Double` (gradient checks in tests).
typealias EngineScalar = BinaryFloatingPoint & ElementaryFunctionsProviding & SIMDScalar

/// Runs a ``TrainingPlan`` in one arena of exactly ``TrainingPlan/arenaBytes`` bytes, plus a read-only buffer
/// of ``TrainingPlan/flashBytes`` bytes for frozen parameters. Every kernel reads and writes at planned offsets.
final class ArenaExecutor<Scalar: EngineScalar> {
    let plan: TrainingPlan
    /// The SRAM arena.
    let arena: UnsafeMutableRawPointer
    /// Frozen parameters (flash).
    let flash: UnsafeMutablePointer<Scalar>
    /// Per layer: a pointer to each output channel's weight row (in the arena or in flash).
    let rowPointers: [UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>]
    /// Per layer: the bias (in the arena or in flash), if any.
    let biasPointers: [UnsafeMutablePointer<Scalar>?]
    /// Per layer: trainable rows, for the weight-gradient kernels.
    let trainableRows: [UnsafeMutableBufferPointer<Int>]
    /// Whether freed and fresh tensors are poisoned and guard bytes checked after each step.
    let debugChecks: Bool
    /// The float32 matrix-product kernels (`nil`: the Swift kernels, which float64 always runs).
    let kernels: KernelTable?
    /// Tensors that live for the whole schedule (weights, optimizer state): never poisoned or re-zeroed.
    let persistent: [Bool]

    /// Byte written over freed and fresh tensors in debug mode: all-ones bytes are a NaN in float32 and float64.
    static var poisonByte: UInt8 { 0xFF }
    /// Byte pattern of the guard bytes after each tensor in debug mode.
    static var canaryByte: UInt8 { 0xA5 }

    init(
        plan: TrainingPlan, weights: [(weights: [Scalar], bias: [Scalar])], debugChecks: Bool,
        kernels: KernelTable? = KernelISA.selected.kernels
    ) throws {
        guard MemoryLayout<Scalar>.size == plan.options.scalarBytes else {
            throw PlanError.invalidOptions(
                "the plan was compiled for \(plan.options.scalarBytes)-byte scalars, not \(MemoryLayout<Scalar>.size)")
        }
        guard !debugChecks || plan.options.guardBytes > 0 else {
            throw PlanError.invalidOptions("debug checks need a plan compiled with guard bytes")
        }
        self.plan = plan
        self.debugChecks = debugChecks
        self.kernels = kernels
        let arena = UnsafeMutableRawPointer.allocate(
            byteCount: max(plan.arenaBytes, 1), alignment: TrainingPlan.alignmentBytes)
        self.arena = arena
        arena.initializeMemory(as: UInt8.self, repeating: debugChecks ? Self.poisonByte : 0, count: plan.arenaBytes)
        let flashCount = plan.flashBytes / plan.options.scalarBytes
        let flash = UnsafeMutablePointer<Scalar>.allocate(capacity: max(flashCount, 1))
        self.flash = flash
        flash.initialize(repeating: 0, count: max(flashCount, 1))
        var persistent = Array(repeating: false, count: plan.tensors.count)
        for tensor in plan.bindings.weights + plan.bindings.bias + plan.bindings.weightMomentum
            + plan.bindings.biasMomentum
        {
            if let tensor { persistent[tensor] = true }
        }
        self.persistent = persistent

        var flashCursor = flash
        var rowPointers: [UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>] = []
        var biasPointers: [UnsafeMutablePointer<Scalar>?] = []
        var trainableRows: [UnsafeMutableBufferPointer<Int>] = []
        for (index, layer) in plan.layers.enumerated() {
            let table = UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>.allocate(capacity: max(layer.rows, 1))
            var trainableIndex = 0
            let sram = plan.bindings.weights[index].map {
                (arena + plan.tensors[$0].offset).assumingMemoryBound(to: Scalar.self)
            }
            for row in 0..<layer.rows {
                if trainableIndex < layer.trainableRows.count, layer.trainableRows[trainableIndex] == row, let sram {
                    (table + row).initialize(to: sram + trainableIndex * layer.rowLength)
                    trainableIndex += 1
                } else {
                    (table + row).initialize(to: flashCursor)
                    flashCursor += layer.rowLength
                }
            }
            rowPointers.append(table)
            if !layer.hasBias {
                biasPointers.append(nil)
            } else if let tensor = plan.bindings.bias[index] {
                biasPointers.append((arena + plan.tensors[tensor].offset).assumingMemoryBound(to: Scalar.self))
            } else {
                biasPointers.append(flashCursor)
                flashCursor += layer.rows
            }
            let rows = UnsafeMutableBufferPointer<Int>.allocate(capacity: layer.trainableRows.count)
            _ = rows.initialize(from: layer.trainableRows)
            trainableRows.append(rows)
        }
        self.rowPointers = rowPointers
        self.biasPointers = biasPointers
        self.trainableRows = trainableRows
        for (index, tensor) in plan.tensors.enumerated() where persistent[index] {
            (arena + tensor.offset).initializeMemory(as: UInt8.self, repeating: 0, count: tensor.bytes)
            writeCanary(index)
        }
        try load(weights)
    }

    deinit {
        arena.deallocate()
        flash.deallocate()
        for table in rowPointers { table.deallocate() }
        for rows in trainableRows { rows.deallocate() }
    }

    /// Pointer to a tensor's data.
    @inline(__always)
    func pointer<T>(_ tensor: Int, as type: T.Type = T.self) -> UnsafeMutablePointer<T> {
        (arena + plan.tensors[tensor].offset).assumingMemoryBound(to: T.self)
    }

    /// Copies parameters in (one entry per layer, as ``LayerWeights`` lays them out).
    func load(_ weights: [(weights: [Scalar], bias: [Scalar])]) throws {
        guard weights.count == plan.layers.count else {
            throw PlanError.invalidData("expected weights for \(plan.layers.count) layers, got \(weights.count)")
        }
        for (index, layer) in plan.layers.enumerated() {
            let entry = weights[index]
            guard entry.weights.count == layer.rows * layer.rowLength,
                entry.bias.count == (layer.hasBias ? layer.rows : 0)
            else {
                throw PlanError.invalidData(
                    "layer '\(layer.name)' expects \(layer.rows * layer.rowLength) weights and "
                        + "\(layer.hasBias ? layer.rows : 0) biases, got \(entry.weights.count) and \(entry.bias.count)"
                )
            }
            for row in 0..<layer.rows {
                entry.weights.withUnsafeBufferPointer { source in
                    rowPointers[index][row].update(
                        from: source.baseAddress! + row * layer.rowLength, count: layer.rowLength)
                }
            }
            if let bias = biasPointers[index] { bias.update(from: entry.bias, count: layer.rows) }
        }
    }

    /// Zeroes every momentum buffer.
    func resetOptimizerState() {
        for tensor in plan.bindings.weightMomentum + plan.bindings.biasMomentum {
            guard let tensor else { continue }
            (arena + plan.tensors[tensor].offset).initializeMemory(
                as: UInt8.self, repeating: 0, count: plan.tensors[tensor].bytes)
        }
    }

    /// Copies parameters out.
    func weights() -> [(weights: [Scalar], bias: [Scalar])] {
        plan.layers.enumerated().map { index, layer in
            var weights = [Scalar](repeating: 0, count: layer.rows * layer.rowLength)
            for row in 0..<layer.rows {
                for k in 0..<layer.rowLength { weights[row * layer.rowLength + k] = rowPointers[index][row][k] }
            }
            let bias = biasPointers[index].map { Array(UnsafeBufferPointer(start: $0, count: layer.rows)) } ?? []
            return (weights, bias)
        }
    }
}
