// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A LoRaWAN network of class A end devices and one or more gateways, driven by the caller's
/// ``Simulator``.
///
/// The Scenario starts a transfer of N bytes up or down with
/// ``startTransfer(device:bytes:direction:at:in:wrap:)``; the network schedules every frame as events
/// (wrapped into the caller's event type), and hands back a ``LoRaWANTransferReport`` from
/// ``handle(_:in:wrap:)`` when the transfer ends. What it models:
///
/// - **Uplinks**: the update is cut into frames that fit the data rate
///   (``LoRaWANRegion/fragment(bytes:dataRate:)``); each frame waits for its sub-band's duty cycle (EU868)
///   and the fair-use allowance, hops to a random channel among those free earliest, and is received by
///   every gateway where it clears the receiver's sensitivity, survives overlapping frames on the same
///   channel and bandwidth (by default: same SF, 6 dB capture), escapes the device's burst loss, and does
///   not overlap a transmission of that gateway (gateways are half-duplex).
/// - **Receive windows**: after every uplink the device opens RX1 (1 s after its end, on the RX1 data rate
///   and frequency) and, unless a downlink arrived in RX1, RX2 (2 s, its own data rate and frequency). An
///   empty window stays open for ``LoRaWANNetworkConfiguration/receiveWindowSymbols`` symbols.
/// - **Downlinks** (acknowledgements and model data) go only in those windows, from a gateway that heard
///   the uplink (strongest first), whose transmitter is free for the frame and whose sub-band duty cycle
///   is open (RX1 on the uplink's 1 % sub-band, RX2 on 869.525 MHz's 10 % sub-band in EU868). A downlink
///   transfer therefore needs one device uplink (a poll) per downlink frame, and the gateway's duty cycle,
///   not the device's, bounds how fast a model comes down.
/// - **Confirmed uplinks** are repeated when no acknowledgement arrives, after ACK_TIMEOUT (uniform 1…3 s
///   after RX2, RP002 §2), up to ``LoRaWANDeviceConfiguration/maximumAttempts``.
///
/// Every device's radio time line (TX at its power, RX windows, sleep between) is kept as
/// ``RadioInterval``s for an energy model. All random draws (channel choice, shadowing, back-off, burst
/// loss) come from one stream per device, `StreamKey(masterSeed, replication, entity, "lorawan-link")`.
///
/// Optionally, a gateway demodulates at most ``LoRaWANNetworkConfiguration/demodulatorsPerGateway`` frames
/// at once (8 on an SX1301), and spreading factors interfere by a published SIR matrix
/// (``LoRaWANNetworkConfiguration/interference``).
///
/// Not modelled: the sum of several interferers (each is compared on its own), downlink-to-downlink
/// collisions between gateways, ADR and the data-rate decrease of retries.
public struct LoRaWANNetwork {
    /// The network's settings.
    public let configuration: LoRaWANNetworkConfiguration

    var devices: [DeviceState] = []
    var gateways: [GatewayState]
    /// Frames on the air or recently ended, per uplink channel index.
    var channelFrames: [[AirFrame]]
    /// The duty-cycle sub-band index of each uplink channel, then of the RX2 channel (`nil` when duty cycles
    /// are not enforced).
    let channelSubBands: [Int?]
    /// The longest uplink frame of the region: frames that ended longer ago cannot overlap new ones.
    let maximumFrameAirtime: SimTime

