// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel

/// A downlink the network decided to send in one of a device's receive windows.
struct PlannedDownlink {
    var gateway: Int
    var start: SimTime
    var airtime: SimTime
    var applicationBytes: Int
    var spreadingFactor: SpreadingFactor
    var bandwidth: LoRaBandwidth
}

extension LoRaWANNetwork {
    /// A frame without FPort and payload (an acknowledgement): MHDR 1 + FHDR 7 + MIC 4 = 12 bytes.
    static let emptyFrameBytes = 12

    // MARK: Uplink scheduling

    /// Picks the channel and start time of the device's next frame and schedules its start.
    mutating func scheduleNextFrame(device: Int, notBefore time: SimTime) -> ScheduledRadioEvent? {
        guard let transfer = self.devices[device].transfer else { return nil }
        let region = self.configuration.region
        let bytes = transfer.direction == .uplink ? transfer.fragments[transfer.nextFragment] : 0
        let airtime = region.frameAirtime(
            applicationBytes: bytes, dataRate: self.devices[device].dataRate, direction: .uplink)
        var start = time
        if let ledger = self.devices[device].fairUse {
            guard let allowed = ledger.earliestUplink(airtime: airtime, notBefore: time) else {
                // A single frame longer than a day's allowance can never be sent.
                return self.finish(device: device, delivered: false, at: time)
            }
            start = allowed
        }
        // Earliest opening over the channels; a random one among those open earliest (LoRaMac-node style).
        var earliest = SimTime.max
        var ties = 0
        for channel in self.configuration.uplinkChannelsHertz.indices {
            guard let open = self.channelOpening(device: device, channel: channel, airtime: airtime, notBefore: start)
            else { continue }
            if open < earliest {
                earliest = open
                ties = 1
            } else if open == earliest {
                ties += 1
            }
        }
        // No channel can ever carry the frame: it costs more than a whole duty-cycle window's credit.
        guard ties > 0 else { return self.finish(device: device, delivered: false, at: time) }
        var pick = ties == 1 ? 0 : self.devices[device].stream.integer(below: ties)
        var channel = 0
        for candidate in self.configuration.uplinkChannelsHertz.indices
        where self.channelOpening(device: device, channel: candidate, airtime: airtime, notBefore: start) == earliest {
            if pick == 0 {
                channel = candidate
                break
            }
            pick -= 1
        }
        if let ledger = self.devices[device].fairUse,
            let allowed = ledger.earliestUplink(airtime: airtime, notBefore: earliest), allowed != earliest
        {
            // The duty-cycle wait crossed into a day with no allowance left; try again from there.
            return self.scheduleNextFrame(device: device, notBefore: allowed)
        }
        self.devices[device].frame = PlannedFrame(
            channel: channel, start: earliest, airtime: airtime, applicationBytes: bytes)
        return ScheduledRadioEvent(event: self.event(.frameStart, device: device), time: earliest)
    }

    /// When `channel` is open to a frame of `airtime` from the device at or after `time` (its sub-band's
    /// duty cycle); `nil` when it never will be.
    func channelOpening(device: Int, channel: Int, airtime: SimTime, notBefore time: SimTime) -> SimTime? {
        guard let subBand = self.channelSubBands[channel] else { return time }
        return self.devices[device].dutyCycle.earliestStart(subBand: subBand, airtime: airtime, notBefore: time)
    }

    /// An event of the device's current transfer.
    func event(_ kind: LoRaWANEvent.Kind, device: Int) -> LoRaWANEvent {
        LoRaWANEvent(kind: kind, device: Int32(device), transfer: Int32(self.devices[device].transfer?.id ?? -1))
    }

    /// The path loss of the device's link to `gateway` for one frame: the mean loss at its distance, the
    /// link's persistent shadowing, and a fresh fading draw when fading is configured.
    func linkLossDB(device: Int, gateway: Int) -> Double {
        let state = self.devices[device]
        let pathLoss = self.configuration.pathLoss
        return pathLoss.meanLossDB(distanceMeters: state.configuration.gatewayDistancesMeters[gateway])
            + state.shadowingDB[gateway] + pathLoss.fadingDB(stream: state.stream)
    }

