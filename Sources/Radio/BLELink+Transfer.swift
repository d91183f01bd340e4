// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel

/// Which way application data moves on a link.
public enum LinkDirection: String, Hashable, Sendable {
    /// From the device to the network (a model update going up).
    case uplink
    /// From the network to the device (the global model coming down).
    case downlink
}

/// The outcome of moving a block of data over a BLE connection.
public struct BLETransfer: Hashable, Sendable {
    /// When the last fragment was acknowledged (or the attempt was given up).
    public var end: SimTime
    /// Whether every fragment was delivered.
    public var delivered: Bool
    /// Link-layer data exchanges, retransmissions included.
    public var exchanges: Int
    /// Exchanges that were lost and had to be repeated.
    public var retransmissions: Int
    /// Connection events used.
    public var connectionEvents: Int
    /// The device radio's time line over the transfer.
    public var activity: RadioActivityLog
}

extension BLELink {
    /// Moves `applicationBytes` of data in `direction`, starting at a connection event anchor `start`.
    ///
    /// Each fragment is sent in an exchange (the central speaks first, so the device listens, waits
    /// T_IFS, talks, waits T_IFS). With probability `packetErrorRate` the exchange fails (data or
    /// acknowledgement corrupted); the link layer then repeats the same fragment, and — as the Core
    /// specification's event-closing rules (Vol 6 Part B §4.5.6) make typical — the event closes and the
    /// repeat waits for the next anchor. The link layer retries until acknowledged; the transfer fails only
    /// when `maximumEvents` events pass first (a supervision-timeout stand-in).
    ///
    /// - Parameters:
    ///   - applicationBytes: octets of application data (≥ 0).
    ///   - direction: which side sends the data.
    ///   - start: the anchor point of the first connection event used.
    ///   - packetErrorRate: probability that one exchange fails, 0 ≤ p < 1.
    ///   - stream: the source of loss draws (the device's link-loss stream); untouched when p = 0.
    ///   - maximumEvents: connection events after which the transfer is abandoned.
    /// - Returns: The end time, counts and the device radio's activity (TX at ``transmitPowerDBm``).
    public func transfer(
        applicationBytes: Int,
        direction: LinkDirection,
        startingAt start: SimTime,
        packetErrorRate: Double = 0,
        stream: RandomStream? = nil,
        maximumEvents: Int = 1_000_000
    ) -> BLETransfer {
        precondition(applicationBytes >= 0, "a transfer moves a non-negative number of bytes")
        precondition((0..<1).contains(packetErrorRate), "the packet error rate must lie in [0, 1)")
        precondition(packetErrorRate == 0 || stream != nil, "lossy links need a random stream")
        var fragments: [Int] = []
        var remaining = applicationBytes
        while remaining > 0 {
            let chunk = Swift.min(remaining, self.applicationOctetsPerSDU)
            fragments.append(contentsOf: self.fragmentPayloadOctets(applicationOctets: chunk))
            remaining -= chunk
        }
        let emptyDuration = self.emptyPacketDuration
        var log = RadioActivityLog()
        var result = BLETransfer(
            end: start, delivered: fragments.isEmpty, exchanges: 0, retransmissions: 0, connectionEvents: 0,
            activity: log)
        var next = 0
        var anchor = start
        let cap = self.maxPacketsPerEvent ?? Int.max
        while next < fragments.count && result.connectionEvents < maximumEvents {
            result.connectionEvents += 1
            var time = anchor
            var packets = 0
            var eventOpen = true
            while eventOpen && next < fragments.count && packets < cap {
                let payload = fragments[next]
                let exchange = self.exchangeDuration(payloadOctets: payload)
                guard time + exchange <= anchor + self.connectionInterval else { break }
                let data = self.dataPacketDuration(payloadOctets: payload)
                // Central first: device receives (empty or data), gap, transmits (data or ACK), gap.
                let (first, second) = direction == .uplink ? (emptyDuration, data) : (data, emptyDuration)
                log.record(.receive, from: time, to: time + first)
                let talk = time + first + Self.interFrameSpace
                log.record(.idle, from: time + first, to: talk)
                log.record(.transmit(dBm: self.transmitPowerDBm), from: talk, to: talk + second)
                log.record(.idle, from: talk + second, to: talk + second + Self.interFrameSpace)
                time = time + exchange
                packets += 1
                result.exchanges += 1
                if packetErrorRate > 0, let stream, stream.bernoulli(packetErrorRate) {
                    result.retransmissions += 1
                    eventOpen = false
                } else {
                    next += 1
                }
            }
            result.end = time
            anchor = anchor + self.connectionInterval
        }
        result.delivered = next == fragments.count
        result.activity = log
        return result
    }
}
