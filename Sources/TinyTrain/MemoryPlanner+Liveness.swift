// SPDX-License-Identifier: GPL-3.0-or-later

extension MemoryPlanner {
    /// Bytes live at each step of a schedule: the lower bound any placement must reach.
    public struct Liveness: Hashable, Sendable {
        /// Padded bytes live at each step.
        public var bytesPerStep: [Int]

        /// Live bytes of `tensors` over `stepCount` steps.
        public init(tensors: [PlannedTensor], stepCount: Int) {
            var bytes = Array(repeating: 0, count: max(stepCount, 1))
            for tensor in tensors {
                for step in tensor.firstStep...tensor.lastStep { bytes[step] += tensor.paddedBytes }
            }
            bytesPerStep = bytes
        }

        /// The most bytes live at one step.
        public var peakBytes: Int { bytesPerStep.max() ?? 0 }

        /// The first step at which ``peakBytes`` are live.
        public var peakStep: Int { bytesPerStep.firstIndex(of: peakBytes) ?? 0 }

        /// Padded bytes per role of the tensors live at `step`.
        public func breakdown(at step: Int, tensors: [PlannedTensor]) -> MemoryBreakdown {
            var bytes = Dictionary(uniqueKeysWithValues: TensorRole.allCases.map { ($0, 0) })
            for tensor in tensors where tensor.firstStep <= step && step <= tensor.lastStep {
                bytes[tensor.role, default: 0] += tensor.paddedBytes
            }
            return MemoryBreakdown(bytesByRole: bytes)
        }
    }
}
