// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

/// `run`, `sweep`, `validate` and `merge` as scripts use them: outputs, exit codes, shards, resume.
struct SimulationCommandTests {
    let cli = CommandLineTests()

    /// Four runs (two strategies × two replications) of six wired devices: learning only, a few seconds each.
    static let manifest = """
        name: cli
        replications: 2
        dataset: {name: embedded, train_examples: 180}
        model: {name: mlp-28}
        devices:
          count: 6
          classes:
            - {name: wired, share: 1, sram: 512KiB, mcu: stm32f746, radio: {kind: ideal}}
        strategy: {kind: fedbuff, buffer: 2, concurrency: 3, cohort_fraction: 0.5}
        client: {batch: 10, lr: 0.1}
        evaluation: {test_subset: 100}
        stop: {max_updates: 12}
        sweep:
          strategy.kind: [fedavg, fedbuff]

        """

    /// A fresh directory holding `manifest.yaml`.
    func workspace(_ text: String = manifest) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ftte-sim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: directory.appendingPathComponent("manifest.yaml"))
        return directory
    }

    func read(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

    @Test func runWritesEveryRunAndASummaryAndSaysWhere() throws {
        let directory = try self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let result = try cli.run([
            "run", directory.appendingPathComponent("manifest.yaml").path, "--out", out.path, "--quiet",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardOutput.hasSuffix(
                "results: \(out.path)/summary.csv (one row per run); per run: \(out.path)/<run-id>/\n"))
        let summary = CSVTableText(self.read(out.appendingPathComponent("summary.csv")) ?? "")
        #expect(summary.rows.count == 4)
        #expect(summary.header.prefix(3) == ["run_id", "replication", "strategy.kind"])
        for row in summary.rows {
            let run = out.appendingPathComponent(row[0])
            for file in ["manifest.resolved.yaml", "global.csv", "devices.csv", "summary.csv"] {
                #expect(
                    FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(row[0])/\(file)")
            }
        }
        #expect(result.standardError.isEmpty)  // not a terminal: no progress lines
    }

    @Test func validateCountsRunsAndBadManifestsExit65WritingNothing() throws {
        let directory = try self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        let ok = try cli.run(["validate", manifest])
        #expect(ok.status == 0)
        #expect(ok.standardOutput == "4 runs\n")

        let bad = directory.appendingPathComponent("bad.yaml")
        try Data(Self.manifest.replacingOccurrences(of: "share: 1,", with: "share: 1, sram_kb: 3,").utf8).write(to: bad)
        let out = directory.appendingPathComponent("out-bad")
        for command in [
            ["validate", bad.path], ["run", bad.path, "--out", out.path], ["sweep", bad.path, "--out", out.path],
        ] {
            let result = try cli.run(command)
            #expect(result.status == 65)
            #expect(result.standardError.hasPrefix("Error: \(bad.path):8:31: devices.classes[0].sram_kb: unknown key"))
            #expect(!result.standardError.contains("Stack"))
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let missing = try cli.run(["run", directory.appendingPathComponent("nope.yaml").path])
        #expect(missing.status == 64)
        let shard = try cli.run(["sweep", manifest, "--shard", "4/4"])
        #expect(shard.status == 64)
    }

    @Test func aRunStartsFromWeightsThatTrainSavedAndAMissingFileWritesNothing() throws {
        let directory = try self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let weights = directory.appendingPathComponent("mlp.bin").path
        let train = try cli.run([
            "train", "--model", "mlp-28", "--epochs", "1", "--format", "csv", "--save-weights", weights,
        ])
        #expect(train.status == 0, "\(train.standardError)")
        let report = CSVTableText(train.standardOutput)
        let column = try #require(report.header.firstIndex(of: "test_accuracy"))
        let accuracy = try #require(report.rows.first?[column])
        let manifest = directory.appendingPathComponent("pretrained.yaml")
        let text = Self.manifest.replacingOccurrences(
            of: "model: {name: mlp-28}", with: "model: {name: mlp-28, initial_weights: \(weights)}"
        ).replacingOccurrences(of: "test_subset: 100", with: "test_subset: 1000")
        try Data(text.utf8).write(to: manifest)
        let out = directory.appendingPathComponent("out")
        #expect(try cli.run(["run", manifest.path, "--out", out.path, "--quiet"]).status == 0)
        // The federated run's model before any update is the centrally trained one: the same test accuracy on
        // the same 1 000 test images, measured by the simulator's own evaluation.
        let summary = CSVTableText(self.read(out.appendingPathComponent("summary.csv")) ?? "")
        let run = try #require(summary.rows.first?.first)
        let global = CSVTableText(self.read(out.appendingPathComponent(run).appendingPathComponent("global.csv")) ?? "")
        let initial = try #require(global.rows.first)
        #expect(initial[2] == "initial")
        #expect(abs((Double(initial[5]) ?? 0) - (Double(accuracy) ?? 1)) < 1e-9)

        try Data(text.replacingOccurrences(of: "mlp.bin", with: "missing.bin").utf8).write(to: manifest)
        let missing = directory.appendingPathComponent("missing-out")
        let result = try cli.run(["run", manifest.path, "--out", missing.path])
        #expect(result.status == 65)
        #expect(result.standardError.hasPrefix("Error: \(manifest.path):4:40: model.initial_weights: "))
        #expect(result.standardError.contains("model.initial_weights"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test func shardsMergeIntoTheUnshardedSummaryAndMismatchesAreRefused() throws {
        let directory = try self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        let whole = directory.appendingPathComponent("whole")
        #expect(try cli.run(["sweep", manifest, "--out", whole.path, "--threads", "2"]).status == 0)
        var shards: [String] = []
        for index in 0..<3 {
            let shard = directory.appendingPathComponent("shard-\(index)").path
            shards.append(shard)
            #expect(
                try cli.run(["sweep", manifest, "--shard", "\(index)/3", "--out", shard, "--threads", "1"]).status == 0)
        }
        let merged = directory.appendingPathComponent("merged.csv").path
        let merge = try cli.run(["merge"] + shards + ["--out", merged])
        #expect(merge.status == 0, "\(merge.standardError)")
        #expect(self.read(URL(fileURLWithPath: merged)) == self.read(whole.appendingPathComponent("summary.csv")))

        let missing = try cli.run(["merge", shards[0], shards[2], "--out", merged])
        #expect(missing.status == 65)
        #expect(missing.standardError.contains("shards 1 of 3 are missing"))

        let other = try self.workspace(Self.manifest.replacingOccurrences(of: "lr: 0.1", with: "lr: 0.2"))
        defer { try? FileManager.default.removeItem(at: other) }
        let foreign = other.appendingPathComponent("shard-1").path
        _ = try cli.run([
            "sweep", other.appendingPathComponent("manifest.yaml").path, "--shard", "1/3", "--out", foreign,
        ])
        let mixed = try cli.run(["merge", shards[0], foreign, shards[2], "--out", merged])
        #expect(mixed.status == 65)
        #expect(mixed.standardError.contains("another manifest"))
    }

    @Test func aSweepKilledMidwayResumesToTheSameSummary() throws {
        let directory = try self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.yaml").path
        let reference = directory.appendingPathComponent("reference")
        #expect(try cli.run(["sweep", manifest, "--out", reference.path]).status == 0)

        let out = directory.appendingPathComponent("out")
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["sweep", manifest, "--out", out.path, "--threads", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it (SIGKILL: no chance to clean up) once the first run is complete and before the last one is.
        let deadline = Date().addingTimeInterval(120)
        var complete = 0
        while process.isRunning, Date() < deadline {
            let rows = CSVTableText(self.read(out.appendingPathComponent("summary.csv")) ?? "").rows.count
            complete = rows
            if rows >= 1 { break }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(complete >= 1 && complete < 4, "killed after \(complete) runs")

        let refused = try cli.run(["sweep", manifest, "--out", out.path])
        #expect(refused.status == 64)
        #expect(refused.standardError.contains("--resume"))
        let resumed = try cli.run(["sweep", manifest, "--out", out.path, "--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(
            self.read(out.appendingPathComponent("summary.csv"))
                == self.read(reference.appendingPathComponent("summary.csv")))
    }
}

/// A CSV text split into header and rows (test-side, RFC 4180 without quoted line breaks).
struct CSVTableText {
    var header: [String] = []
    var rows: [[String]] = []

    init(_ text: String) {
        let lines = text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        guard let first = lines.first else { return }
        self.header = first
        self.rows = Array(lines.dropFirst())
    }
}
