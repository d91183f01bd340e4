// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import SimKernel

/// What one finished run leaves behind: its files (name → text) and its one-row summary.
public struct RunResult: Sendable {
    /// The run's files, by name (`global.csv`, `devices.csv`, …), written into `OUT/<run-id>/`.
    public var files: [(name: String, text: String)]
    /// The run's binary files, by name (`initial_weights.bin`), written beside ``files``.
    public var binaryFiles: [(name: String, data: Data)]
    /// The summary's columns.
    public var summaryHeader: [String]
    /// The summary's one row.
    public var summaryRow: [String]

    /// Creates a result.
    public init(
        files: [(name: String, text: String)], binaryFiles: [(name: String, data: Data)] = [],
        summaryHeader: [String], summaryRow: [String]
    ) {
        self.files = files
        self.binaryFiles = binaryFiles
        self.summaryHeader = summaryHeader
        self.summaryRow = summaryRow
    }
}

/// A problem with the output directory or a shard, for the command line to report (exit 64 or 65).
public struct OutputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String
    /// Whether it is a usage error (exit 64) rather than a data error (65).
    public var isUsage: Bool

    public var description: String { self.message }
}

/// Runs the runs of a sweep (or of the shard `index` of `count`) into an output directory: each run is staged in
/// `OUT/.partial/<run-id>/` and moved to `OUT/<run-id>/` when complete; `OUT/summary.csv` (one row per finished
/// run of the shard, in run order, swept keys as columns) is rewritten atomically after every run, and
/// `OUT/sweep.yaml` records the manifest's hash and the shard's runs for `merge`.
///
/// With `resume`, complete runs are kept and skipped and partial ones are redone; without it, an output
/// directory that already holds runs of this sweep is refused (nothing is overwritten).
public struct SweepRunner {
    /// The expanded sweep.
    public let sweep: ManifestSweep
    /// The manifest file's bytes (hashed into `sweep.yaml`, so shards of different manifests are not merged).
    public let manifestText: String
    /// The output directory.
    public let outputDirectory: String
    /// The shard to run: (index, count).
    public let shard: (index: Int, count: Int)
    /// Whether to keep and skip complete runs.
    public let resume: Bool

    /// Creates a runner.
    public init(
        sweep: ManifestSweep, manifestText: String, outputDirectory: String, shard: (index: Int, count: Int) = (0, 1),
        resume: Bool = false
    ) {
        self.sweep = sweep
        self.manifestText = manifestText
        self.outputDirectory = outputDirectory
        self.shard = shard
        self.resume = resume
    }

    /// The runs of this shard: every run whose index is `index` modulo `count` (disjoint, and together the
    /// shards cover the sweep exactly once).
    public var runs: [RunSpec] { self.sweep.runs.filter { $0.index % self.shard.count == self.shard.index } }

    /// The runs that are already complete in the output directory.
    public func completeRuns() -> Set<String> {
        Set(self.runs.map(\.id).filter { FileManager.default.fileExists(atPath: self.path($0, "summary.csv")) })
    }

    /// Runs every run of the shard that is not complete.
    ///
    /// - Parameters:
    ///   - execute: Runs one run (the simulation); called in run order.
    ///   - finished: Called after each run with (runs done, runs in the shard, the run).
    /// - Returns: The rows of the shard's summary, in run order.
    /// - Throws: ``OutputError`` for an output directory that cannot be used; whatever `execute` throws.
    @discardableResult
    public func run(
        execute: (RunSpec) throws -> RunResult, finished: (Int, Int, RunSpec) -> Void = { _, _, _ in }
    ) throws -> CSVTable {
        let manager = FileManager.default
        let complete = self.completeRuns()
        if !self.resume, let existing = complete.sorted().first {
            throw OutputError(
                message: "\(self.outputDirectory) already holds run \(existing); use --resume to finish the sweep, "
                    + "or another --out",
                isUsage: true)
        }
        // Nothing is written until the first run has been built and run: a manifest that fails leaves no trace.
        var prepared = false
        func prepare() throws {
            guard !prepared else { return }
            prepared = true
            do {
                try manager.createDirectory(atPath: self.outputDirectory, withIntermediateDirectories: true)
            } catch {
                throw OutputError(
                    message: "cannot create the output directory \(self.outputDirectory): \(error)", isUsage: true)
            }
            try? manager.removeItem(atPath: self.outputDirectory + "/.partial")
            try self.writeSweepRecord()
        }
        var done = 0
        for run in self.runs {
            if !complete.contains(run.id) {
                let result = try execute(run)
                try prepare()
                try self.publish(run, result)
            }
            try prepare()
            done += 1
            try self.writeSummary()
            finished(done, self.runs.count, run)
        }
        try? manager.removeItem(atPath: self.outputDirectory + "/.partial")
        return try self.summary()
    }

