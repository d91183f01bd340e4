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

    /// Creates the model from initial parameters produced for `layout` (by ``FederatedModel``).
    ///
    /// - Parameters:
    ///   - layout: The tensors.
    ///   - parameters: One flat array per tensor, of its element count.
    /// - Precondition: the shapes match; use ``init(checking:parameters:)`` for parameters a user supplied.
    public init(layout: ModelLayout, parameters: [[Float]]) {
        precondition(parameters.count == layout.tensors.count, "one parameter array per tensor")
        for (values, tensor) in zip(parameters, layout.tensors) {
            precondition(values.count == tensor.elementCount, "\(tensor.name): \(values.count) values")
        }
        self.layout = layout
        self.parameters = parameters
    }

    /// Creates the model from parameters a user supplied (a manifest's `model.initial_weights`), checking
    /// their shapes and values.
    ///
    /// - Parameters:
    ///   - layout: The tensors.
    ///   - parameters: One flat array per tensor.
    /// - Throws: ``FederationConfigurationError`` at `model.initial_weights` for a wrong tensor count, a wrong
    ///   element count or a value that is not finite.
    public init(checking layout: ModelLayout, parameters: [[Float]]) throws(FederationConfigurationError) {
        guard parameters.count == layout.tensors.count else {
            throw .invalid(
                "model.initial_weights", value: "\(parameters.count) tensors",
                expected: "\(layout.tensors.count) tensors")
        }
        for (values, tensor) in zip(parameters, layout.tensors) {
            guard values.count == tensor.elementCount else {
                throw .invalid(
                    "model.initial_weights", value: "\(values.count) values for \(tensor.name)",
                    expected: "\(tensor.elementCount)")
            }
            guard values.allSatisfy(\.isFinite) else {
                throw .invalid(
                    "model.initial_weights", value: "a non-finite value in \(tensor.name)", expected: "finite")
            }
        }
        self.init(layout: layout, parameters: parameters)
    }

    /// Adds `scale × delta` (dense, one array per tensor) and advances the version.
    ///
    /// - Parameters:
    ///   - delta: One dense array per tensor (an empty array leaves its tensor unchanged).
    ///   - scale: The factor applied to every element (in `Double`, then rounded to `Float`).
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
/// - Parameters:
///   - updates: The updates and their weights w_i ≥ 0.
///   - layout: The model's tensors.
///   - normalise: With `false`, returns the weighted sum Σ_{i ∋ e} w_i Δ_{i,e} instead.
/// - Returns: One dense array per tensor.
public func combineSparseDeltas(
    _ updates: [(update: ClientUpdate, weight: Double)], layout: ModelLayout, normalise: Bool = true
) -> [[Double]] {
    let sums = accumulateSparseDeltas(updates.map { ($0.update, $0.weight, $0.weight) }, layout: layout)
    return normalise ? sums.quotient : sums.numerator
}

/// Per element e of a set of sparse updates: the numerator Σ_{i ∋ e} a_i Δ_{i,e} and the denominator
/// Σ_{i ∋ e} b_i, accumulated in `Double` in the order of the updates.
struct SparseDeltaSums {
    /// Σ_{i ∋ e} a_i Δ_{i,e}, one dense array per tensor.
    var numerator: [[Double]]
    /// Σ_{i ∋ e} b_i, one dense array per tensor.
    var denominator: [[Double]]

    /// numerator / denominator per element, 0 where the denominator is 0 (no update holds the element).
    var quotient: [[Double]] {
        zip(self.numerator, self.denominator).map { sums, weights in
            zip(sums, weights).map { $1 > 0 ? $0 / $1 : 0 }
        }
    }
}

/// Accumulates ``SparseDeltaSums`` with numerator weight a_i and denominator weight b_i per update.
func accumulateSparseDeltas(
    _ updates: [(update: ClientUpdate, numerator: Double, denominator: Double)], layout: ModelLayout
) -> SparseDeltaSums {
    var sums = layout.tensors.map { [Double](repeating: 0, count: $0.elementCount) }
    var weights = sums
    for (update, numerator, denominator) in updates {
        for (tensor, subset) in update.subset.tensors.enumerated() {
            let indices = subset.indexList(of: layout.tensors[tensor].elementCount)
            for (position, index) in indices.enumerated() {
                sums[tensor][Int(index)] += numerator * Double(update.deltas[tensor][position])
                weights[tensor][Int(index)] += denominator
            }
        }
    }
    return SparseDeltaSums(numerator: sums, denominator: weights)
}
