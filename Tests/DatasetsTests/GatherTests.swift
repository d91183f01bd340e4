// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import Datasets

struct GatherTests {
    /// Sample `i` has features `i·100 + j` for feature `j`, and label `i % 3`.
    let dataset: Dataset = {
        let shape = SampleShape(channels: 2, height: 2, width: 1)
        let count = 7
        let features = (0..<count).flatMap { i in (0..<shape.featureCount).map { Float(i * 100 + $0) } }
        return Dataset(
            name: "ramp", shape: shape, classNames: ["a", "b", "c"], normalization: .asStored, features: features,
            labels: (0..<count).map { Int32($0 % 3) })
    }()

    @Test func gatherCopiesTheChosenSamplesInOrderIntoCallerBuffers() {
        let indices = [6, 0, 3, 3]
        var features = [Float](repeating: -1, count: 4 * 4 + 2)
        var labels = [Int32](repeating: -1, count: 5)
        features.withUnsafeMutableBufferPointer { f in
            labels.withUnsafeMutableBufferPointer { l in self.dataset.gather(indices, features: f, labels: l) }
        }
        let expected = indices.flatMap { i in (0..<4).map { Float(i * 100 + $0) } }
        #expect(Array(features.prefix(16)) == expected)
        #expect(features.suffix(2) == [-1, -1])  // nothing written past the batch
        #expect(labels == [0, 0, 0, 0, -1])
    }

    @Test func gatherIntoArraysResizesToTheBatch() {
        var features: [Float] = []
        var labels: [Int32] = []
        self.dataset.gather([1, 2], into: &features, labels: &labels)
        #expect(features == [100, 101, 102, 103, 200, 201, 202, 203])
        #expect(labels == [1, 2])
        self.dataset.gather(5..<6, into: &features, labels: &labels)
        #expect(features == [500, 501, 502, 503])
        #expect(labels == [2])
    }

    @Test func oneSamplesFeaturesAreReadInPlace() {
        let sum = self.dataset.withFeatures(ofSample: 4) { $0.reduce(0, +) }
        #expect(sum == 400 + 401 + 402 + 403)
    }

    @Test func aSubsetCopiesTheChosenSamplesAndKeepsTheMetadata() {
        let subset = self.dataset.subset([5, 1], name: "two")
        #expect(subset.name == "two")
        #expect(subset.count == 2)
        #expect(subset.features == [500, 501, 502, 503, 100, 101, 102, 103])
        #expect(subset.labels == [2, 1])
        #expect(subset.shape == self.dataset.shape && subset.classNames == self.dataset.classNames)
    }

    @Test func labelCountsCountEachClass() {
        #expect(self.dataset.labelCounts() == [3, 2, 2])
    }
}
