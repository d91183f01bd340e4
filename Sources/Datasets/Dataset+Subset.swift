// SPDX-License-Identifier: GPL-3.0-or-later

extension Dataset {
    /// A new data set holding copies of the samples at `indices`, in that order (e.g. a fixed evaluation
    /// subset of a large test split). Clients should not use this: they share the data set through index
    /// lists (``Partition``).
    ///
    /// - Parameters:
    ///   - indices: sample indices in `0..<count`; repeats are allowed.
    ///   - name: the new data set's name; this one's by default.
    /// - Precondition: every index is in range.
    /// - Complexity: O(`indices.count × shape.featureCount`).
    public func subset<Indices: Collection<Int>>(_ indices: Indices, name: String? = nil) -> Dataset {
        var features: [Float] = []
        var labels: [Int32] = []
        self.gather(indices, into: &features, labels: &labels)
        return Dataset(
            name: name ?? self.name, shape: self.shape, classNames: self.classNames,
            normalization: self.normalization, features: features, labels: labels)
    }
}
