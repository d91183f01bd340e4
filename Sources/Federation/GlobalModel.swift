// SPDX-License-Identifier: GPL-3.0-or-later

/// The server's model: flat parameter buffers per tensor and a version that counts server steps.
///
/// Snapshots (``parameters`` at a version) are plain copy-on-write arrays: handing one to many clients
/// shares one buffer, and the server's next step copies only the tensors it changes.
public struct GlobalModel: Sendable {
    /// The tensors' layout.
    public let layout: ModelLayout
    /// Current parameters, one flat array per tensor.
    public private(set) var parameters: [[Float]]
    /// Server steps taken so far (0 for the initial model).
    public private(set) var version: Int = 0

    /// Creates the model from initial parameters.
    public init(layout: ModelLayout, parameters: [[Float]]) {
        precondition(parameters.count == layout.tensors.count, "one parameter array per tensor")
        for (values, tensor) in zip(parameters, layout.tensors) {
            precondition(values.count == tensor.elementCount, "\(tensor.name): \(values.count) values")
        }
        self.layout = layout
        self.parameters = parameters
    }

    /// Adds `scale × delta` (dense, one array per tensor) and advances the version.
    public mutating func step(adding delta: [[Double]], scale: Double = 1) {
        for tensor in delta.indices where !delta[tensor].isEmpty {
            self.parameters[tensor].withUnsafeMutableBufferPointer { values in
                for index in values.indices { values[index] += Float(scale * delta[tensor][index]) }
            }
        }
        self.version += 1
    }

    /// Replaces the held elements of every update's subset by the values `mix` returns, then advances the
    /// version (FedAsync's element-wise mixing).
    mutating func step(
        mixing update: ClientUpdate, mix: (_ current: Float, _ tensor: Int, _ position: Int, _ index: Int) -> Float
    ) {
        for (tensor, subset) in update.subset.tensors.enumerated() {
            let elementCount = self.layout.tensors[tensor].elementCount
            for (position, index) in subset.indexList(of: elementCount).enumerated() {
                let current = self.parameters[tensor][Int(index)]
                self.parameters[tensor][Int(index)] = mix(current, tensor, position, Int(index))
            }
        }
        self.version += 1
    }
}

/// Per-element weighted average of sparse deltas over the updates that hold each element:
/// Δ̄_e = Σ_{i ∋ e} w_i Δ_{i,e} / Σ_{i ∋ e} w_i, and 0 where no update holds e.
///
/// Accumulates in `Double` in the order of `updates`, so the result is deterministic.
/// - Parameter normalise: With `false`, returns the weighted sum Σ_{i ∋ e} w_i Δ_{i,e} instead.
public func combineSparseDeltas(
    _ updates: [(update: ClientUpdate, weight: Double)], layout: ModelLayout, normalise: Bool = true
) -> [[Double]] {
    var sums = layout.tensors.map { [Double](repeating: 0, count: $0.elementCount) }
    var weights = layout.tensors.map { [Double](repeating: 0, count: normalise ? $0.elementCount : 0) }
    for (update, weight) in updates {
        for (tensor, subset) in update.subset.tensors.enumerated() {
            let indices = subset.indexList(of: layout.tensors[tensor].elementCount)
            for (position, index) in indices.enumerated() {
                sums[tensor][Int(index)] += weight * Double(update.deltas[tensor][position])
                if normalise { weights[tensor][Int(index)] += weight }
            }
        }
    }
    if normalise {
        for tensor in sums.indices {
            for index in sums[tensor].indices where weights[tensor][index] > 0 {
                sums[tensor][index] /= weights[tensor][index]
            }
        }
    }
    return sums
}
