// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// One LoRa frame as a gateway hears it: when, where in the spectrum, and how strong.
@frozen
public struct ReceivedFrame: Hashable, Sendable {
    /// Start of the frame at the receiver.
    public var start: SimTime
    /// End of the frame (exclusive).
    public var end: SimTime
    /// The channel's centre frequency in hertz.
    public var frequencyHertz: Int
    /// The spreading factor.
    public var spreadingFactor: SpreadingFactor
    /// The received power in dBm.
    public var powerDBm: Double

    /// Creates a frame.
    public init(
        start: SimTime, end: SimTime, frequencyHertz: Int, spreadingFactor: SpreadingFactor, powerDBm: Double
    ) {
        self.start = start
        self.end = end
        self.frequencyHertz = frequencyHertz
        self.spreadingFactor = spreadingFactor
        self.powerDBm = powerDBm
    }

    /// Whether the two frames overlap in time on the same channel.
    @inlinable
    public func overlaps(_ other: ReceivedFrame) -> Bool {
        self.frequencyHertz == other.frequencyHertz && self.start < other.end && other.start < self.end
    }

    /// Whether this frame survives every other frame in `others` that overlaps it: under `model` it must be
    /// stronger than each by the SIR the pair of spreading factors needs. With the standard model (different
    /// SFs orthogonal, 6 dB capture on the same SF) two equally strong same-SF frames destroy each other.
    public func survives(
        _ others: some Sequence<ReceivedFrame>, model: LoRaInterferenceModel = .standard
    ) -> Bool {
        for other in others where other != self && self.overlaps(other) {
            guard let sir = model.requiredSIR(wanted: self.spreadingFactor, interferer: other.spreadingFactor) else {
                continue
            }
            if self.powerDBm - other.powerDBm < sir { return false }
        }
        return true
    }
}
