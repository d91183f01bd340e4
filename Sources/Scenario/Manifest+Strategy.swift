// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// `strategy:` — the server's algorithm and its parameters.
public struct StrategySection: Sendable, Encodable {
    /// `fedavg`, `fedasync`, `fedbuff` or `ftte`.
    public var kind: String
    /// Asynchronous strategies: the most devices training at once (`nil`: the whole fleet).
    public var concurrency: Int?
    /// FedBuff and FTTE: updates per server step K.
    public var buffer: Int
    /// FedAsync: the mixing rate α.
    public var alpha: Double
    /// FedBuff and FTTE: the server learning rate η_g.
    public var serverLearningRate: Double
    /// The staleness-decay function.
    public var staleness: StalenessSection
    /// FTTE: the variance term g (`ftte`, `none`, `inverse-variance`, `exponential`).
    public var variance: String
    /// FTTE: β of the variance term.
    public var beta: Double
    /// How example counts weight updates (`equal`, `linear`, `sqrt`).
    public var examples: String
    /// FTTE: `buffer` (weights sum to 1 over the buffer) or `absolute` (keeps s(τ)'s damping).
    public var normalise: String
    /// FedBuff: divide the buffer's sum by `k` or, per element, by the number of `holders`.
    public var divisor: String
    /// FedAvg: the share of available devices whose updates close a round.
    public var cohortFraction: Double
    /// FedAvg: extra devices selected, as a share of the required count.
    public var overSelection: Double
    /// FedAvg: when a round closes regardless (`nil`: when all required updates arrived).
    public var roundDeadline: ManifestDuration?
    /// The sub-network each device trains.
    public var subnet: SubnetSection
    /// Differential privacy.
    public var privacy: PrivacySection

    private enum CodingKeys: String, CodingKey {
        case kind, concurrency, buffer, alpha, staleness, variance, beta, examples, normalise, divisor, subnet, privacy
        case serverLearningRate = "server_lr"
        case cohortFraction = "cohort_fraction"
        case overSelection = "over_selection"
        case roundDeadline = "round_deadline"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        let map = try value.mapping(allowed: [
            "kind", "concurrency", "buffer", "alpha", "server_lr", "staleness", "variance", "beta", "examples",
            "normalise", "divisor", "cohort_fraction", "over_selection", "round_deadline", "subnet", "privacy",
        ])
        self.kind = try map.require("kind", expected: "fedavg, fedasync, fedbuff or ftte").choice([
            "fedavg": "fedavg", "fedasync": "fedasync", "fedbuff": "fedbuff", "ftte": "ftte",
        ])
        self.concurrency = try map["concurrency"]?.int(in: 1...1_000_000)
        self.buffer = try map["buffer"]?.int(in: 1...100_000) ?? 10
        self.alpha = try map["alpha"]?.double("a mixing rate in (0, 1]", where: { $0 > 0 && $0 <= 1 }) ?? 0.6
        self.serverLearningRate = try map["server_lr"]?.double("a learning rate > 0", where: { $0 > 0 }) ?? 1
        self.staleness = try StalenessSection(
            map["staleness"] ?? .absent("staleness", parent: value), defaultFunction: "polynomial")
        self.variance =
            try map["variance"]?.choice([
                "ftte": "ftte", "none": "none", "inverse-variance": "inverse-variance", "exponential": "exponential",
            ]) ?? "ftte"
        self.beta = try map["beta"]?.double("a number ≥ 0", where: { $0 >= 0 }) ?? 1
        self.examples =
            try map["examples"]?.choice(["equal": "equal", "linear": "linear", "sqrt": "sqrt"])
            ?? (self.kind == "fedavg" ? "linear" : "equal")
        self.normalise = try map["normalise"]?.choice(["buffer": "buffer", "absolute": "absolute"]) ?? "buffer"
        self.divisor = try map["divisor"]?.choice(["k": "k", "holders": "holders"]) ?? "k"
        self.cohortFraction =
            try map["cohort_fraction"]?.double("a share in (0, 1]", where: { $0 > 0 && $0 <= 1 })
            ?? 0.1
        self.overSelection = try map["over_selection"]?.double("a number ≥ 0", where: { $0 >= 0 }) ?? 0
        self.roundDeadline = try map["round_deadline"].map { (node) throws(ManifestError) in
            ManifestDuration(try node.duration())
        }
        self.subnet = try SubnetSection(
            map["subnet"] ?? .absent("subnet", parent: value),
            defaultPolicy: self.kind == "ftte" ? "sparse-update" : "full")
        self.privacy = try PrivacySection(map["privacy"] ?? .absent("privacy", parent: value))
    }

    /// Whether the strategy is asynchronous (FedAsync, FedBuff, FTTE).
    public var isAsynchronous: Bool { self.kind != "fedavg" }
}

