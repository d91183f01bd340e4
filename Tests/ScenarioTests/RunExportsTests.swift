// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import Foundation
import Scenario
import Testing
import TinyTrain

/// `traces.partition` and `traces.initial_weights`: what another framework needs to train the same devices on
/// the same examples from the same start (Scripts/bench/compare-flower).
@Suite struct RunExportsTests {
    /// Ten devices on an ideal link, mains powered, one FedAvg round of half the fleet, Dirichlet labels.
    static func manifest(traces: String = "{partition: true, initial_weights: true}", extra: String = "") -> String {
        """
        name: exports
        seed: 5
        dataset: {name: embedded, partition: {kind: dirichlet, alpha: 0.5}\(extra)}
        model: {name: mlp-28}
        devices:
          count: 10
          classes:
            - {name: wired, share: 1, sram: 1MiB, mcu: stm32f746, radio: {kind: ideal}, battery: mains}
        strategy: {kind: fedavg, cohort_fraction: 0.5}
        client: {batch: 32, lr: 0.05}
        evaluation: {test_subset: 100}
        stop: {max_updates: 5}
        traces: \(traces)

        """
    }

    static func run(_ yaml: String) throws -> RunResult {
        let sweep = try ManifestSweep(yaml: yaml, file: "exports.yaml")
        return try Simulation.run(sweep.runs[0], file: "exports.yaml", threads: 1)
    }

    static func text(_ result: RunResult, _ name: String) -> String? {
        result.files.first { $0.name == name }?.text
    }

    static func rows(_ text: String?) -> [[String: String]] {
        let rows = CSVTable.parse(text ?? "")
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func thePartitionHoldsEveryTrainingExampleExactlyOnceAndIsWhatTheDevicesTrainedOn() throws {
        let result = try Self.run(Self.manifest())
        let partition = try #require(Self.text(result, "partition.csv"))
        #expect(partition.hasPrefix("device_id,example_index\n"))
        let rows = Self.rows(partition)
        // The embedded training split has 6 000 images: each file position exactly once.
        let indices = rows.compactMap { Int($0["example_index"] ?? "") }
        #expect(indices.count == 6_000)
        #expect(indices.sorted() == Array(0..<6_000))
        var held: [Int: Int] = [:]
        for row in rows { held[Int(row["device_id"] ?? "") ?? -1, default: 0] += 1 }
        #expect(Set(held.keys) == Set(0..<10))
        // The Dirichlet partitioner deals the label mixes, not the sizes: 6 000 / 10 each.
        #expect(held.values.allSatisfy { $0 == 600 })
        // What each device trained on, seen from devices.csv: one epoch of mlp-28 over n examples at batch 32
        // costs n · (54 912 forward + 54 912 weight-gradient + 4 736 input-gradient MACs: 784·64 + 64·64 + 64·10,
        // the first layer's input gradient pruned) plus ⌈n / 32⌉ SGD updates of 55 050 parameters.
        let participations = Self.rows(Self.text(result, "devices.csv")).filter { $0["outcome"] == "completed" }
        #expect(participations.count == 5)
        for row in participations {
            let examples = try #require(held[Int(row["device_id"] ?? "") ?? -1])
            #expect(Int(row["macs"] ?? "") == examples * 114_560 + (examples + 31) / 32 * 55_050)
        }
    }

    @Test func aSubsetOfTheTrainingSplitIsExportedAsPositionsInTheFile() throws {
        let result = try Self.run(Self.manifest(extra: ", train_examples: 240"))
        let indices = Self.rows(Self.text(result, "partition.csv")).compactMap { Int($0["example_index"] ?? "") }
        #expect(indices.count == 240)
        #expect(Set(indices).count == 240)
        #expect(indices.allSatisfy { (0..<6_000).contains($0) })
        // Not the positions inside the subset (which would be 0..<240).
        #expect(indices.contains { $0 >= 240 })
    }

    @Test func theExportedInitialWeightsAreWhereTheRunStarted() throws {
        let first = try Self.run(Self.manifest(extra: ", train_examples: 600"))
        let data = try #require(first.binaryFiles.first { $0.name == "initial_weights.bin" }?.data)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exports-\(getpid()).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try data.write(to: URL(fileURLWithPath: path))
        let model = try FederatedModel(graph: try ModelZoo.resolve("mlp-28"))
        let parameters = try WeightsFile.load(for: model, from: path)
        #expect(parameters.map(\.count).reduce(0, +) == 55_050)
        // Starting a run from the exported file instead of the seeded initialisation changes nothing.
        let yaml = Self.manifest(traces: "{partition: true}", extra: ", train_examples: 600").replacingOccurrences(
            of: "model: {name: mlp-28}", with: "model: {name: mlp-28, initial_weights: \(path)}")
        let second = try Self.run(yaml)
        #expect(Self.text(second, "global.csv") == Self.text(first, "global.csv"))
        #expect(Self.text(second, "devices.csv") == Self.text(first, "devices.csv"))
    }

    @Test func withoutTheOptionsNeitherFileIsWrittenAndRunIdsKeepTheirHash() throws {
        let result = try Self.run(Self.manifest(traces: "{events: false}", extra: ", train_examples: 600"))
        #expect(Set(result.files.map(\.name)) == ["global.csv", "devices.csv"])
        #expect(result.binaryFiles.isEmpty)
        // The resolved manifest (hashed into the run id) says nothing of the two keys when they are off.
        let resolved = try ManifestSweep(yaml: Self.manifest(traces: "{events: false}"), file: "e.yaml").runs[0]
        #expect(resolved.resolvedYAML.contains("traces:\n  events: false\n"))
        #expect(!resolved.resolvedYAML.contains("initial_weights"))
        let on = try ManifestSweep(yaml: Self.manifest(), file: "e.yaml").runs[0]
        #expect(on.resolvedYAML.contains("initial_weights: true"))
        #expect(on.id != resolved.id)
    }
}
