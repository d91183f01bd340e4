// SPDX-License-Identifier: GPL-3.0-or-later

import Federation

/// The run's server: FedAvg's synchronous rounds or an asynchronous strategy, built from the manifest.
enum ServerState {
    /// FedAvg.
    case synchronous(SynchronousServer)
    /// FedAsync, FedBuff or FTTE.
    case asynchronous(AsynchronousServer)

    /// Builds the server the manifest's `strategy:` describes.
    ///
    /// - Throws: ``ManifestError`` at the key path the federation layer names.
    init(manifest: Manifest, setup: LearningSetup, file: String) throws(ManifestError) {
        let strategy = manifest.strategy
        let model = GlobalModel(layout: setup.model.layout, parameters: setup.initial)
        do {
            let privacy = try strategy.privacy.mechanism()
            let examples: ExampleCountWeighting =
                strategy.examples == "linear" ? .linear : strategy.examples == "sqrt" ? .squareRoot : .equal
            if strategy.kind == "fedavg" {
                self = .synchronous(
                    try SynchronousServer(
                        model: model,
                        selection: CohortSelection(
                            fraction: strategy.cohortFraction, overSelection: strategy.overSelection),
                        aggregator: FedAvgAggregator(weighting: examples), privacy: privacy,
                        fleetSize: manifest.devices.count))
                return
            }
            let staleness = Self.staleness(strategy.staleness)
            let rule: AsynchronousRule
            switch strategy.kind {
            case "fedasync":
                rule = .fedAsync(try FedAsyncAggregator(alpha: strategy.alpha, staleness: staleness))
            case "fedbuff":
                rule = .fedBuff(
                    try FedBuffAggregator(
                        bufferSize: strategy.buffer, serverLearningRate: strategy.serverLearningRate,
                        divisor: strategy.divisor == "holders" ? .holders : .k, staleness: staleness))
            default:
                let variance: VarianceWeighting
                switch strategy.variance {
                case "none": variance = .none
                case "inverse-variance": variance = .inverseVariance
                case "exponential": variance = .exponential(beta: strategy.beta)
                default: variance = .ftte(beta: strategy.beta)
                }
                rule = .ftte(
                    try FTTEAggregator(
                        bufferSize: strategy.buffer, serverLearningRate: strategy.serverLearningRate,
                        staleness: staleness, variance: variance, examples: examples,
                        normalisation: strategy.normalise == "absolute" ? .absolute : .buffer))
            }
            self = .asynchronous(
                try AsynchronousServer(
                    model: model, rule: rule, concurrency: strategy.concurrency ?? manifest.devices.count,
                    privacy: privacy))
        } catch {
            let path =
                error.keyPath.hasPrefix("strategy.") || error.keyPath.hasPrefix("devices.")
                ? error.keyPath : "strategy." + error.keyPath
            throw ManifestError(file: file, keyPath: path, message: "got \(error.value); expected \(error.expected)")
        }
    }

    /// The manifest's staleness section as the federation layer's function.
    static func staleness(_ section: StalenessSection) -> StalenessDecay {
        switch section.function {
        case "constant": .constant
        case "exponential": .exponential(lambda: section.lambda ?? 0.5)
        case "hinge": .hinge(a: section.a ?? 10, b: section.b ?? 4)
        case "cutoff": .cutoff(maximum: section.maximum ?? 0)
        default: .polynomial(a: section.a ?? 0.5)
        }
    }

    /// The global model.
    var model: GlobalModel {
        switch self {
        case .synchronous(let server): server.model
        case .asynchronous(let server): server.model
        }
    }

    /// The privacy ledger, when privacy is on.
    var privacyLedger: PrivacyLedger? {
        switch self {
        case .synchronous(let server): server.privacyLedger
        case .asynchronous(let server): server.privacyLedger
        }
    }
}

extension PrivacySection {
    /// The mechanism the section describes (`nil` when off).
    ///
    /// - Throws: ``FederationConfigurationError`` for a clip or multiplier out of range.
    func mechanism() throws(FederationConfigurationError) -> ClientPrivacy? {
        guard self.mode != "off" else { return nil }
        return try ClientPrivacy(
            mode: self.mode == "central" ? .central : .local, clipNorm: self.clip, noiseMultiplier: self.noiseMultiplier
        )
    }
}
