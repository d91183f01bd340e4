// SPDX-License-Identifier: GPL-3.0-or-later

import BoundedYAML
import Foundation
import SimKernel
import Yams

/// One experiment, as a manifest describes it: every value resolved, every default filled in.
///
/// A manifest file may also hold `sweep:` and `zip:`, which ``ManifestSweep`` expands into one manifest per
/// run; a `Manifest` is one point of that expansion. Section by section, the keys and their defaults are in
/// the README ("Manifests").
public struct Manifest: Sendable, Encodable {
    /// The experiment's name (a word used in run ids).
    public var name: String
    /// The master seed every random stream derives from.
    public var seed: UInt64
    /// How many independent replications (streams differ by replication index).
    public var replications: Int
    /// The data set and its partition.
    public var dataset: DatasetSection
    /// The model and its starting weights.
    public var model: ModelSection
    /// The fleet.
    public var devices: FleetSection
    /// The server's strategy.
    public var strategy: StrategySection
    /// Local training hyper-parameters.
    public var client: ClientSection
    /// When and on what the global model is evaluated.
    public var evaluation: EvaluationSection
    /// When the run ends.
    public var stop: StopSection
    /// Which optional traces to write.
    public var traces: TracesSection

    /// The keys a manifest's top level may hold.
    static let keys = [
        "name", "seed", "replications", "dataset", "model", "devices", "strategy", "client", "evaluation", "stop",
        "traces", "sweep", "zip",
    ]

    /// Reads a manifest from a composed root node (without `sweep` and `zip`, which the caller expands).
    ///
    /// - Throws: ``ManifestError`` at the first problem.
    init(root: ManifestValue) throws(ManifestError) {
        let map = try root.mapping(allowed: Self.keys)
        self.name = try map.require("name", expected: "the experiment's name").string()
        guard self.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw try map.require("name", expected: "").error(
                "expected a name of letters, digits, '-', '_' or '.' (it becomes part of directory names)")
        }
        self.seed = try UInt64(map["seed"]?.int(in: 0...Int.max) ?? 1)
        self.replications = try map["replications"]?.int(in: 1...10_000) ?? 1
        self.dataset = try DatasetSection(map["dataset"], parent: root)
        self.model = try ModelSection(map["model"], parent: root)
        self.devices = try FleetSection(map.require("devices", expected: "the fleet: count and classes"))
        self.strategy = try StrategySection(map.require("strategy", expected: "the server strategy (kind: …)"))
        self.client = try ClientSection(map["client"], parent: root)
        self.evaluation = try EvaluationSection(map["evaluation"], parent: root)
        self.stop = try StopSection(map["stop"], parent: root)
        self.traces = try TracesSection(map["traces"], parent: root)
        try self.checkAcrossSections(map)
    }

    /// Rules that tie sections together.
    private func checkAcrossSections(_ map: ManifestMapping) throws(ManifestError) {
        if let concurrency = self.strategy.concurrency, concurrency > self.devices.count,
            let node = try map.require("strategy", expected: "").node.mapping?["concurrency"]
        {
            throw ManifestValue(node: node, keyPath: "strategy.concurrency", file: map.owner.file).error(
                "got \(concurrency); expected at most devices.count (\(self.devices.count))")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case name, seed, replications, dataset, model, devices, strategy, client, evaluation, stop, traces
    }
}

/// A simulated duration written the way manifests write it (`15min`, `7d`).
public struct ManifestDuration: Hashable, Sendable, Encodable {
    /// The duration.
    public var time: SimTime

    /// Wraps a duration.
    public init(_ time: SimTime) { self.time = time }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.time.description)
    }
}

/// An optional section: a mapping, or absent (all defaults).
extension ManifestValue {
    /// An absent section's stand-in: an empty mapping at `key` below `parent`.
    static func absent(_ key: String, parent: ManifestValue) -> ManifestValue {
        ManifestValue(
            node: Node.mapping(Node.Mapping([], .implicit, .any, parent.node.mark)),
            keyPath: parent.keyPath.isEmpty ? key : parent.keyPath + "." + key, file: parent.file)
    }
}