    /// The frame goes on the air: it now interferes with others on its channel.
    mutating func frameStarted(device: Int, now: SimTime) -> ScheduledRadioEvent? {
        guard let frame = self.devices[device].frame else { return nil }
        let end = frame.start + frame.airtime
        let transmitPowerDBm = self.devices[device].configuration.transmitPowerDBm
        let dataRate = self.devices[device].dataRate
        let sensitivity = self.configuration.receiver.sensitivityDBm(dataRate.spreadingFactor, dataRate.bandwidth)
        var powers: [Double] = []
        powers.reserveCapacity(self.configuration.gatewayCount)
        var locked: UInt64 = 0
        for gateway in 0..<self.configuration.gatewayCount {
            let power = Double(transmitPowerDBm) - self.linkLossDB(device: device, gateway: gateway)
            powers.append(power)
            guard let paths = self.configuration.demodulatorsPerGateway else { continue }
            // A gateway locks onto a frame it can hear when one of its demodulators is free.
            guard power >= sensitivity else { continue }
            self.gateways[gateway].demodulating.removeAll { $0 <= frame.start }
            if self.gateways[gateway].demodulating.count < paths {
                self.gateways[gateway].demodulating.append(end)
                locked |= 1 << UInt64(gateway)
            }
        }
        if self.configuration.demodulatorsPerGateway == nil { locked = .max }
        let horizon = now - self.maximumFrameAirtime
        self.channelFrames[frame.channel].removeAll { $0.end <= horizon }
        self.channelFrames[frame.channel].append(
            AirFrame(
                device: Int32(device), start: frame.start, end: end, spreadingFactor: dataRate.spreadingFactor,
                bandwidth: dataRate.bandwidth, powersDBm: powers, lockedGateways: locked))
        if let subBand = self.channelSubBands[frame.channel] {
            self.devices[device].dutyCycle.record(subBand: subBand, start: frame.start, airtime: frame.airtime)
        }
        self.devices[device].fairUse?.recordUplink(airtime: frame.airtime, at: frame.start)
        self.devices[device].transfer?.uplinkFrames += 1
        self.devices[device].transfer?.uplinkAirtime += frame.airtime
        self.devices[device].log.record(
            .transmit(dBm: transmitPowerDBm), from: frame.start, to: end)
        return ScheduledRadioEvent(event: self.event(.frameEnd, device: device), time: end)
    }

    // MARK: Reception

    /// The gateways that decoded the device's frame that just ended, strongest first.
    mutating func gatewaysReceiving(device: Int, frame: PlannedFrame) -> [Int] {
        let end = frame.start + frame.airtime
        let burstLost = self.devices[device].burstLost()
        guard !burstLost,
            let mine = self.channelFrames[frame.channel].last(where: { $0.device == Int32(device) && $0.end == end })
        else { return [] }
        let rate = self.devices[device].dataRate
        let sensitivity = self.configuration.receiver.sensitivityDBm(rate.spreadingFactor, rate.bandwidth)
        var received: [(gateway: Int, power: Double)] = []
        for gateway in 0..<self.configuration.gatewayCount {
            let power = mine.powersDBm[gateway]
            guard power >= sensitivity, mine.lockedGateways & (1 << UInt64(gateway)) != 0 else { continue }
            guard !self.gateways[gateway].isTransmitting(overlapping: mine.start, mine.end) else { continue }
            var captured = true
            for other in self.channelFrames[frame.channel]
            where other.device != mine.device && other.bandwidth == mine.bandwidth && other.start < mine.end
                && mine.start < other.end
            {
                guard
                    let sir = self.configuration.interference.requiredSIR(
                        wanted: mine.spreadingFactor, interferer: other.spreadingFactor)
                else { continue }
                if power - other.powersDBm[gateway] < sir {
                    captured = false
                    break
                }
            }
            if captured { received.append((gateway, power)) }
        }
        return received.sorted { $0.power > $1.power || ($0.power == $1.power && $0.gateway < $1.gateway) }.map(
            \.gateway)
    }

    // MARK: Downlink windows

