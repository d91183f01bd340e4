// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

@testable import Datasets

/// `Scripts/fetch-data`'s contract: exit codes, verification, and never a half-written data set.
struct FetchDataScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/fetch-data").path

    /// Runs the script and returns its exit status and standard error.
    func run(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func anUnknownDataSetIsAUsageError() throws {
        let result = try run(["imagenet"])
        #expect(result.status == 64)
        #expect(result.errors.contains("usage: Scripts/fetch-data fashion-mnist|mnist|cifar10 [DIR]"))
    }

    @Test func anExistingDirectoryThatDoesNotVerifyIsLeftAloneWithExitStatus65() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let target = fixtures.path("mnist")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: target + "/train-images-idx3-ubyte.gz"))
        let result = try run(["mnist", target])
        #expect(result.status == 65)
        #expect(result.errors.contains("train-labels-idx1-ubyte.gz: missing"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["train-images-idx3-ubyte.gz"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixtures.directory) == ["mnist"])
    }

    /// From Debian's package, where it is installed: the copy verifies, loads with the published counts, and
    /// a second run finds it in place.
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")))
    func fashionMNISTIsCopiedVerifiedAndLoadable() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let target = fixtures.path("fashion-mnist")
        let first = try run(["fashion-mnist", target])
        #expect(first.status == 0, "\(first.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixtures.directory) == ["fashion-mnist"])
        let test = try KnownDataset.fashionMNIST.load(.test, from: target)
        #expect(test.labelCounts() == Array(repeating: 1_000, count: 10))
        let second = try run(["fashion-mnist", target])
        #expect(second.status == 0)
        #expect(second.errors.contains("already in"))
    }
}
