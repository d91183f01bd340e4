// SPDX-License-Identifier: GPL-3.0-or-later

import Datasets
import Federation

/// A client's slice of a data set (one device's share of the training split), as the client trainer reads it.
///
/// Holds a reference to the shared data set and the sample indices only: no copy of features per device.
public struct DatasetExamples: ClientExamples, Sendable {
    /// The data set (shared by every device).
    public let dataset: Dataset
    /// The client's sample indices into it.
    public let indices: [Int]

    /// A slice of `dataset`.
    public init(dataset: Dataset, indices: [Int]) {
        self.dataset = dataset
        self.indices = indices
    }

    /// The number of indices.
    public var exampleCount: Int { self.indices.count }

    /// Gathers the samples at `positions` of the slice.
    public func fill(positions: ArraySlice<Int>, inputs: inout [Float], labels: inout [Int]) {
        var raw: [Int32] = []
        self.dataset.gather(positions.map { self.indices[$0] }, into: &inputs, labels: &raw)
        labels = raw.map { Int($0) }
    }
}
