// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a LoRa receiver can demodulate: thermal noise, its noise figure, and the SNR each spreading
/// factor needs.
public struct LoRaReceiver: Hashable, Sendable {
    /// Thermal noise density at 290 K: −174 dBm/Hz.
    public static let thermalNoiseDBmPerHertz = -174.0
    /// The SX1276's noise figure used for its sensitivity table: 6 dB (datasheet §5.5.5, AN1200.22).
    public static let sx1276NoiseFigureDB = 6.0
    /// Capture threshold: a frame survives a same-SF, same-channel overlap when it is at least 6 dB stronger
    /// than the interferer (Bor et al., MSWiM 2016, after Rahmadhani & Kuipers' and Semtech's measurements).
    public static let captureThresholdDB = 6.0

    /// The receiver's noise figure in dB.
    public var noiseFigureDB: Double

    /// Creates a receiver with the given noise figure (the SX1276's 6 dB by default).
    public init(noiseFigureDB: Double = LoRaReceiver.sx1276NoiseFigureDB) {
        self.noiseFigureDB = noiseFigureDB
    }

    /// The minimum SNR for demodulation at each spreading factor (SX1276 datasheet Table 13):
    /// SF6 −5, SF7 −7.5, SF8 −10, SF9 −12.5, SF10 −15, SF11 −17.5, SF12 −20 dB.
    public static func demodulationFloorDB(_ sf: SpreadingFactor) -> Double {
        -5 - 2.5 * Double(sf.rawValue - 6)
    }

    /// The noise power in the channel: `−174 + 10·log10(BW) + NF` dBm.
    public func noiseFloorDBm(_ bandwidth: LoRaBandwidth) -> Double {
        Self.thermalNoiseDBmPerHertz + 10 * log10(Double(bandwidth.hertz)) + self.noiseFigureDB
    }

    /// The sensitivity: the weakest signal that can be demodulated, `noise floor + SNR floor` dBm
    /// (−137 dBm at SF12/125 kHz, as the SX1276 datasheet lists).
    public func sensitivityDBm(_ sf: SpreadingFactor, _ bandwidth: LoRaBandwidth) -> Double {
        self.noiseFloorDBm(bandwidth) + Self.demodulationFloorDB(sf)
    }

    /// Whether a signal received at `powerDBm` can be demodulated (interference aside).
    public func canDemodulate(powerDBm: Double, _ sf: SpreadingFactor, _ bandwidth: LoRaBandwidth) -> Bool {
        powerDBm >= self.sensitivityDBm(sf, bandwidth)
    }
}
