// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import Datasets

struct IDXTests {
    static let count = 12
    static let height = 3
    static let width = 4
    let pixels = patternBytes(count * height * width, seed: 7)
    let labels: [UInt8] = (0..<count).map { UInt8($0 % 10) }
    let classes = (0..<10).map(String.init)

    func writePair(_ fixtures: Fixtures, compressed: Bool) throws -> (String, String) {
        let images = idxBytes(dimensions: [Self.count, Self.height, Self.width], payload: self.pixels)
        let labels = idxBytes(dimensions: [Self.count], payload: self.labels)
        let suffix = compressed ? ".gz" : ""
        return (
            try fixtures.write("images\(suffix)", compressed ? gzipStored(images) : images),
            try fixtures.write("labels\(suffix)", compressed ? gzipStored(labels) : labels)
        )
    }

    @Test(arguments: [false, true])
    func imagesAndLabelsLoadAsWrittenScaledToTheUnitInterval(compressed: Bool) throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let (images, labels) = try writePair(fixtures, compressed: compressed)
        let dataset = try Dataset.idx(
            images: images, labels: labels, name: "fixture", classNames: classes, normalization: .unitInterval)
        #expect(dataset.count == Self.count)
        #expect(dataset.shape == SampleShape(channels: 1, height: Self.height, width: Self.width))
        #expect(dataset.labels == self.labels.map(Int32.init))
        #expect(dataset.features == self.pixels.map { Float($0) / 255 })
    }

    @Test func standardisationSubtractsTheMeanAndDividesByTheDeviation() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let (images, labels) = try writePair(fixtures, compressed: false)
        let normalization = Normalization.standardized(mean: [0.25], standardDeviation: [0.5])
        let dataset = try Dataset.idx(
            images: images, labels: labels, name: "fixture", classNames: classes, normalization: normalization)
        for (feature, pixel) in zip(dataset.features, self.pixels) {
            #expect(abs(feature - (Float(pixel) / 255 - 0.25) / 0.5) < 1e-6)
        }
    }

    @Test func rankFourImagesKeepTheirChannels() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let payload = patternBytes(2 * 3 * 2 * 2)
        let images = try fixtures.write("rgb", idxBytes(dimensions: [2, 3, 2, 2], payload: payload))
        let labels = try fixtures.write("labels", idxBytes(dimensions: [2], payload: [0, 1]))
        let dataset = try Dataset.idx(
            images: images, labels: labels, name: "rgb", classNames: ["a", "b"], normalization: .asStored)
        #expect(dataset.shape == SampleShape(channels: 3, height: 2, width: 2))
        #expect(dataset.features == payload.map(Float.init))
    }

    @Test func headerGivesTypeAndDimensions() throws {
        let file = try IDXFile(bytes: idxBytes(dimensions: [2, 3, 5], payload: patternBytes(30)), path: "a")
        #expect(file.elementType == .unsignedByte)
        #expect(file.dimensions == [2, 3, 5])
        #expect(file.dataOffset == 16)
        let wide = try IDXFile(bytes: idxBytes(type: 0x0D, dimensions: [3], payload: patternBytes(12)), path: "b")
        #expect(wide.elementType == .float32)
        #expect(wide.elementCount == 3)
    }

    /// Corrupt files, each with the phrase its error must contain.
    @Test(arguments: [
        (idxBytes(dimensions: [2, 2], payload: [1, 2, 3]), "truncated: 3 bytes of data, expected 4"),
        (idxBytes(dimensions: [2, 2], payload: [1, 2, 3, 4, 5]), "1 unexpected bytes"),
        ([0x08, 0x03, 0x00, 0x00] + patternBytes(20), "bad magic number 0x08030000"),
        ([0, 0, 0x07, 1, 0, 0, 0, 1, 9], "unknown IDX element type 0x7"),
        ([0, 0, 0x08, 3, 0, 0, 0, 1], "truncated header"),
        ([0, 0], "too short"),
    ])
    func corruptFilesAreRejectedWithAClearReason(bytes: [UInt8], phrase: String) throws {
        let error = #expect(throws: DatasetFileError.self) { try IDXFile(bytes: bytes, path: "corrupt-idx") }
        #expect(error?.file == "corrupt-idx")
        #expect(error?.problem.contains(phrase) == true, "\(error?.problem ?? "no error")")
    }

    @Test func aTruncatedFileOnDiskNamesThatFile() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let images = idxBytes(dimensions: [Self.count, Self.height, Self.width], payload: self.pixels)
        let cut = try fixtures.write("cut-images", Array(images.prefix(100)))
        let labels = try fixtures.write("labels", idxBytes(dimensions: [Self.count], payload: self.labels))
        let error = #expect(throws: DatasetFileError.self) {
            try Dataset.idx(images: cut, labels: labels, name: "x", classNames: classes, normalization: .unitInterval)
        }
        #expect(error?.file == cut)
        #expect(error?.problem.contains("truncated") == true)
    }

    @Test func labelCountMustMatchImageCount() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let images = try fixtures.write(
            "images", idxBytes(dimensions: [Self.count, Self.height, Self.width], payload: self.pixels))
        let labels = try fixtures.write(
            "labels", idxBytes(dimensions: [Self.count - 1], payload: self.labels.dropLast()))
        let error = #expect(throws: DatasetFileError.self) {
            try Dataset.idx(
                images: images, labels: labels, name: "x", classNames: classes, normalization: .unitInterval)
        }
        #expect(error?.file == labels)
        #expect(error?.problem == "holds 11 labels, but \(images) holds 12 images")
    }

    @Test func aLabelBeyondTheClassesIsRejected() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let images = try fixtures.write(
            "images", idxBytes(dimensions: [Self.count, Self.height, Self.width], payload: self.pixels))
        var bad = self.labels
        bad[5] = 10
        let labels = try fixtures.write("labels", idxBytes(dimensions: [Self.count], payload: bad))
        let error = #expect(throws: DatasetFileError.self) {
            try Dataset.idx(
                images: images, labels: labels, name: "x", classNames: classes, normalization: .unitInterval)
        }
        #expect(error?.problem == "label 10 of sample 5 is outside 0..<10")
    }

    @Test func labelsInTheImagesPlaceAreRejected() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let labels = try fixtures.write("labels", idxBytes(dimensions: [Self.count], payload: self.labels))
        let error = #expect(throws: DatasetFileError.self) {
            try Dataset.idx(
                images: labels, labels: labels, name: "x", classNames: classes, normalization: .unitInterval)
        }
        #expect(error?.problem.contains("expected unsigned-byte images of rank 3 or 4") == true)
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: DatasetFileError.self) { try IDXFile(path: "/nonexistent/train-images") }
        #expect(error == DatasetFileError(file: "/nonexistent/train-images", problem: "no such file"))
    }

    @Test func aNormalisationWithTheWrongChannelCountIsRejected() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let (images, labels) = try writePair(fixtures, compressed: false)
        let error = #expect(throws: DatasetFileError.self) {
            try Dataset.idx(images: images, labels: labels, name: "x", classNames: classes, normalization: .cifar10)
        }
        #expect(error?.problem.contains("one of each per channel (1)") == true)
    }
}
