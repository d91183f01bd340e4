// SPDX-License-Identifier: GPL-3.0-or-later

/// A client's training examples, as ``ClientTrainer`` reads them: a count and a way to copy mini-batches out.
///
/// The scenario adapts its data set partition to this protocol, so the federation layer does not depend on how
/// data are stored or loaded.
public protocol ClientExamples {
    /// Number of examples the client holds (at least one).
    var exampleCount: Int { get }

    /// Copies the examples at `positions` (each in `0..<exampleCount`) into a mini-batch.
    ///
    /// - Parameters:
    ///   - positions: Positions within this client's examples, in batch order.
    ///   - inputs: Receives `positions.count` samples, NCHW, one after another (replace its contents).
    ///   - labels: Receives the class index of each sample (replace its contents).
    func fill(positions: ArraySlice<Int>, inputs: inout [Float], labels: inout [Int])
}
