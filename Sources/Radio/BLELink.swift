// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A Bluetooth LE connection between a device and its central (phone or gateway): the parameters that
/// decide how fast application data moves and how long the radio is on.
///
/// Application data travels as ATT PDUs of at most `ATT_MTU` octets (3-octet ATT header, so
/// `ATT_MTU − 3` octets of data each) inside L2CAP basic frames (4-octet header), which the link layer
/// cuts into PDUs of at most 27 octets of payload, or 251 with the data length extension (DLE).
public struct BLELink: Hashable, Sendable {
    /// The connection interval's unit, 1.25 ms (Core v5.x Vol 6 Part B §4.5.1: `connInterval` = n × 1.25 ms).
    public static let intervalStep = SimTime.microseconds(1_250)
    /// Shortest connection interval, 7.5 ms (n = 6).
    public static let minimumInterval = SimTime.microseconds(7_500)
    /// Longest connection interval, 4 s (n = 3200).
    public static let maximumInterval = SimTime.milliseconds(4_000)
    /// The inter-frame space between packets of a connection event, 150 µs (Vol 6 Part B §4.1.1).
    public static let interFrameSpace = SimTime.microseconds(150)
    /// Largest LL payload without the data length extension (Vol 6 Part B §4.5.10, `connInitialMaxTxOctets`).
    public static let basicPayloadOctets = 27
    /// Largest LL payload with the data length extension.
    public static let extendedPayloadOctets = 251
    /// Smallest and largest ATT_MTU (Vol 3 Part F §3.2.8: default 23; attribute values are at most 512
    /// octets, so an MTU above 517 = 512 + 5 carries nothing more).
    public static let attMTURange = 23...517
    /// The ATT header of a notification or write command: opcode 1 + handle 2 octets (Vol 3 Part F §3.4.7).
    public static let attHeaderOctets = 3
    /// The L2CAP basic frame header: length 2 + channel id 2 octets (Vol 3 Part A §3.1).
    public static let l2capHeaderOctets = 4

    /// The physical layer.
    public var phy: BLEPhy
    /// The connection interval (7.5 ms … 4 s, a multiple of 1.25 ms).
    public var connectionInterval: SimTime
    /// The negotiated ATT_MTU in octets.
    public var attMTU: Int
    /// Whether the data length extension is in use (LL payloads up to 251 octets instead of 27).
    public var dataLengthExtension: Bool
    /// Whether the link is encrypted (every non-empty PDU carries a 4-octet MIC).
    public var encrypted: Bool
    /// The most data packets the stacks exchange per connection event, if they cap it.
    public var maxPacketsPerEvent: Int?
    /// The device's transmit power (0 dBm is the default of common SoCs such as the nRF52 series).
    public var transmitPowerDBm: Int

    /// Creates a validated link description.
    ///
    /// - Throws: ``RadioParameterError`` when the interval is outside 7.5 ms … 4 s or not a multiple of
    ///   1.25 ms, the ATT_MTU is outside 23…517, or the packet cap is below 1.
    public init(
        phy: BLEPhy,
        connectionInterval: SimTime,
        attMTU: Int = 247,
        dataLengthExtension: Bool = true,
        encrypted: Bool = false,
        maxPacketsPerEvent: Int? = nil,
        transmitPowerDBm: Int = 0
    ) throws(RadioParameterError) {
        guard connectionInterval >= Self.minimumInterval, connectionInterval <= Self.maximumInterval,
            connectionInterval.nanoseconds % Self.intervalStep.nanoseconds == 0
        else {
            throw RadioParameterError(
                parameter: "connection interval", value: "\(connectionInterval.milliseconds) ms",
                expected: "7.5 ms … 4000 ms in steps of 1.25 ms")
        }
        guard Self.attMTURange.contains(attMTU) else {
            throw RadioParameterError(parameter: "ATT_MTU", value: "\(attMTU) octets", expected: "23…517 octets")
        }
        if let cap = maxPacketsPerEvent, cap < 1 {
            throw RadioParameterError(
                parameter: "packets per connection event", value: String(cap), expected: "at least 1")
        }
        self.phy = phy
        self.connectionInterval = connectionInterval
        self.attMTU = attMTU
        self.dataLengthExtension = dataLengthExtension
        self.encrypted = encrypted
        self.maxPacketsPerEvent = maxPacketsPerEvent
        self.transmitPowerDBm = transmitPowerDBm
    }

    /// The largest LL data payload: 251 octets with DLE, 27 without.
    @inlinable
    public var linkLayerPayloadOctets: Int {
        self.dataLengthExtension ? Self.extendedPayloadOctets : Self.basicPayloadOctets
    }

    /// Application octets carried by one full ATT PDU: `ATT_MTU − 3`.
    @inlinable
    public var applicationOctetsPerSDU: Int { self.attMTU - Self.attHeaderOctets }

    /// The LL payload lengths of the fragments of one L2CAP frame carrying `applicationOctets` of data.
    public func fragmentPayloadOctets(applicationOctets: Int) -> [Int] {
        var remaining = applicationOctets + Self.attHeaderOctets + Self.l2capHeaderOctets
        var fragments: [Int] = []
        while remaining > 0 {
            let length = Swift.min(remaining, self.linkLayerPayloadOctets)
            fragments.append(length)
            remaining -= length
        }
        return fragments
    }

    /// The duration of a data packet with `payloadOctets` of LL payload (MIC included when encrypted).
    @inlinable
    public func dataPacketDuration(payloadOctets: Int) -> SimTime {
        let mic = self.encrypted && payloadOctets > 0 ? BLEPhy.micOctets : 0
        return self.phy.packetDuration(pduOctets: BLEPhy.dataHeaderOctets + payloadOctets + mic)
    }

    /// The duration of an empty PDU (the acknowledgement; empty PDUs carry no MIC, Vol 6 Part E §1).
    @inlinable
    public var emptyPacketDuration: SimTime { self.phy.packetDuration(pduOctets: BLEPhy.dataHeaderOctets) }

    /// One exchange: data packet, T_IFS, empty acknowledgement, T_IFS.
    @inlinable
    public func exchangeDuration(payloadOctets: Int) -> SimTime {
        self.dataPacketDuration(payloadOctets: payloadOctets) + Self.interFrameSpace + self.emptyPacketDuration
            + Self.interFrameSpace
    }
}