    /// Creates an empty network.
    ///
    /// - Throws: ``RadioParameterError`` when there is no gateway or no channel, the RX2 data rate does not
    ///   exist, or duty cycles are enforced and a channel lies outside every EU868 sub-band.
    public init(configuration: LoRaWANNetworkConfiguration) throws(RadioParameterError) {
        guard configuration.gatewayCount >= 1 else {
            throw RadioParameterError(
                parameter: "gateway count", value: String(configuration.gatewayCount), expected: "at least 1")
        }
        guard !configuration.uplinkChannelsHertz.isEmpty else {
            throw RadioParameterError(parameter: "uplink channels", value: "none", expected: "at least one channel")
        }
        guard configuration.region.dataRate(configuration.rx2DataRateIndex) != nil else {
            throw RadioParameterError(
                parameter: "RX2 data rate", value: "DR\(configuration.rx2DataRateIndex)",
                expected: "a LoRa data rate of \(configuration.region.rawValue)")
        }
        if let paths = configuration.demodulatorsPerGateway {
            guard paths >= 1, configuration.gatewayCount <= 64 else {
                throw RadioParameterError(
                    parameter: "demodulators per gateway",
                    value: "\(paths) with \(configuration.gatewayCount) gateways",
                    expected: "at least 1 demodulator and at most 64 gateways")
            }
        }
        var subBands: [Int?] = []
        for hertz in configuration.uplinkChannelsHertz + [configuration.rx2FrequencyHertz] {
            guard configuration.enforcesDutyCycle else {
                subBands.append(nil)
                continue
            }
            guard let index = SubBand.eu868.firstIndex(where: { $0.lowerHertz <= hertz && hertz < $0.upperHertz })
            else {
                throw RadioParameterError(
                    parameter: "channel", value: "\(hertz) Hz", expected: "a frequency inside an EU868 sub-band")
            }
            subBands.append(index)
        }
        self.configuration = configuration
        self.channelSubBands = subBands
        self.gateways = Array(
            repeating: GatewayState(dutyCycle: DutyCycleLimiter(subBands: SubBand.eu868)),
            count: configuration.gatewayCount)
        self.channelFrames = Array(repeating: [], count: configuration.uplinkChannelsHertz.count)
        let region = configuration.region
        self.maximumFrameAirtime =
            region.uplinkDataRateIndices.compactMap(region.dataRate).map {
                region.frameAirtime(
                    applicationBytes: $0.maximumApplicationPayloadBytes, dataRate: $0, direction: .uplink)
            }.max() ?? .zero
    }

    /// Adds a device.
    ///
    /// - Returns: Its id.
    /// - Throws: ``RadioParameterError`` when its data rate is not an uplink data rate of the region, it does
    ///   not give one positive distance per gateway, or it allows fewer than one attempt.
    public mutating func addDevice(
        _ device: LoRaWANDeviceConfiguration
    ) throws(RadioParameterError) -> LoRaWANDeviceID {
        let rate = try self.configuration.region.uplinkDataRate(device.dataRateIndex)
        guard device.gatewayDistancesMeters.count == self.configuration.gatewayCount,
            device.gatewayDistancesMeters.allSatisfy({ $0 > 0 && $0.isFinite })
        else {
            throw RadioParameterError(
                parameter: "gateway distances", value: "\(device.gatewayDistancesMeters)",
                expected: "one positive distance in metres for each of the \(self.configuration.gatewayCount) gateways")
        }
        guard device.maximumAttempts >= 1 else {
            throw RadioParameterError(
                parameter: "maximum attempts", value: String(device.maximumAttempts), expected: "at least 1")
        }
        let key = StreamKey(
            masterSeed: self.configuration.masterSeed, replication: self.configuration.replication,
            entity: device.entity, purpose: "lorawan-link")
        self.devices.append(
            DeviceState(
                configuration: device, dataRate: rate, stream: RandomStream(key),
                dutyCycle: DutyCycleLimiter(subBands: self.configuration.enforcesDutyCycle ? SubBand.eu868 : []),
                fairUse: self.configuration.fairUse.map(FairUseLedger.init(policy:)), burstLoss: device.burstLoss))
        return LoRaWANDeviceID(index: self.devices.count - 1)
    }

    /// The number of devices.
    public var deviceCount: Int { self.devices.count }

    /// Whether the device has a transfer in progress (one at a time: a class A radio is half-duplex).
    public func isBusy(_ device: LoRaWANDeviceID) -> Bool { self.devices[device.index].transfer != nil }

    /// The device's radio time line so far. It may reach up to about 3 s past the simulator's clock: the
    /// receive windows of an uplink are planned when the uplink ends, and never change afterwards.
    public func activity(of device: LoRaWANDeviceID) -> RadioActivityLog { self.devices[device.index].log }

    /// Removes and returns the device's recorded radio intervals (to keep memory flat in long runs).
    public mutating func drainActivity(of device: LoRaWANDeviceID) -> [RadioInterval] {
        self.devices[device.index].log.drain()
    }

