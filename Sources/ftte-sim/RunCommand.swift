// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Foundation
import Scenario

/// `ftte-sim run`: runs a manifest (every run of its sweep) and prints a side-by-side table.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a manifest's simulation (the built-in quickstart without one) and print a short table.",
        discussion: """
            Writes OUT/<run-id>/{manifest.resolved.yaml,global.csv,devices.csv,summary.csv} per run and
            OUT/summary.csv with one row per run (the README documents every column).
            """
    )

    @Argument(help: "The manifest (YAML). Without one: the quickstart (Experiments/quickstart.yaml).")
    var manifest: String?

    @Option(help: "Master seed, overriding the manifest's.")
    var seed: UInt64?

    @OptionGroup var options: SweepOptions

    func run() throws {
        let (summary, directory, _) = try executeSweep(
            manifestPath: self.manifest, options: self.options, seed: self.seed)
        print(Self.table(summary), terminator: "")
        print("results: \(directory)/summary.csv (one row per run); per run: \(directory)/<run-id>/")
    }

    /// The headline columns of every run, aligned.
    static func table(_ summary: CSVTable) -> String {
        let columns: [(title: String, column: String)] = [
            ("strategy", "strategy"), ("time_to_target_s", "time_to_target_s"), ("final_accuracy", "final_accuracy"),
            ("peak_memory_B", "peak_device_memory_bytes"), ("payload_B", "total_payload_bytes"),
            ("energy_J", "energy_J"), ("updates", "updates_received"),
        ]
        let swept = summary.header.dropFirst(2).prefix { $0 != "name" }
        let header = ["run"] + swept.map { String($0.split(separator: ".").last ?? "") } + columns.map(\.title)
        var rows = [header]
        for row in summary.rows {
            let value = { (name: String) in summary.header.firstIndex(of: name).map { row[$0] } ?? "" }
            let accuracy = Double(value("final_accuracy")).map { String(format: "%.3f", $0) } ?? ""
            let energy = Double(value("energy_J")).map { String(format: "%.1f", $0) } ?? ""
            let target = value("time_to_target_s").isEmpty ? "not reached" : value("time_to_target_s")
            rows.append(
                [value("replication")] + swept.map(value) + [
                    value("strategy"), target, accuracy, value("peak_device_memory_bytes"),
                    value("total_payload_bytes"), energy, value("updates_received"),
                ])
        }
        return alignedColumns(rows)
    }
}

/// `ftte-sim sweep`: runs a manifest's sweep, or one shard of it, into an output directory.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every run of a manifest's sweep (or the shard I/N) into an output directory.",
        discussion: """
            Shard I of N runs the runs whose index is I modulo N; `ftte-sim merge` joins the shards' directories.
            An interrupted sweep continues with --resume: complete runs are kept, incomplete ones redone.
            """
    )

    @Argument(help: "The manifest (YAML).")
    var manifest: String

    @Option(help: "Run only shard I of N (0 ≤ I < N), e.g. 0/4.")
    var shard: ShardArgument?

    @OptionGroup var options: SweepOptions

    func run() throws {
        let (summary, directory, _) = try executeSweep(
            manifestPath: self.manifest, options: self.options,
            shard: self.shard.map { ($0.index, $0.count) } ?? (0, 1))
        print("\(summary.rows.count) runs; results: \(directory)/summary.csv")
    }
}

/// `ftte-sim validate`: expands a manifest and checks every run without running it.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Expand and check a manifest (data, model plans under every cap, fleet) and print the run count."
    )

    @Argument(help: "The manifest (YAML).")
    var manifest: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: self.manifest) else {
            throw usageError("\(self.manifest): no such manifest file")
        }
        do {
            let sweep = try ManifestSweep(contentsOf: self.manifest)
            try sweep.check()
            print("\(sweep.runs.count) runs")
        } catch {
            throw dataError(error.description)
        }
    }
}

/// `ftte-sim merge`: joins shard directories into one summary.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the output directories of a sweep's shards into one summary.csv."
    )

    @Argument(help: "The shards' output directories.")
    var directories: [String]

    @Option(help: "The merged summary file.")
    var out = "summary.csv"

    func run() throws {
        do {
            let table = try ShardMerge.merge(directories: self.directories)
            try AtomicFile.write(table.text, to: self.out)
            print("\(table.rows.count) runs; merged summary: \(self.out)")
        } catch let error as OutputError {
            throw error.isUsage ? usageError(error.message) : dataError(error.message)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw dataError("cannot write \(self.out): \(error.localizedDescription)")
        }
    }
}
