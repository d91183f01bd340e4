// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel

extension BLELink {
    /// ADV_IND PDU: header 2 + AdvA 6 + AdvData up to 31 octets (Vol 6 Part B §2.3.1.1), sent on LE 1M.
    public static let advertisingPDUOctets = 2 + 6 + 31
    /// CONNECT_IND PDU: header 2 + InitA 6 + AdvA 6 + LLData 22 octets (Vol 6 Part B §2.3.3.1).
    public static let connectIndicationPDUOctets = 2 + 6 + 6 + 22
    /// transmitWindowDelay after CONNECT_IND on the LE 1M PHY: 1.25 ms (Vol 6 Part B §4.5.3).
    public static let transmitWindowDelay = SimTime.microseconds(1_250)
    /// A connection instant must be at least 6 events after the PHY update indication is sent
    /// (Vol 6 Part B §5.1.10 recommends the central allow six events).
    public static let phyUpdateInstantEvents = 6
    /// LL control PDUs of the set-up procedures carry at most 9 octets (LL_LENGTH_REQ: opcode + 8).
    public static let controlPayloadOctets = 9

    /// The connection events spent on set-up procedures before bulk data flows: ATT MTU exchange (request
    /// and response: 2 events) when the MTU is above 23, data length update (1 event) with DLE, and a PHY
    /// update (indication plus 6 events to the instant) when the PHY is not LE 1M.
    public var setupProcedureEvents: Int {
        (self.attMTU > Self.attMTURange.lowerBound ? 2 : 0) + (self.dataLengthExtension ? 1 : 0)
            + (self.phy == .le1M ? 0 : 1 + Self.phyUpdateInstantEvents)
    }

    /// The device radio's activity while it connects to a central that scans continuously, starting at
    /// `start` with the device's first advertisement, until the first anchor point at which application
    /// data can flow (returned as `end` of the log).
    ///
    /// Sequence: ADV_IND (1M), T_IFS, CONNECT_IND received, transmitWindowDelay to the first anchor,
    /// then ``setupProcedureEvents`` connection events each carrying one control exchange.
    public func setup(startingAt start: SimTime) -> (firstDataAnchor: SimTime, activity: RadioActivityLog) {
        var log = RadioActivityLog()
        let advertising = BLEPhy.le1M.packetDuration(pduOctets: Self.advertisingPDUOctets)
        let connect = BLEPhy.le1M.packetDuration(pduOctets: Self.connectIndicationPDUOctets)
        var time = start
        log.record(.transmit(dBm: self.transmitPowerDBm), from: time, to: time + advertising)
        time = time + advertising
        log.record(.receive, from: time, to: time + Self.interFrameSpace + connect)
        time = time + Self.interFrameSpace + connect + Self.transmitWindowDelay
        // Each procedure event: the device receives a control PDU and answers (an empty PDU stands in for the
        // short response), with T_IFS gaps as in a data exchange.
        let control = self.dataPacketDuration(payloadOctets: Self.controlPayloadOctets)
        let answer = self.emptyPacketDuration
        for _ in 0..<self.setupProcedureEvents {
            let talk = time + control + Self.interFrameSpace
            log.record(.receive, from: time, to: time + control)
            log.record(.idle, from: time + control, to: talk)
            log.record(.transmit(dBm: self.transmitPowerDBm), from: talk, to: talk + answer)
            time = time + self.connectionInterval
        }
        return (time, log)
    }

    /// The device radio's receive and transmit time while a connection idles for `duration`: one exchange of
    /// empty PDUs every `peripheralLatency + 1` connection events (Vol 6 Part B §4.5.1: a peripheral may skip
    /// up to `peripheralLatency` events when it has nothing to send).
    ///
    /// - Returns: Time spent receiving (the central's empty PDU) and transmitting (the device's empty PDU).
    public func idleConnectionRadioTime(over duration: SimTime, peripheralLatency: Int = 0) -> (
        receive: SimTime, transmit: SimTime
    ) {
        precondition(peripheralLatency >= 0, "peripheral latency is a non-negative number of events")
        let period = self.connectionInterval.nanoseconds * Int64(peripheralLatency + 1)
        let events = duration.nanoseconds / period
        return (self.emptyPacketDuration * events, self.emptyPacketDuration * events)
    }
}
