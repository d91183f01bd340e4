// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Log-distance path loss with log-normal shadowing:
/// `PL(d) = PL(d0) + 10 · n · log10(d / d0) + X_σ`, with `X_σ ~ N(0, σ²)` in dB.
///
/// Shadowing belongs to the place: obstacles between a device and a gateway stay put, so a network draws
/// `X_σ` once per (device, gateway) link (``shadowingDB(stream:)``) and keeps it; a badly placed device
/// stays badly placed however often it retries. Optional per-frame fading (``fadingSigmaDB``, a fresh
/// `N(0, σ_f²)` draw for every frame, 0 by default) models what does change between frames (people,
/// vehicles, foliage in wind).
///
/// The defaults are the LoRa measurements of Bor, Roedig, Voigt and Alonso, "Do LoRa low-power wide-area
/// networks scale?" (ACM MSWiM 2016, the LoRaSim model): `d0 = 40 m`, `PL(d0) = 127.41 dB`, `n = 2.08`,
/// `σ = 3.57 dB`, measured at 868 MHz in a built-up area.
public struct LogDistancePathLoss: Hashable, Sendable {
    /// Reference distance `d0` in metres.
    public var referenceDistanceMeters: Double
    /// Mean path loss at the reference distance, in dB.
    public var referenceLossDB: Double
    /// Path-loss exponent `n`.
    public var exponent: Double
    /// Standard deviation of the shadowing term, in dB (0 for none): drawn once per link.
    public var shadowingSigmaDB: Double
    /// Standard deviation of the per-frame fading term, in dB (0, the default, for none): drawn per frame
    /// on top of the link's shadowing.
    public var fadingSigmaDB: Double

    /// Creates a model.
    ///
    /// - Throws: ``RadioParameterError`` when the reference distance or exponent is not positive, or a σ is
    ///   negative.
    public init(
        referenceDistanceMeters: Double = 40, referenceLossDB: Double = 127.41, exponent: Double = 2.08,
        shadowingSigmaDB: Double = 3.57, fadingSigmaDB: Double = 0
    ) throws(RadioParameterError) {
        guard referenceDistanceMeters > 0, referenceDistanceMeters.isFinite else {
            throw RadioParameterError(
                parameter: "reference distance", value: "\(referenceDistanceMeters) m", expected: "a positive distance")
        }
        guard exponent > 0, exponent.isFinite else {
            throw RadioParameterError(
                parameter: "path-loss exponent", value: "\(exponent)", expected: "a positive number")
        }
        guard shadowingSigmaDB >= 0, shadowingSigmaDB.isFinite else {
            throw RadioParameterError(
                parameter: "shadowing sigma", value: "\(shadowingSigmaDB) dB", expected: "a non-negative number of dB")
        }
        guard fadingSigmaDB >= 0, fadingSigmaDB.isFinite else {
            throw RadioParameterError(
                parameter: "fading sigma", value: "\(fadingSigmaDB) dB", expected: "a non-negative number of dB")
        }
        self.referenceDistanceMeters = referenceDistanceMeters
        self.referenceLossDB = referenceLossDB
        self.exponent = exponent
        self.shadowingSigmaDB = shadowingSigmaDB
        self.fadingSigmaDB = fadingSigmaDB
    }

    /// The LoRaSim defaults (Bor et al. 2016).
    public static let loRaSim = try! LogDistancePathLoss()

    /// The mean path loss at `distanceMeters` (no shadowing), in dB.
    public func meanLossDB(distanceMeters: Double) -> Double {
        self.referenceLossDB + 10 * self.exponent * log10(distanceMeters / self.referenceDistanceMeters)
    }

    /// A path loss with a fresh shadowing draw from `stream`, in dB: the loss of one new link.
    ///
    /// - Returns: ``meanLossDB(distanceMeters:)`` plus ``shadowingDB(stream:)``.
    public func lossDB(distanceMeters: Double, stream: RandomStream) -> Double {
        self.meanLossDB(distanceMeters: distanceMeters) + self.shadowingDB(stream: stream)
    }

    /// One link's shadowing, `N(0, σ²)` dB, drawn from `stream` (no draw when σ = 0).
    ///
    /// - Returns: The shadowing in dB.
    public func shadowingDB(stream: RandomStream) -> Double {
        self.shadowingSigmaDB > 0 ? stream.normal(mean: 0, standardDeviation: self.shadowingSigmaDB) : 0
    }

    /// One frame's fading, `N(0, σ_f²)` dB, drawn from `stream` (no draw when σ_f = 0).
    ///
    /// - Returns: The fading in dB.
    public func fadingDB(stream: RandomStream) -> Double {
        self.fadingSigmaDB > 0 ? stream.normal(mean: 0, standardDeviation: self.fadingSigmaDB) : 0
    }

    /// The distance at which the mean loss equals `lossDB`: the inverse of ``meanLossDB(distanceMeters:)``.
    public func distanceMeters(meanLossDB lossDB: Double) -> Double {
        self.referenceDistanceMeters * pow(10, (lossDB - self.referenceLossDB) / (10 * self.exponent))
    }
}
