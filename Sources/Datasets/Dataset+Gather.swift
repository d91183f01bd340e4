// SPDX-License-Identifier: GPL-3.0-or-later

extension Dataset {
    /// Copies the samples at `indices`, in order, into caller-owned buffers: sample `indices[j]` goes to
    /// `features[j * shape.featureCount ..< (j + 1) * shape.featureCount]` and `labels[j]`.
    ///
    /// This is how a training loop fills a batch without allocating: keep two buffers of the batch size
    /// and gather each batch's indices into them.
    ///
    /// - Parameters:
    ///   - indices: sample indices in `0..<count`; repeats are allowed.
    ///   - features: at least `indices.count × shape.featureCount` floats.
    ///   - labels: at least `indices.count` labels.
    /// - Precondition: every index is in range and the buffers are large enough.
    /// - Complexity: O(`indices.count × shape.featureCount`).
    @inlinable
    public func gather<Indices: Collection<Int>>(
        _ indices: Indices, features: UnsafeMutableBufferPointer<Float>, labels: UnsafeMutableBufferPointer<Int32>
    ) {
        let width = self.shape.featureCount
        precondition(features.count >= indices.count * width, "feature buffer too small for the batch")
        precondition(labels.count >= indices.count, "label buffer too small for the batch")
        guard let target = features.baseAddress else { return }
        self.features.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            var slot = 0
            for index in indices {
                precondition(index >= 0 && index < self.count, "sample index \(index) out of range")
                (target + slot * width).update(from: base + index * width, count: width)
                labels[slot] = self.labels[index]
                slot &+= 1
            }
        }
    }

    /// Gathers the samples at `indices` into arrays, resizing them to fit the batch exactly.
    ///
    /// Reuse the same arrays across batches: once they have the capacity, no allocation happens.
    ///
    /// - Precondition: every index is in `0..<count`.
    @inlinable
    public func gather<Indices: Collection<Int>>(
        _ indices: Indices, into features: inout [Float], labels: inout [Int32]
    ) {
        let needed = indices.count * self.shape.featureCount
        if features.count != needed {
            features.removeAll(keepingCapacity: true)
            features.append(contentsOf: repeatElement(0, count: needed))
        }
        if labels.count != indices.count {
            labels.removeAll(keepingCapacity: true)
            labels.append(contentsOf: repeatElement(0, count: indices.count))
        }
        features.withUnsafeMutableBufferPointer { featureBuffer in
            labels.withUnsafeMutableBufferPointer { labelBuffer in
                self.gather(indices, features: featureBuffer, labels: labelBuffer)
            }
        }
    }

    /// Calls `body` with the features of one sample, without copying them.
    ///
    /// - Precondition: `index` is in `0..<count`.
    @inlinable
    public func withFeatures<Result>(
        ofSample index: Int, _ body: (UnsafeBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        precondition(index >= 0 && index < self.count, "sample index \(index) out of range")
        let width = self.shape.featureCount
        return try self.features.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[index * width..<(index + 1) * width]))
        }
    }
}
