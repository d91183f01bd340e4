// SPDX-License-Identifier: GPL-3.0-or-later

/// A labelled data set held in memory, shared by every client that trains on a part of it.
///
/// Features are `Float`, sample-major: sample `i` occupies
/// `features[i * shape.featureCount ..< (i + 1) * shape.featureCount]`, laid out channel, row, column
/// (NCHW for the whole array). Labels are `Int32` in `0..<classCount`. The arrays are copy-on-write, so
/// passing a `Dataset` around never copies the samples; clients hold index lists into it (see ``Partition``)
/// and gather batches with ``gather(_:features:labels:)``.
public struct Dataset: Sendable {
    /// A short name for traces and errors ("fashion-mnist", "cifar10", a file name, …).
    public let name: String
    /// The shape of one sample.
    public let shape: SampleShape
    /// One name per class; the class count is `classNames.count`.
    public let classNames: [String]
    /// How the stored features were derived from the raw values.
    public let normalization: Normalization
    /// All features, `count × shape.featureCount` values, sample-major.
    public let features: [Float]
    /// One label per sample, each in `0..<classCount`.
    public let labels: [Int32]

    /// Creates a data set from features and labels already in memory.
    ///
    /// - Precondition: `features.count == labels.count × shape.featureCount`, there is at least one class,
    ///   and every label lies in `0..<classNames.count`. Loaders check these on user data and throw
    ///   ``DatasetFileError`` before calling this.
    public init(
        name: String, shape: SampleShape, classNames: [String], normalization: Normalization, features: [Float],
        labels: [Int32]
    ) {
        precondition(!classNames.isEmpty, "a data set needs at least one class")
        precondition(features.count == labels.count * shape.featureCount, "features do not match labels × shape")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classNames.count }, "a label is out of range")
        self.name = name
        self.shape = shape
        self.classNames = classNames
        self.normalization = normalization
        self.features = features
        self.labels = labels
    }

    /// The number of samples.
    @inlinable
    public var count: Int { self.labels.count }

    /// The number of classes.
    @inlinable
    public var classCount: Int { self.classNames.count }

    /// How many samples carry each label: element `k` counts label `k`.
    ///
    /// - Complexity: O(`count`).
    public func labelCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: self.classCount)
        for label in self.labels {
            counts[Int(label)] += 1
        }
        return counts
    }
}
