// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// What a client sends back: the change Δ = trained − downloaded on the elements it held.
public struct ClientUpdate: Sendable {
    /// The client (device) id.
    public var clientID: Int
    /// The model version the client downloaded.
    public var baseVersion: Int
    /// The elements the client trained.
    public var subset: ParameterSubset
    /// Δ per tensor, in subset order (empty for tensors not held).
    public var deltas: [[Float]]
    /// Training examples behind the update.
    public var exampleCount: Int

    /// Creates an update.
    public init(clientID: Int, baseVersion: Int, subset: ParameterSubset, deltas: [[Float]], exampleCount: Int) {
        precondition(subset.tensors.count == deltas.count, "one delta array per tensor")
        self.clientID = clientID
        self.baseVersion = baseVersion
        self.subset = subset
        self.deltas = deltas
        self.exampleCount = exampleCount
    }

    /// The population variance of all Δ elements (GSL, accumulated in `long double`).
    public var deltaVariance: Double {
        let flat = self.deltas.flatMap { $0 }
        return flat.withUnsafeBufferPointer { Statistics.populationVariance($0) }
    }
}