    /// Finds a gateway and window for a downlink of `applicationBytes` (`nil`: an acknowledgement without
    /// FPort) after an uplink ending at `uplinkEnd`, and books its transmitter and duty cycle.
    mutating func planDownlink(
        device: Int, frame: PlannedFrame, uplinkEnd: SimTime, gateways: [Int], applicationBytes: Int?
    ) -> (window: Int, downlink: PlannedDownlink)? {
        let region = self.configuration.region
        let uplinkRate = self.devices[device].dataRate
        let rx1Rate = region.rx1DataRateIndex(uplink: uplinkRate.index, offset: self.configuration.rx1DataRateOffset)
        let uplinkHertz = self.configuration.uplinkChannelsHertz[frame.channel]
        let windows: [(delay: SimTime, rate: Int, subBand: Int?)] = [
            (
                LoRaWANRegion.receiveDelay1, rx1Rate,
                self.configuration.enforcesDutyCycle
                    ? SubBand.eu868.firstIndex {
                        let hertz = self.configuration.rx1FrequencyHertz(uplinkHertz: uplinkHertz)
                        return $0.lowerHertz <= hertz && hertz < $0.upperHertz
                    } : nil
            ),
            (LoRaWANRegion.receiveDelay2, self.configuration.rx2DataRateIndex, self.channelSubBands.last ?? nil),
        ]
        if let ledger = self.devices[device].fairUse, !ledger.allowsDownlink(at: uplinkEnd) { return nil }
        for (number, window) in windows.enumerated() {
            guard let rate = region.dataRate(window.rate) else { continue }
            let bytes: Int
            let phyBytes: Int
            if let applicationBytes {
                bytes = Swift.min(applicationBytes, rate.maximumApplicationPayloadBytes)
                phyBytes = bytes + LoRaWANRegion.frameOverheadBytes
            } else {
                bytes = 0
                phyBytes = Self.emptyFrameBytes
            }
            let airtime = region.phy(rate, direction: .downlink).timeOnAir(payloadBytes: phyBytes)
            let start = uplinkEnd + window.delay
            for gateway in gateways {
                let state = self.gateways[gateway]
                if state.isTransmitting(overlapping: start, start + airtime) { continue }
                if let subBand = window.subBand,
                    state.dutyCycle.earliestStart(subBand: subBand, airtime: airtime, notBefore: start) != start
                {
                    continue
                }
                if let subBand = window.subBand {
                    self.gateways[gateway].dutyCycle.record(subBand: subBand, start: start, airtime: airtime)
                }
                let horizon = uplinkEnd - self.maximumFrameAirtime
                self.gateways[gateway].transmissions.removeAll { $0.end <= horizon }
                self.gateways[gateway].transmissions.append((start, start + airtime))
                self.devices[device].fairUse?.recordDownlink(at: start)
                return (
                    number + 1,
                    PlannedDownlink(
                        gateway: gateway, start: start, airtime: airtime, applicationBytes: bytes,
                        spreadingFactor: rate.spreadingFactor, bandwidth: rate.bandwidth)
                )
            }
        }
        return nil
    }

    /// An empty receive window's length: ``LoRaWANNetworkConfiguration/receiveWindowSymbols`` symbols.
    func emptyWindow(rateIndex: Int) -> SimTime {
        guard let rate = self.configuration.region.dataRate(rateIndex) else { return .zero }
        return self.configuration.region.phy(rate, direction: .downlink).symbolDuration
            * Int64(self.configuration.receiveWindowSymbols)
    }

    // MARK: End of an uplink

