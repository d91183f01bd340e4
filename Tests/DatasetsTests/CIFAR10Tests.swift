// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import Datasets

struct CIFAR10Tests {
    /// A record as the CIFAR-10 page describes it: the label byte, then 1 024 red, 1 024 green and 1 024
    /// blue bytes, each row-major. Pixel (channel c, row y, column x) of record `seed` is `f(seed, c, y, x)`.
    static func record(label: UInt8, seed: Int) -> [UInt8] {
        var bytes = [label]
        for channel in 0..<3 {
            for row in 0..<32 {
                for column in 0..<32 {
                    bytes.append(pixel(seed: seed, channel: channel, row: row, column: column))
                }
            }
        }
        return bytes
    }

    static func pixel(seed: Int, channel: Int, row: Int, column: Int) -> UInt8 {
        UInt8((seed * 31 + channel * 97 + row * 7 + column * 3) % 256)
    }

    @Test func recordsLoadChannelMajorWithTheirLabels() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let first = try fixtures.write(
            "data_batch_1.bin", Self.record(label: 3, seed: 0) + Self.record(label: 9, seed: 1))
        let second = try fixtures.write("data_batch_2.bin", gzipStored(Self.record(label: 0, seed: 2)))
        let dataset = try Dataset.cifar10(batches: [first, second], normalization: .asStored)
        #expect(dataset.count == 3)
        #expect(dataset.labels == [3, 9, 0])
        #expect(dataset.shape == SampleShape(channels: 3, height: 32, width: 32))
        #expect(dataset.classNames[3] == "cat")
        for sample in 0..<3 {
            for (channel, row, column) in [(0, 0, 0), (1, 5, 17), (2, 31, 31), (2, 0, 1)] {
                let index = sample * 3_072 + channel * 1_024 + row * 32 + column
                #expect(
                    dataset.features[index]
                        == Float(Self.pixel(seed: sample, channel: channel, row: row, column: column)))
            }
        }
    }

    @Test func perChannelStandardisationUsesEachChannelsStatistics() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let batch = try fixtures.write("test_batch.bin", Self.record(label: 1, seed: 4))
        let dataset = try Dataset.cifar10(batches: [batch], normalization: .cifar10)
        let means: [Float] = [0.4914, 0.4822, 0.4465]
        let deviations: [Float] = [0.2470, 0.2435, 0.2616]
        for channel in 0..<3 {
            let raw = Float(Self.pixel(seed: 4, channel: channel, row: 2, column: 3)) / 255
            let expected = (raw - means[channel]) / deviations[channel]
            #expect(abs(dataset.features[channel * 1_024 + 2 * 32 + 3] - expected) < 1e-5)
        }
    }

    @Test func aTruncatedBatchIsRejectedNamingTheFile() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let whole = Self.record(label: 1, seed: 0) + Self.record(label: 2, seed: 1)
        let cut = try fixtures.write("data_batch_3.bin", Array(whole.dropLast(100)))
        let error = #expect(throws: DatasetFileError.self) { try Dataset.cifar10(batches: [cut]) }
        #expect(error?.file == cut)
        #expect(error?.problem.contains("1 records and 2973 bytes left over") == true, "\(error?.problem ?? "")")
    }

    @Test func aLabelBeyondTheTenClassesIsRejected() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let bad = try fixtures.write(
            "data_batch_4.bin", Self.record(label: 0, seed: 0) + Self.record(label: 10, seed: 1))
        let error = #expect(throws: DatasetFileError.self) { try Dataset.cifar10(batches: [bad]) }
        #expect(error?.problem == "record 1 has label 10, expected 0..<10")
    }

    @Test func anEmptyBatchIsRejected() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let empty = try fixtures.write("data_batch_5.bin", [])
        #expect(throws: DatasetFileError.self) { try Dataset.cifar10(batches: [empty]) }
    }

    @Test func theKnownLayoutFindsTheBatchFilesInADirectory() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        try fixtures.write("test_batch.bin", Self.record(label: 7, seed: 0))
        let test = try KnownDataset.cifar10.load(.test, from: fixtures.directory)
        #expect(test.labels == [7])
        let missing = #expect(throws: DatasetFileError.self) {
            try KnownDataset.cifar10.load(.train, from: fixtures.directory)
        }
        #expect(missing?.file == fixtures.path("data_batch_1.bin"))
        #expect(missing?.problem.contains("Scripts/fetch-data cifar10") == true)
    }
}
