// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

@testable import Datasets

struct EmbeddedDatasetTests {
    @Test(arguments: [(KnownDataset.Split.train, 600), (.test, 100)])
    func theEmbeddedSubsetLoadsFromTheBundleBalancedByClass(split: KnownDataset.Split, perClass: Int) throws {
        let dataset = try EmbeddedDataset.load(split)
        #expect(dataset.name == "embedded")
        #expect(dataset.count == 10 * perClass)
        #expect(dataset.labelCounts() == Array(repeating: perClass, count: 10))
        #expect(dataset.shape == SampleShape(channels: 1, height: 28, width: 28))
        #expect(dataset.classNames.first == "T-shirt/top" && dataset.classNames.last == "Ankle boot")
        #expect(dataset.features.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// Fashion-MNIST's published training-pixel mean and deviation (0.2860, 0.3530) hold for a class-balanced
    /// subset to within 0.005, and standardising with them centres the subset.
    @Test func pixelStatisticsMatchFashionMNIST() throws {
        let dataset = try EmbeddedDataset.load(.train)
        let n = Double(dataset.features.count)
        let mean = dataset.features.reduce(0.0) { $0 + Double($1) } / n
        let variance = dataset.features.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        #expect(abs(mean - 0.2860) < 0.005)
        #expect(abs(variance.squareRoot() - 0.3530) < 0.005)
        let standardized = try EmbeddedDataset.load(.train, normalization: .fashionMNIST)
        let centred = standardized.features.reduce(0.0) { $0 + Double($1) } / n
        #expect(abs(centred) < 0.02)
    }

    /// The subset keeps the source's order, so its first test image is Fashion-MNIST's first test image —
    /// checked against Debian's copy of the full data set where it is installed.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func theFirstTestImageIsTheFullDataSetsFirst() throws {
        let subset = try EmbeddedDataset.load(.test)
        let full = try KnownDataset.fashionMNIST.load(.test, from: "/usr/share/datasets/fashion-mnist")
        #expect(full.count == 10_000)
        #expect(full.labelCounts() == Array(repeating: 1_000, count: 10))
        #expect(subset.labels[0] == full.labels[0])
        #expect(subset.features[0..<784] == full.features[0..<784])
    }
}