/// `strategy.staleness:` — s(τ).
public struct StalenessSection: Sendable, Encodable {
    /// `constant`, `polynomial`, `exponential`, `hinge` or `cutoff`.
    public var function: String
    /// polynomial: exponent a; hinge: slope a.
    public var a: Double?
    /// exponential: rate λ.
    public var lambda: Double?
    /// hinge: the staleness up to which updates count fully.
    public var b: Int?
    /// cutoff: the largest staleness kept.
    public var maximum: Int?

    private enum CodingKeys: String, CodingKey {
        case a, lambda, b
        case function = "fn"
        case maximum = "max"
    }

    init(_ value: ManifestValue, defaultFunction: String) throws(ManifestError) {
        let map = try value.mapping(allowed: ["fn", "a", "lambda", "b", "max"])
        self.function =
            try map["fn"]?.choice([
                "constant": "constant", "polynomial": "polynomial", "exponential": "exponential", "hinge": "hinge",
                "cutoff": "cutoff",
            ]) ?? defaultFunction
        let allowed: [String: Set<String>] = [
            "constant": [], "polynomial": ["a"], "exponential": ["lambda"], "hinge": ["a", "b"], "cutoff": ["max"],
        ]
        for key in map.values.keys.sorted() where key != "fn" && !(allowed[self.function]?.contains(key) ?? false) {
            throw map.values[key]!.error("does not apply to fn: \(self.function)")
        }
        switch self.function {
        case "polynomial":
            self.a = try map["a"]?.double("an exponent ≥ 0", where: { $0 >= 0 }) ?? 0.5
        case "exponential":
            self.lambda = try map["lambda"]?.double("a rate ≥ 0", where: { $0 >= 0 }) ?? 0.5
        case "hinge":
            self.a = try map["a"]?.double("a slope ≥ 0", where: { $0 >= 0 }) ?? 10
            self.b = try map["b"]?.int(in: 0...Int.max) ?? 4
        case "cutoff":
            self.maximum = try map.require("max", expected: "the largest staleness kept").int(in: 0...Int.max)
        default:
            break
        }
    }
}

/// `strategy.subnet:` — what each device trains.
public struct SubnetSection: Sendable, Encodable {
    /// `full`, `sparse-update`, `width`, `rolling` or `random-index`.
    public var policy: String
    /// The capacity ratio r ∈ (0, 1] (`width`, `rolling`, `random-index`; for `sparse-update` the share of
    /// each class's SRAM cap the shared sub-network may use is the cap itself, so r scales nothing there).
    public var capacityRatio: Double
    /// Where a device's frozen weights come from: `provisioned` (held from manufacture; every participation
    /// downloads only the sub-network's values) or `downloaded` (a device's first delivered download is the
    /// whole model, every tensor; later ones only the sub-network).
    public var frozenWeights: String

    private enum CodingKeys: String, CodingKey {
        case policy
        case capacityRatio = "capacity_ratio"
        case frozenWeights = "frozen_weights"
    }

    init(_ value: ManifestValue, defaultPolicy: String) throws(ManifestError) {
        let map = try value.mapping(allowed: ["policy", "capacity_ratio", "frozen_weights"])
        self.policy =
            try map["policy"]?.choice([
                "full": "full", "sparse-update": "sparse-update", "width": "width", "rolling": "rolling",
                "random-index": "random-index",
            ]) ?? defaultPolicy
        self.capacityRatio =
            try map["capacity_ratio"]?.double(
                "a capacity ratio in (0, 1]", where: { $0 > 0 && $0 <= 1 }) ?? 1
        self.frozenWeights =
            try map["frozen_weights"]?.choice(["provisioned": "provisioned", "downloaded": "downloaded"])
            ?? "provisioned"
    }
}

/// `strategy.privacy:` — client-level differential privacy.
public struct PrivacySection: Sendable, Encodable {
    /// `off`, `central` or `local`.
    public var mode: String
    /// The clipping norm C.
    public var clip: Double
    /// The noise multiplier σ.
    public var noiseMultiplier: Double
    /// δ of the reported (ε, δ).
    public var delta: Double

    private enum CodingKeys: String, CodingKey {
        case mode, clip, delta
        case noiseMultiplier = "noise_multiplier"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        let map = try value.mapping(allowed: ["mode", "clip", "noise_multiplier", "delta"])
        self.mode = try map["mode"]?.choice(["off": "off", "central": "central", "local": "local"]) ?? "off"
        self.clip = try map["clip"]?.double("a clipping norm > 0", where: { $0 > 0 }) ?? 1
        self.noiseMultiplier = try map["noise_multiplier"]?.double("a multiplier ≥ 0", where: { $0 >= 0 }) ?? 1
        self.delta = try map["delta"]?.double("a δ in (0, 1)", where: { $0 > 0 && $0 < 1 }) ?? 1e-5
    }
}
