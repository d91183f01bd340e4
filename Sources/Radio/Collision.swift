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

    /// Whether the two frames overlap in time, on the same channel and spreading factor. Different
    /// spreading factors are treated as orthogonal (the LoRaSim assumption; their imperfect orthogonality
    /// is ignored).
    @inlinable
    public func interferes(with other: ReceivedFrame) -> Bool {
        self.frequencyHertz == other.frequencyHertz && self.spreadingFactor == other.spreadingFactor
            && self.start < other.end && other.start < self.end
    }

    /// Whether this frame survives every frame in `others` that interferes with it: it must be at least
    /// `captureThresholdDB` stronger than each of them (the capture effect). Two equally strong frames
    /// destroy each other.
    public func survives(
        _ others: some Sequence<ReceivedFrame>, captureThresholdDB: Double = LoRaReceiver.captureThresholdDB
    ) -> Bool {
        for other in others where other != self && self.interferes(with: other) {
            if self.powerDBm - other.powerDBm < captureThresholdDB { return false }
        }
        return true
    }
}
