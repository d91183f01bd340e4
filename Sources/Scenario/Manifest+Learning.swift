// SPDX-License-Identifier: GPL-3.0-or-later

import Datasets
import SimKernel

/// `dataset:` — which data, and how it is split among devices.
public struct DatasetSection: Sendable, Encodable {
    /// `embedded`, `fashion-mnist`, `mnist` or `cifar10`.
    public var name: String
    /// The data set's directory (`nil` for `embedded`; `data/NAME` by default otherwise).
    public var path: String?
    /// `iid`, `dirichlet`, `shards` or `quantity-skew`.
    public var partition: String
    /// Dirichlet concentration α.
    public var alpha: Double?
    /// Shards per client.
    public var shardsPerClient: Int?
    /// Quantity skew: log-normal σ of client sizes.
    public var sizeSigma: Double?
    /// Use only the first N training examples of a seeded shuffle (`nil`: all).
    public var trainExamples: Int?

    private enum CodingKeys: String, CodingKey {
        case name, path, partition, alpha
        case shardsPerClient = "shards_per_client"
        case sizeSigma = "size_sigma"
        case trainExamples = "train_examples"
    }

    init(_ given: ManifestValue?, parent: ManifestValue) throws(ManifestError) {
        let value = given ?? .absent("dataset", parent: parent)
        let map = try value.mapping(allowed: ["name", "path", "partition", "train_examples"])
        let name = try map["name"]?.string(expected: "a data set name") ?? "embedded"
        guard let choice = DatasetChoice(name: name) else {
            throw try map.require("name", expected: "").error(
                "unknown data set '\(name)'; expected one of \(DatasetChoice.names.joined(separator: ", "))")
        }
        self.name = name
        if case .known = choice {
            self.path = try map["path"]?.string(expected: "a directory") ?? choice.defaultDirectory
        }
        self.trainExamples = try map["train_examples"]?.int(in: 1...Int.max)
        let partition = map["partition"] ?? .absent("partition", parent: value)
        let split = try partition.mapping(allowed: ["kind", "alpha", "shards_per_client", "size_sigma"])
        self.partition =
            try split["kind"]?.choice([
                "iid": "iid", "dirichlet": "dirichlet", "shards": "shards", "quantity-skew": "quantity-skew",
            ]) ?? "iid"
        switch self.partition {
        case "dirichlet":
            self.alpha = try split["alpha"]?.double("a concentration > 0", where: { $0 > 0 }) ?? 0.5
        case "shards":
            self.shardsPerClient = try split["shards_per_client"]?.int(in: 1...10_000) ?? 2
        case "quantity-skew":
            self.sizeSigma = try split["size_sigma"]?.double("a σ ≥ 0", where: { $0 >= 0 }) ?? 1
        default:
            break
        }
    }
}

/// `model:` — a zoo name or a model file, and optional starting weights.
public struct ModelSection: Sendable, Encodable {
    /// A zoo model's name or a model file's path.
    public var name: String
    /// A weights file written by `ftte-sim train --save-weights` (`nil`: seeded random initialisation).
    public var initialWeights: String?

    private enum CodingKeys: String, CodingKey {
        case name
        case initialWeights = "initial_weights"
    }

    init(_ given: ManifestValue?, parent: ManifestValue) throws(ManifestError) {
        let value = given ?? .absent("model", parent: parent)
        let map = try value.mapping(allowed: ["name", "file", "initial_weights"])
        if let file = map["file"] {
            guard map["name"] == nil else { throw file.error("give name or file, not both") }
            self.name = try file.string(expected: "a model file path")
        } else {
            self.name = try map["name"]?.string(expected: "a zoo model name or a .yaml file") ?? "mlp-28"
        }
        self.initialWeights = try map["initial_weights"]?.string(expected: "a weights file path")
    }
}

/// `client:` — local training.
public struct ClientSection: Sendable, Encodable {
    /// Local epochs.
    public var epochs: Int
    /// Mini-batch size.
    public var batch: Int
    /// SGD learning rate.
    public var learningRate: Double
    /// SGD momentum.
    public var momentum: Double

    private enum CodingKeys: String, CodingKey {
        case epochs, batch, momentum
        case learningRate = "lr"
    }

    init(_ given: ManifestValue?, parent: ManifestValue) throws(ManifestError) {
        let value = given ?? .absent("client", parent: parent)
        let map = try value.mapping(allowed: ["epochs", "batch", "lr", "momentum"])
        self.epochs = try map["epochs"]?.int(in: 1...1_000) ?? 1
        self.batch = try map["batch"]?.int(in: 1...4_096) ?? 32
        self.learningRate = try map["lr"]?.double("a learning rate > 0", where: { $0 > 0 }) ?? 0.05
        self.momentum = try map["momentum"]?.double("a momentum in [0, 1)", where: { $0 >= 0 && $0 < 1 }) ?? 0
    }
}