    /// The uplink ended: decide reception, downlink and receive windows, then the next step of the transfer.
    mutating func frameEnded(device: Int) -> ScheduledRadioEvent? {
        guard let frame = self.devices[device].frame, var transfer = self.devices[device].transfer else { return nil }
        self.devices[device].frame = nil
        let end = frame.start + frame.airtime
        let receivers = self.gatewaysReceiving(device: device, frame: frame)
        let confirmed = transfer.direction == .uplink && self.devices[device].configuration.confirmedUplinks
        let wantsData = transfer.direction == .downlink && transfer.remainingDownlinkBytes > 0
        var downlink: (window: Int, downlink: PlannedDownlink)?
        if !receivers.isEmpty && (confirmed || wantsData) {
            downlink = self.planDownlink(
                device: device, frame: frame, uplinkEnd: end, gateways: receivers,
                applicationBytes: wantsData ? transfer.remainingDownlinkBytes : nil)
        }
        // Does the device decode the downlink?
        var decoded = false
        if let (_, planned) = downlink {
            transfer.downlinkFrames += 1
            transfer.downlinkAirtime += planned.airtime
            // The link is reciprocal: the downlink sees the same shadowing as the uplink.
            let power =
                self.configuration.gatewayTransmitPowerDBm - self.linkLossDB(device: device, gateway: planned.gateway)
            let burstLost = self.devices[device].burstLost()
            decoded =
                !burstLost
                && self.configuration.receiver.canDemodulate(
                    powerDBm: power, planned.spreadingFactor, planned.bandwidth)
        }
        // Receive windows on the device's time line.
        let rx1Rate = self.configuration.region.rx1DataRateIndex(
            uplink: self.devices[device].dataRate.index, offset: self.configuration.rx1DataRateOffset)
        let windowRates = [rx1Rate, self.configuration.rx2DataRateIndex]
        let delays = [LoRaWANRegion.receiveDelay1, LoRaWANRegion.receiveDelay2]
        var windowsEnd = end
        for window in 0..<2 {
            let open = end + delays[window]
            var length = self.emptyWindow(rateIndex: windowRates[window])
            if let (number, planned) = downlink, number == window + 1, decoded {
                length = planned.airtime
            }
            self.devices[device].log.record(.receive, from: open, to: open + length)
            windowsEnd = open + length
            if let (number, _) = downlink, number == window + 1, decoded { break }
        }
        // Advance the transfer.
        let maximumAttempts = self.devices[device].configuration.maximumAttempts
        var notBefore = windowsEnd
        var finished: Bool? = nil
        switch transfer.direction {
        case .uplink:
            if confirmed {
                if decoded {
                    transfer.nextFragment += 1
                    transfer.failedAttempts = 0
                } else {
                    transfer.failedAttempts += 1
                    if transfer.failedAttempts >= maximumAttempts {
                        finished = false
                    } else {
                        transfer.retransmissions += 1
                        notBefore = self.acknowledgementTimeout(device: device, uplinkEnd: end, windowsEnd: windowsEnd)
                    }
                }
            } else {
                if receivers.isEmpty { transfer.delivered = false }
                transfer.nextFragment += 1
            }
            if finished == nil && transfer.nextFragment == transfer.fragments.count { finished = transfer.delivered }
        case .downlink:
            if decoded, let (_, planned) = downlink {
                transfer.remainingDownlinkBytes -= planned.applicationBytes
                transfer.failedAttempts = 0
                transfer.pollsWithoutData = 0
                if transfer.remainingDownlinkBytes == 0 { finished = true }
            } else {
                if receivers.isEmpty || downlink != nil {
                    // A link failure: the poll went unheard, or the frame sent for it was lost. A poll that
                    // only found every gateway's transmitter closed by its duty cycle is waiting, not failing.
                    transfer.failedAttempts += 1
                    if transfer.failedAttempts >= maximumAttempts { finished = false }
                }
                // Nothing came down: like a confirmed uplink without its acknowledgement, the device polls again
                // after ACK_TIMEOUT, so devices that polled together (and collided) do not stay in step; the
                // download's polling policy doubles it after each further poll without data (up to ×64), so a
                // device rides out a congested or duty-cycle-closed gateway instead of polling into it.
                transfer.pollsWithoutData += 1
                notBefore = self.acknowledgementTimeout(
                    device: device, uplinkEnd: end, windowsEnd: windowsEnd,
                    multiplier: Int64(1) << Int64(Swift.min(transfer.pollsWithoutData - 1, 6)))
            }
        }
        self.devices[device].transfer = transfer
        if let delivered = finished {
            return self.finish(device: device, delivered: delivered, at: windowsEnd)
        } else {
            return self.scheduleNextFrame(device: device, notBefore: notBefore)
        }
    }

    /// When the device may send again after an uplink ending at `uplinkEnd` that brought no downlink: RX2's
    /// delay plus ACK_TIMEOUT, 2 ± 1 s (RP002 §2), drawn uniformly in whole microseconds from the device's
    /// stream and scaled by `multiplier`; never before its receive windows have closed (`windowsEnd`).
    mutating func acknowledgementTimeout(
        device: Int, uplinkEnd: SimTime, windowsEnd: SimTime, multiplier: Int64 = 1
    ) -> SimTime {
        let backOff = (1_000_000 + Int64(self.devices[device].stream.integer(below: 2_000_001))) * multiplier
        return Swift.max(uplinkEnd + LoRaWANRegion.receiveDelay2 + .microseconds(backOff), windowsEnd)
    }

    /// Ends the device's transfer at `time`: the report is handed out by the `finished` event.
    mutating func finish(device: Int, delivered: Bool, at time: SimTime) -> ScheduledRadioEvent? {
        guard let transfer = self.devices[device].transfer else { return nil }
        self.devices[device].pendingReport = LoRaWANTransferReport(
            device: LoRaWANDeviceID(index: device), transfer: transfer.id, direction: transfer.direction,
            bytes: transfer.bytes, start: transfer.start, end: time, delivered: delivered,
            uplinkFrames: transfer.uplinkFrames, retransmissions: transfer.retransmissions,
            downlinkFrames: transfer.downlinkFrames, uplinkAirtime: transfer.uplinkAirtime,
            downlinkAirtime: transfer.downlinkAirtime)
        return ScheduledRadioEvent(event: self.event(.finished, device: device), time: time)
    }
}