    /// The shard's summary from the runs' own summaries, in run order: `run_id`, `replication`, the swept keys,
    /// then the run summary's columns.
    public func summary() throws -> CSVTable {
        var table: CSVTable?
        for run in self.runs {
            guard let text = try? String(contentsOfFile: self.path(run.id, "summary.csv"), encoding: .utf8) else {
                continue
            }
            let rows = CSVTable.parse(text)
            guard rows.count == 2 else { continue }
            if table == nil { table = CSVTable(header: rows[0]) }
            if rows[0] == table?.header { table?.append(rows[1]) }
        }
        return table ?? CSVTable(header: ["run_id"])
    }

    private func path(_ run: String, _ file: String) -> String { "\(self.outputDirectory)/\(run)/\(file)" }

    private func publish(_ run: RunSpec, _ result: RunResult) throws {
        let manager = FileManager.default
        let staging = "\(self.outputDirectory)/.partial/\(run.id)"
        do {
            try? manager.removeItem(atPath: staging)
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try AtomicFile.write(run.resolvedYAML + Self.runRecord(run), to: staging + "/manifest.resolved.yaml")
            for file in result.files { try AtomicFile.write(file.text, to: "\(staging)/\(file.name)") }
            for file in result.binaryFiles { try AtomicFile.write(file.data, to: "\(staging)/\(file.name)") }
            var summary = CSVTable(header: result.summaryHeader)
            summary.append(result.summaryRow)
            // Written last: a run directory with a summary is complete.
            try AtomicFile.write(summary.text, to: staging + "/summary.csv")
            let target = "\(self.outputDirectory)/\(run.id)"
            try? manager.removeItem(atPath: target)
            try AtomicFile.publish(directory: staging, as: target)
        } catch {
            throw OutputError(
                message: "cannot write run \(run.id) into \(self.outputDirectory): \(error)", isUsage: false)
        }
    }

    /// What the resolved manifest records about the run beyond the manifest itself.
    static func runRecord(_ run: RunSpec) -> String {
        "run:\n  id: \(run.id)\n  replication: \(run.replication)\n  seed: \(run.manifest.seed)\n"
            + "  tool_version: \(ToolVersion.string)\n  git_commit: \(ToolVersion.gitCommit)\n"
            + "  kernel_isa: \(ToolVersion.kernelISA)\n"
    }

    private func writeSummary() throws {
        do {
            try AtomicFile.write(try self.summary().text, to: self.outputDirectory + "/summary.csv")
        } catch {
            throw OutputError(message: "cannot write \(self.outputDirectory)/summary.csv: \(error)", isUsage: false)
        }
    }

    /// `sweep.yaml`: what `merge` checks.
    private func writeSweepRecord() throws {
        var text = "manifest: \(CSVTable.quote(self.sweep.file))\n"
        text += "manifest_hash: \(String(fnv1a64(self.manifestText), radix: 16))\n"
        text += "shard: \(self.shard.index)\nshards: \(self.shard.count)\nruns_in_sweep: \(self.sweep.runs.count)\n"
        text += "runs:\n" + self.runs.map { "  - \($0.id)\n" }.joined()
        do {
            try AtomicFile.write(text, to: self.outputDirectory + "/sweep.yaml")
        } catch {
            throw OutputError(message: "cannot write \(self.outputDirectory)/sweep.yaml: \(error)", isUsage: false)
        }
    }
}