    /// Starts moving `bytes` of application data between the device and the network.
    ///
    /// An uplink sends the data in frames; a downlink makes the device poll with empty uplinks, one downlink
    /// frame per poll, until every byte has arrived. The first frame goes out at `time` or as soon as the
    /// device's radio is free and its duty cycle and fair-use allowance permit.
    ///
    /// - Parameters:
    ///   - device: the device.
    ///   - bytes: application bytes (≥ 0).
    ///   - direction: up or down.
    ///   - time: when the transfer is asked for (≥ `sim.now`).
    ///   - sim: the simulator that carries the network's events.
    ///   - wrap: puts a ``LoRaWANEvent`` into the simulator's event type.
    /// - Returns: The transfer's number for this device, as its report will carry.
    /// - Throws: ``LoRaWANTransferError`` when the device is busy, `bytes` is negative or `time` is in the past.
    @inlinable
    @discardableResult
    public mutating func startTransfer<Event>(
        device: LoRaWANDeviceID, bytes: Int, direction: LinkDirection, at time: SimTime,
        in sim: inout Simulator<Event>, wrap: (LoRaWANEvent) -> Event
    ) throws(LoRaWANTransferError) -> Int {
        let (id, next) = try self.beginTransfer(
            device: device, bytes: bytes, direction: direction, at: time, now: sim.now)
        if let next { scheduleModelEvent(wrap(next.event), at: next.time, in: &sim) }
        return id
    }

    /// Handles one of the network's events.
    ///
    /// - Returns: The report of a transfer that ended at this event's time, if one did.
    @inlinable
    @discardableResult
    public mutating func handle<Event>(
        _ event: LoRaWANEvent, in sim: inout Simulator<Event>, wrap: (LoRaWANEvent) -> Event
    ) -> LoRaWANTransferReport? {
        let (report, next) = self.process(event, now: sim.now)
        if let next { scheduleModelEvent(wrap(next.event), at: next.time, in: &sim) }
        return report
    }

    /// The non-generic body of ``startTransfer(device:bytes:direction:at:in:wrap:)``.
    @usableFromInline
    mutating func beginTransfer(
        device: LoRaWANDeviceID, bytes: Int, direction: LinkDirection, at time: SimTime, now: SimTime
    ) throws(LoRaWANTransferError) -> (Int, ScheduledRadioEvent?) {
        guard bytes >= 0 else { throw LoRaWANTransferError(message: "a transfer needs a non-negative byte count") }
        guard time >= now else {
            throw LoRaWANTransferError(message: "cannot start a transfer at \(time), before the clock (\(now))")
        }
        guard self.devices[device.index].transfer == nil else {
            throw LoRaWANTransferError(message: "device \(device.index) already has a transfer in progress")
        }
        let id = self.devices[device.index].transfersStarted
        self.devices[device.index].transfersStarted += 1
        let fragments =
            direction == .uplink
            ? self.configuration.region.fragment(bytes: bytes, dataRate: self.devices[device.index].dataRate) : []
        self.devices[device.index].transfer = Transfer(
            id: id, direction: direction, bytes: bytes, start: time, fragments: fragments,
            remainingDownlinkBytes: direction == .downlink ? bytes : 0)
        let notBefore = Swift.max(time, self.devices[device.index].log.end ?? .zero)
        if bytes == 0 {
            return (id, self.finish(device: device.index, delivered: true, at: notBefore))
        }
        return (id, self.scheduleNextFrame(device: device.index, notBefore: notBefore))
    }

    /// The non-generic body of ``handle(_:in:wrap:)``.
    @usableFromInline
    mutating func process(_ event: LoRaWANEvent, now: SimTime) -> (LoRaWANTransferReport?, ScheduledRadioEvent?) {
        let device = Int(event.device)
        switch event.kind {
        case .frameStart:
            return (nil, self.frameStarted(device: device, now: now))
        case .frameEnd:
            return (nil, self.frameEnded(device: device))
        case .finished:
            let report = self.devices[device].pendingReport
            self.devices[device].pendingReport = nil
            self.devices[device].transfer = nil
            return (report, nil)
        }
    }
}

/// An event the model wants scheduled, before it is wrapped into the caller's event type.
@usableFromInline
struct ScheduledRadioEvent {
    @usableFromInline let event: LoRaWANEvent
    @usableFromInline let time: SimTime

    @usableFromInline
    init(event: LoRaWANEvent, time: SimTime) {
        self.event = event
        self.time = time
    }
}

/// Schedules an event the model computed; its time is never before the clock by construction.
@inlinable
func scheduleModelEvent<Event>(_ event: Event, at time: SimTime, in sim: inout Simulator<Event>) {
    do {
        try sim.schedule(event, at: time)
    } catch {
        preconditionFailure("radio model scheduled an event in the past: \(error)")
    }
}
