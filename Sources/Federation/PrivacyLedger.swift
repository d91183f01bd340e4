// SPDX-License-Identifier: GPL-3.0-or-later

/// What a run has spent of its privacy budget, in the terms of its ``PrivacyMode``.
///
/// - `central`: one entry per released server step with the sampling rate q the strategy used in it; ε is the
///   subsampled-Gaussian RDP of all steps composed (``RDPAccountant``). The accountant assumes Poisson
///   sampling with probability q, while FedAvg selects a fixed-size cohort uniformly without replacement from
///   the devices available; the Poisson analysis is the customary approximation (as in McMahan et al. 2018
///   and dp-accounting's DP-FedAvg examples), not a proof for fixed-size sampling.
/// - `local`: each client's participations (updates it released to the server). Each is a Gaussian mechanism
///   with RDP α·Δ²/(2s²) = α/(2σ²) (Δ = 2C, s = σ·2C), composed over the client's own participations without
///   amplification; ε is the largest over clients, i.e. the client with the most participations.
///
/// ε is the user-level guarantee against an observer of everything the server releases (`central`) or
/// of every update a client sends (`local`).
public struct PrivacyLedger: Hashable, Sendable {
    /// The mechanism accounted for.
    public let privacy: ClientPrivacy
    /// `central`: released steps per sampling rate.
    public private(set) var stepsBySamplingRate: [Double: Int] = [:]
    /// `local`: participations per client id.
    public private(set) var participations: [Int: Int] = [:]

    /// Creates an empty ledger.
    ///
    /// - Parameter privacy: The mechanism.
    public init(privacy: ClientPrivacy) { self.privacy = privacy }

    /// Records one released central step in which each client took part with probability `samplingRate`.
    mutating func recordStep(samplingRate: Double) {
        self.stepsBySamplingRate[samplingRate, default: 0] += 1
    }

    /// Records one update that `client` released.
    mutating func recordParticipation(of client: Int) {
        self.participations[client, default: 0] += 1
    }

    /// Central steps released so far.
    public var steps: Int { self.stepsBySamplingRate.values.reduce(0, +) }

    /// The most participations of any client.
    public var maximumParticipations: Int { self.participations.values.max() ?? 0 }

    /// ε at `delta` for what the ledger holds (0 when nothing was released; +∞ with σ = 0).
    ///
    /// - Parameters:
    ///   - delta: δ ∈ (0, 1) (`strategy.privacy.delta`).
    ///   - accountant: The orders and conversion.
    /// - Returns: ε.
    /// - Throws: ``FederationConfigurationError`` for δ outside (0, 1).
    public func epsilon(delta: Double, accountant: RDPAccountant = RDPAccountant()) throws(FederationConfigurationError)
        -> Double
    {
        switch self.privacy.mode {
        case .central:
            let steps = self.stepsBySamplingRate.sorted { $0.key < $1.key }.map {
                (samplingRate: $0.key, count: $0.value)
            }
            return try accountant.epsilon(
                composing: steps, noiseMultiplier: self.privacy.noiseMultiplier, delta: delta
            ).epsilon
        case .local:
            return try Self.localEpsilon(
                participations: self.maximumParticipations, privacy: self.privacy, delta: delta, accountant: accountant)
        }
    }

    /// ε of one client after `participations` local-mode releases: Σ α·Δ²/(2s²) over them, converted.
    ///
    /// - Parameters:
    ///   - participations: k ≥ 0.
    ///   - privacy: The mechanism (its Δ and s are used whatever its mode).
    ///   - delta: δ ∈ (0, 1).
    ///   - accountant: The orders and conversion.
    /// - Returns: ε (0 for k = 0).
    /// - Throws: ``FederationConfigurationError`` for δ outside (0, 1).
    public static func localEpsilon(
        participations: Int, privacy: ClientPrivacy, delta: Double, accountant: RDPAccountant = RDPAccountant()
    ) throws(FederationConfigurationError) -> Double {
        let k = Double(Swift.max(0, participations))
        return try accountant.epsilon(delta: delta) { alpha in
            k == 0
                ? 0
                : k
                    * RDPAccountant.gaussianRDP(
                        sensitivity: privacy.sensitivity, standardDeviation: privacy.noiseStandardDeviation,
                        order: alpha)
        }.epsilon
    }
}
