// SPDX-License-Identifier: GPL-3.0-or-later

import BoundedYAML
import Foundation

/// Joins the output directories of a sweep's shards into the summary one unsharded sweep would have written
/// (rows in run order, byte for byte).
///
/// Refuses, naming them: directories that are not sweep outputs, shards of different manifests or shard
/// counts, a shard given twice, shards missing, and shards with runs not yet complete.
public enum ShardMerge {
    /// One shard's record (`sweep.yaml`).
    struct Record {
        var directory: String
        var manifestHash: String
        var shard: Int
        var shards: Int
        var runsInSweep: Int
        var runs: [String]
    }

    /// Merges the shard directories.
    ///
    /// - Returns: The merged summary.
    /// - Throws: ``OutputError`` naming what is wrong.
    public static func merge(directories: [String]) throws(OutputError) -> CSVTable {
        let records = try directories.map { (directory) throws(OutputError) in try Self.record(directory) }
        guard let first = records.first else {
            throw OutputError(message: "no shard directories given", isUsage: true)
        }
        for record in records {
            guard record.manifestHash == first.manifestHash, record.shards == first.shards,
                record.runsInSweep == first.runsInSweep
            else {
                throw OutputError(
                    message: "\(record.directory) is a shard of another manifest or shard count than "
                        + "\(first.directory) (manifest hash \(record.manifestHash) vs \(first.manifestHash), "
                        + "\(record.shards) vs \(first.shards) shards); expected shards of one sweep",
                    isUsage: false)
            }
        }
        var byShard: [Int: Record] = [:]
        for record in records {
            if let other = byShard[record.shard] {
                throw OutputError(
                    message: "shard \(record.shard) given twice (\(other.directory) and \(record.directory))",
                    isUsage: true)
            }
            byShard[record.shard] = record
        }
        let missing = (0..<first.shards).filter { byShard[$0] == nil }
        guard missing.isEmpty else {
            throw OutputError(
                message: "shards \(missing.map(String.init).joined(separator: ", ")) of \(first.shards) are missing; "
                    + "expected every shard's directory",
                isUsage: false)
        }
        var rows: [(index: Int, header: [String], row: [String])] = []
        var incomplete: [String] = []
        for record in byShard.values.sorted(by: { $0.shard < $1.shard }) {
            for (k, run) in record.runs.enumerated() {
                let path = "\(record.directory)/\(run)/summary.csv"
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    incomplete.append("\(record.directory) (shard \(record.shard)): run \(run)")
                    continue
                }
                let table = CSVTable.parse(text)
                guard table.count == 2 else {
                    incomplete.append("\(record.directory) (shard \(record.shard)): run \(run)")
                    continue
                }
                rows.append((record.shard + k * record.shards, table[0], table[1]))
            }
        }
        guard incomplete.isEmpty else {
            throw OutputError(
                message: "incomplete shards; re-run them with --resume: " + incomplete.joined(separator: "; "),
                isUsage: false)
        }
        rows.sort { $0.index < $1.index }
        var table = CSVTable(header: rows.first?.header ?? ["run_id"])
        for row in rows where row.header == table.header { table.append(row.row) }
        return table
    }

    private static func record(_ directory: String) throws(OutputError) -> Record {
        let path = directory + "/sweep.yaml"
        guard let root = try? BoundedYAML.compose(contentsOf: path), let mapping = root.mapping else {
            throw OutputError(
                message: "\(directory) is not a sweep output (no readable sweep.yaml); expected a directory that "
                    + "ftte-sim sweep --out wrote",
                isUsage: false)
        }
        guard let hash = mapping["manifest_hash"]?.string, let shard = mapping["shard"]?.int,
            let shards = mapping["shards"]?.int, let total = mapping["runs_in_sweep"]?.int,
            let runs = mapping["runs"]?.sequence?.compactMap(\.string)
        else {
            throw OutputError(message: "\(path) is damaged; expected the record ftte-sim sweep writes", isUsage: false)
        }
        return Record(
            directory: directory, manifestHash: hash, shard: shard, shards: shards, runsInSweep: total, runs: runs)
    }
}
