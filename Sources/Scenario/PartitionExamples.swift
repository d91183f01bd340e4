// SPDX-License-Identifier: GPL-3.0-or-later

import Datasets
import Federation

/// One device's share of the training split, as the client trainer reads it.
///
/// Holds a reference to the shared data set and the device's sample indices only: no copy of features per device.
struct PartitionExamples: ClientExamples, Sendable {
    /// The training split (shared by every device).
    let dataset: Dataset
    /// The device's sample indices into it.
    let indices: [Int]

    var exampleCount: Int { self.indices.count }

    func fill(positions: ArraySlice<Int>, inputs: inout [Float], labels: inout [Int]) {
        var raw: [Int32] = []
        self.dataset.gather(positions.map { self.indices[$0] }, into: &inputs, labels: &raw)
        labels = raw.map { Int($0) }
    }
}
