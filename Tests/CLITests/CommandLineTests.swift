// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

/// The command-line contract scripts rely on, checked by running the built `ftte-sim` executable.
struct CommandLineTests {
    /// What one run of the tool printed and returned.
    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `ftte-sim` binary beside this test bundle in the build directory.
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("ftte-sim").path),
            directory.pathComponents.count > 1
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("ftte-sim")
    }

    func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    @Test func airtimePrintsTheSemtechValueInMilliseconds() throws {
        let result = try run(["airtime", "--sf", "12", "--bw", "125", "--cr", "4/6", "--payload", "50"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "2629.632\n")
    }

    @Test func bleThroughputPrintsKilobitsPerSecond() throws {
        let result = try run([
            "ble-throughput", "--phy", "1M", "--interval-ms", "4000", "--att-mtu", "23", "--no-dle", "--encrypted",
        ])
        #expect(result.status == 0)
        let value = try #require(Double(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(abs(value - 226) < 1)
    }

    @Test func planRejectsAModelThatDoesNotFitItsCapWithExitCode65() throws {
        let result = try run(["plan", "--model", "cnn-28", "--cap", "10KiB"])
        #expect(result.status == 65)
        #expect(result.standardError.contains("cap is 10240 bytes"))
        #expect(!result.standardError.contains("Stack"))
    }

    @Test func planRefusesAModelFileNestedTooDeeplyWithoutCrashing() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ftte-sim-deep-\(getpid()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        let deep = "name: deep\ninput: " + String(repeating: "[", count: 100_000) + "\n"
        try Data(deep.utf8).write(to: file)
        let result = try run(["plan", "--model", file.path])
        #expect(result.status == 65)
        #expect(result.standardError.contains("\(file.path):2:"))
        #expect(result.standardError.contains("nesting deeper than 64"))
    }

    @Test func usageErrorsExitWith64() throws {
        #expect(try run(["airtime", "--sf", "13", "--bw", "125", "--cr", "5", "--payload", "20"]).status == 64)
        #expect(try run(["train", "--model", "mlp-28", "--dataset", "imagenet"]).status == 64)
    }

    /// One epoch of the MLP on the embedded Fashion-MNIST subset learns far beyond chance (0.1), and the same
    /// seed prints the same bytes.
    @Test func trainLearnsTheEmbeddedDataAndIsDeterministic() throws {
        let arguments = ["train", "--model", "mlp-28", "--epochs", "1", "--format", "csv"]
        let first = try run(arguments)
        #expect(first.status == 0)
        let lines = first.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        let header = lines[0].split(separator: ",")
        let values = lines[1].split(separator: ",")
        let accuracyColumn = try #require(header.firstIndex(of: "test_accuracy"))
        let accuracy = try #require(Double(values[accuracyColumn]))
        #expect(accuracy > 0.6)
        #expect(try run(arguments).standardOutput == first.standardOutput)
    }

    /// The simulated duration (`duration_s`) of one `lorawan-transfer` run.
    func transferSeconds(_ arguments: [String]) throws -> Double {
        let result = try run(["lorawan-transfer"] + arguments)
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        let header = try #require(lines.first).split(separator: ",")
        let values = try #require(lines.dropFirst().first).split(separator: ",")
        let column = try #require(header.firstIndex(of: "duration_s"))
        #expect(values[header.firstIndex(of: "delivered") ?? 0] == "true")
        return try #require(Double(values[column]))
    }

    /// 10 kB at DR5 is 42 frames and about 17 s of airtime: within the hourly budget of the 1 % sub-band
    /// (36 s), so the window rule sends them as fast as the acknowledgements allow, while the per-frame
    /// rule waits 99 × each frame's airtime after it (≈ 40 s a frame).
    @Test func aTenKilobyteUplinkAtDR5TakesMinutesUnderTheWindowRuleAndHalfAnHourPerFrame() throws {
        let arguments = ["--bytes", "10000", "--dr", "5", "--direction", "uplink"]
        #expect(try transferSeconds(arguments) < 300)
        #expect(try transferSeconds(arguments + ["--duty-cycle", "per-frame"]) >= 1_500)
        #expect(try run(["lorawan-transfer", "--bytes", "10", "--duty-cycle", "hourly"]).status == 64)
    }

    @Test func trainRejectsAModelWhoseInputDoesNotMatchTheData() throws {
        let result = try run(["train", "--model", "cnn-cifar", "--epochs", "1"])
        #expect(result.status == 65)
        #expect(result.standardError.contains("3×32×32"))
    }
}