/// `evaluation:` — when the global model is tested, and on how much of the test split.
public struct EvaluationSection: Sendable, Encodable {
    /// Evaluate after every N server steps.
    public var everyAggregations: Int
    /// Also evaluate every T of simulated time (`nil`: only after steps).
    public var every: ManifestDuration?
    /// Test examples used (a seeded subset; `nil`: the whole split).
    public var testSubset: Int?

    private enum CodingKeys: String, CodingKey {
        case every
        case everyAggregations = "every_aggregations"
        case testSubset = "test_subset"
    }

    init(_ given: ManifestValue?, parent: ManifestValue) throws(ManifestError) {
        let value = given ?? .absent("evaluation", parent: parent)
        let map = try value.mapping(allowed: ["every_aggregations", "every", "test_subset"])
        self.everyAggregations = try map["every_aggregations"]?.int(in: 1...1_000_000) ?? 1
        self.every = try map["every"].map { (node) throws(ManifestError) in ManifestDuration(try node.duration()) }
        self.testSubset = try map["test_subset"]?.int(in: 1...Int.max) ?? 1_000
    }
}

/// `stop:` — when the run ends (whichever comes first; a run also ends when no device is left alive).
public struct StopSection: Sendable, Encodable {
    /// Test accuracy that ends the run (`nil`: none).
    public var targetAccuracy: Double?
    /// Simulated time that ends the run.
    public var maximumSimulatedTime: ManifestDuration
    /// Client updates received that end the run (`nil`: none).
    public var maximumUpdates: Int?
    /// Consecutive evaluations at or above the target that reach it (`nil`: 1); the target's time is the first
    /// of them, so one lucky evaluation on a small test subset does not end a run that has not converged.
    public var targetEvaluations: Int?

    /// A week.
    static let defaultMaximumSimulatedTime = SimTime.seconds(Int64(604_800))

    private enum CodingKeys: String, CodingKey {
        case targetAccuracy = "target_accuracy"
        case maximumSimulatedTime = "max_sim_time"
        case maximumUpdates = "max_updates"
        case targetEvaluations = "target_evaluations"
    }

    /// The largest `target_evaluations`.
    static let maximumTargetEvaluations = 1000

    init(_ given: ManifestValue?, parent: ManifestValue) throws(ManifestError) {
        let value = given ?? .absent("stop", parent: parent)
        let map = try value.mapping(allowed: ["target_accuracy", "max_sim_time", "max_updates", "target_evaluations"])
        self.targetAccuracy = try map["target_accuracy"]?.double("an accuracy in (0, 1]", where: { $0 > 0 && $0 <= 1 })
        self.maximumSimulatedTime = ManifestDuration(
            try map["max_sim_time"]?.duration() ?? Self.defaultMaximumSimulatedTime)
        self.maximumUpdates = try map["max_updates"]?.int(in: 1...Int.max)
        // Written to the resolved manifest only when given other than 1, so that other runs keep their ids.
        let evaluations = try map["target_evaluations"]?.int(in: 1...Self.maximumTargetEvaluations)
        self.targetEvaluations = evaluations == 1 ? nil : evaluations
    }

    /// Consecutive evaluations at or above the target that reach it.
    public var requiredTargetEvaluations: Int { self.targetEvaluations ?? 1 }
}

/// `traces:` — optional outputs.
public struct TracesSection: Sendable, Encodable {
    /// Write `events.csv` (one row per simulation event; large).
    public var events: Bool
    /// Write `partition.csv` (which training examples each device holds), for replaying the run elsewhere.
    public var partition: Bool
    /// Write `initial_weights.bin` (the run's starting global model, in the ``WeightsFile`` format).
    public var initialWeights: Bool

    private enum CodingKeys: String, CodingKey {
        case events, partition
        case initialWeights = "initial_weights"
    }

    init(_ given: ManifestValue?, parent: ManifestValue) throws(ManifestError) {
        let value = given ?? .absent("traces", parent: parent)
        let map = try value.mapping(allowed: ["events", "partition", "initial_weights"])
        self.events = try map["events"]?.bool() ?? false
        self.partition = try map["partition"]?.bool() ?? false
        self.initialWeights = try map["initial_weights"]?.bool() ?? false
    }

    /// Encodes `partition` and `initial_weights` only when on, so that the resolved manifests (and the run ids
    /// hashed from them) of manifests that do not ask for them stay what they were before these keys existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.events, forKey: .events)
        if self.partition { try container.encode(true, forKey: .partition) }
        if self.initialWeights { try container.encode(true, forKey: .initialWeights) }
    }
}
