// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Foundation
import Scenario

/// Exit status for an internal fault (sysexits.h EX_SOFTWARE).
let softwareErrorExitCode: Int32 = 70

/// Options `run` and `sweep` share.
struct SweepOptions: ParsableArguments {
    @Option(help: "Output directory (default: out/NAME, NAME being the manifest's name).")
    var out: String?

    @Option(help: "Training worker threads (default: all cores; results do not depend on it).")
    var threads: Int?

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @Flag(help: "Keep and skip the runs already complete in the output directory; redo the incomplete ones.")
    var resume = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}

/// Reads a manifest (or the quickstart), runs its sweep (or a shard of it) and returns the summary.
///
/// - Throws: `ExitCode` 64, 65 or 70 after printing the error.
func executeSweep(
    manifestPath: String?, options: SweepOptions, seed: UInt64? = nil, shard: (index: Int, count: Int) = (0, 1)
) throws -> (summary: CSVTable, directory: String, sweep: ManifestSweep) {
    let file = manifestPath ?? Quickstart.fileName
    if let manifestPath, !FileManager.default.fileExists(atPath: manifestPath) {
        throw usageError("\(manifestPath): no such manifest file")
    }
    guard let text = try? (manifestPath.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? Quickstart.text())
    else {
        // Bytes that are not UTF-8 are reported with their position by the manifest reader.
        let sweep = Result { () throws(ManifestError) in try ManifestSweep(contentsOf: file) }
        if case .failure(let error) = sweep { throw dataError(error.description) }
        throw dataError("\(file): cannot read the manifest")
    }
    var sweep: ManifestSweep
    switch Result(catching: { () throws(ManifestError) in try ManifestSweep(yaml: text, file: file) }) {
    case .success(let expanded): sweep = expanded
    case .failure(let error): throw dataError(error.description)
    }
    if let seed { sweep = sweep.withSeed(seed) }
    let directory = options.out ?? "out/\(sweep.runs.first?.manifest.name ?? "run")"
    let runner = SweepRunner(
        sweep: sweep, manifestText: text, outputDirectory: directory, shard: shard, resume: options.resume)
    let threads = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
    let showProgress = !options.quiet && isatty(STDERR_FILENO) == 1
    let started = Date()
    do {
        let summary = try runner.run(
            execute: { run in
                let began = Date()
                if showProgress { progress("run \(run.index + 1)/\(sweep.runs.count) \(run.id) …") }
                let result = try Simulation.run(run, file: file, threads: threads)
                if showProgress {
                    let value = { (name: String) in
                        result.summaryHeader.firstIndex(of: name).map { result.summaryRow[$0] } ?? ""
                    }
                    progress(
                        "  simulated \(value("end_time_s")) s, \(value("updates_received")) updates, accuracy "
                            + "\(value("final_accuracy")), \(value("stop_reason")); "
                            + "\(String(format: "%.1f", Date().timeIntervalSince(began))) s")
                }
                return result
            },
            finished: { done, total, run in
                guard showProgress else { return }
                let elapsed = Date().timeIntervalSince(started)
                let eta = elapsed / Double(done) * Double(total - done)
                progress(
                    "done \(done)/\(total) (\(run.id)); elapsed \(Int(elapsed)) s, ETA \(Int(eta.rounded())) s")
            })
        return (summary, directory, sweep)
    } catch let error as ManifestError {
        throw dataError(sweep.locate(error).description)
    } catch let error as OutputError {
        throw error.isUsage ? usageError(error.message) : dataError(error.message)
    } catch let error as SimulationError {
        FileHandle.standardError.write(Data("Error: internal: \(error.message)\n".utf8))
        throw ExitCode(softwareErrorExitCode)
    }
}

/// Prints a usage error and returns exit code 64.
func usageError(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    return ExitCode(64)
}

/// One progress line on standard error.
func progress(_ line: String) {
    FileHandle.standardError.write(Data("\(line)\n".utf8))
}

/// A shard written `I/N`.
struct ShardArgument: ExpressibleByArgument {
    let index: Int
    let count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, index >= 0,
            index < count
        else { return nil }
        self.index = index
        self.count = count
    }
}
