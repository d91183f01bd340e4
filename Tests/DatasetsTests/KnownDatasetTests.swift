// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

@testable import Datasets

struct KnownDatasetTests {
    static let debianFashionMNIST = "/usr/share/datasets/fashion-mnist"

    @Test func idxFilesAreFoundCompressedOrNot() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let pixels = patternBytes(3 * 28 * 28)
        try fixtures.write("t10k-images-idx3-ubyte", idxBytes(dimensions: [3, 28, 28], payload: pixels))
        try fixtures.write("t10k-labels-idx1-ubyte.gz", gzipStored(idxBytes(dimensions: [3], payload: [9, 0, 4])))
        let test = try KnownDataset.mnist.load(.test, from: fixtures.directory)
        #expect(test.name == "mnist")
        #expect(test.labels == [9, 0, 4])
        #expect(test.features == pixels.map { Float($0) / 255 })
        let error = #expect(throws: DatasetFileError.self) {
            try KnownDataset.mnist.load(.train, from: fixtures.directory)
        }
        #expect(error?.file == fixtures.path("train-images-idx3-ubyte.gz"))
    }

    @Test func aCorruptGzipOnDiskNamesTheFile() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        var images = gzipStored(idxBytes(dimensions: [1, 28, 28], payload: patternBytes(784)))
        images[200] ^= 0x55  // a payload byte: the CRC-32 no longer matches
        let imagesPath = try fixtures.write("t10k-images-idx3-ubyte.gz", images)
        try fixtures.write("t10k-labels-idx1-ubyte.gz", gzipStored(idxBytes(dimensions: [1], payload: [1])))
        let error = #expect(throws: DatasetFileError.self) {
            try KnownDataset.fashionMNIST.load(.test, from: fixtures.directory)
        }
        #expect(error?.file == imagesPath)
        #expect(error?.problem.contains("corrupt gzip data") == true, "\(error?.problem ?? "")")
    }

    /// Fashion-MNIST's training split as published: 60 000 images, 6 000 per class, 28 × 28.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: debianFashionMNIST)))
    func theFullFashionMNISTTrainingSplitHasItsPublishedCounts() throws {
        let train = try KnownDataset.fashionMNIST.load(.train, from: Self.debianFashionMNIST)
        #expect(train.count == 60_000)
        #expect(train.labelCounts() == Array(repeating: 6_000, count: 10))
        #expect(train.shape == SampleShape(channels: 1, height: 28, width: 28))
    }
}

struct DatasetChoiceTests {
    @Test(arguments: ["embedded", "fashion-mnist", "mnist", "cifar10"])
    func everyCommandLineNameRoundTrips(name: String) throws {
        let choice = try #require(DatasetChoice(name: name))
        #expect(choice.description == name)
        #expect(choice.defaultDirectory == "data/\(name)")
    }

    @Test func unknownNamesAreRejected() {
        #expect(DatasetChoice(name: "imagenet") == nil)
        #expect(DatasetChoice(name: "Fashion-MNIST") == nil)
    }

    @Test func theEmbeddedChoiceIgnoresTheDirectory() throws {
        let test = try DatasetChoice.embedded.load(.test, directory: "/nonexistent")
        #expect(test.count == 1_000)
    }
}
