// SPDX-License-Identifier: GPL-3.0-or-later

/// A memory-safety violation found by the executor's debug checks.
public struct MemoryCheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The tensor whose guard bytes were overwritten.
    public var tensor: String
    /// The step after which the damage was found.
    public var step: Int

    /// What happened.
    public var description: String { "guard bytes after tensor '\(tensor)' overwritten by step \(step)" }
}

extension ArenaExecutor {
    /// Makes the tensors born at `step` ready: gradients and masks are zeroed (kernels accumulate into them);
    /// in debug mode every other fresh tensor is poisoned (a NaN pattern, so reading it before writing shows)
    /// and guard bytes are written after each.
    func prepareTensors(startingAt step: Int) {
        for (index, tensor) in plan.tensors.enumerated() where tensor.firstStep == step && !persistent[index] {
            let start = arena + tensor.offset
            switch tensor.role {
            case .activationGradients, .weightGradients, .masks:
                start.initializeMemory(as: UInt8.self, repeating: 0, count: tensor.bytes)
            default:
                if debugChecks {
                    start.initializeMemory(as: UInt8.self, repeating: Self.poisonByte, count: tensor.bytes)
                }
            }
            if debugChecks { writeCanary(index) }
        }
    }

    /// In debug mode: checks the guard bytes of every tensor live at `step`, then poisons the tensors that die.
    /// - Throws: ``MemoryCheckError`` naming the first tensor whose guard bytes changed.
    func finishStep(_ step: Int) throws {
        guard debugChecks else { return }
        for (index, tensor) in plan.tensors.enumerated() where tensor.firstStep <= step && step <= tensor.lastStep {
            let guardStart = (arena + tensor.offset + tensor.paddedBytes - plan.options.guardBytes)
                .assumingMemoryBound(to: UInt8.self)
            for byte in 0..<plan.options.guardBytes where guardStart[byte] != Self.canaryByte {
                throw MemoryCheckError(tensor: tensor.name, step: step)
            }
        }
        for (index, tensor) in plan.tensors.enumerated() where tensor.lastStep == step && !persistent[index] {
            (arena + tensor.offset).initializeMemory(
                as: UInt8.self, repeating: Self.poisonByte, count: tensor.paddedBytes - plan.options.guardBytes)
        }
    }

    /// Writes the guard bytes of a tensor (debug mode only).
    func writeCanary(_ index: Int) {
        guard debugChecks else { return }
        let tensor = plan.tensors[index]
        (arena + tensor.offset + tensor.paddedBytes - plan.options.guardBytes).initializeMemory(
            as: UInt8.self, repeating: Self.canaryByte, count: plan.options.guardBytes)
    }
}
