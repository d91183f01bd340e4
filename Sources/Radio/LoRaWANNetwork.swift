// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
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
///   transfer therefore needs one device uplink (a poll) per downlink frame, and beyond the gateway's hourly
///   budget its duty cycle, not the device's, bounds how fast a model comes down.
/// - **Duty cycle** (EU868): by ``LoRaWANNetworkConfiguration/dutyCycleRule``, for devices and gateways.
/// - **Confirmed uplinks** are repeated when no acknowledgement arrives, after ACK_TIMEOUT (uniform 1…3 s
///   after RX2, RP002 §2), up to ``LoRaWANDeviceConfiguration/maximumAttempts``.
/// - **Download polling** (LoRaWAN specifies none; this is the application's policy): a poll that brings no
///   downlink is repeated after the same random ACK_TIMEOUT, doubled after each further poll without data up
///   to ×64 (1–3 s at first, 64–192 s at most, after RX2), so devices whose polls collided do not poll in
///   step again and a device waits out a gateway that is busy or closed by its duty cycle. The download fails
///   after
///   ``LoRaWANDeviceConfiguration/maximumAttempts`` consecutive polls that went unheard or whose downlink was
///   lost; polls that only found the gateway's transmitter closed are waiting, not failing.
///
/// Every device's radio time line (TX at its power, RX windows, sleep between) is kept as
/// ``RadioInterval``s in Energy's ``Energy/RadioState`` for an energy model; drain it up to each event's
/// time with ``drainActivity(of:until:)``. The shadowing of each (device, gateway) link is drawn once, when
/// the device is added, from `StreamKey(masterSeed, replication, entity, "shadowing")`; every other draw
/// (per-frame fading, channel choice, back-off, burst loss) comes from one stream per device,
/// `StreamKey(masterSeed, replication, entity, "lorawan-link")`. A transfer can be cancelled
/// (``cancelTransfer(device:at:)``) when the device dies or goes offline.
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
            repeating: GatewayState(
                dutyCycle: DutyCycleLimiter(subBands: SubBand.eu868, rule: configuration.dutyCycleRule)),
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
        // The link's shadowing is a property of the place, drawn once from the device's own stream so that
        // adding a device changes no other device's links.
        let shadowing = RandomStream(
            StreamKey(
                masterSeed: self.configuration.masterSeed, replication: self.configuration.replication,
                entity: device.entity, purpose: "shadowing"))
        let shadowingDB = (0..<self.configuration.gatewayCount).map { _ in
            self.configuration.pathLoss.shadowingDB(stream: shadowing)
        }
        self.devices.append(
            DeviceState(
                configuration: device, dataRate: rate, stream: RandomStream(key), shadowingDB: shadowingDB,
                dutyCycle: DutyCycleLimiter(
                    subBands: self.configuration.enforcesDutyCycle ? SubBand.eu868 : [],
                    rule: self.configuration.dutyCycleRule),
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
    ///
    /// - Parameter device: the device.
    /// - Returns: Everything recorded since the last drain, which may reach past the clock.
    public mutating func drainActivity(of device: LoRaWANDeviceID) -> [RadioInterval] {
        self.devices[device.index].log.drain()
    }

    /// Removes and returns the device's radio intervals up to `time`, splitting the one that straddles it and
    /// keeping the rest (and the receive windows planned ahead of the clock) for a later drain.
    ///
    /// A run loop that, at each event time `t`, drains every radio up to `t`, applies the intervals to the
    /// device's energy model (`PoweredDevice.enter(_:at:)` at each interval's start) and only then applies
    /// its own changes at `t` never asks the energy model to go back in time. When nothing was recorded up to
    /// `time` the radio is taken to have slept until then, so later records continue from `time`.
    ///
    /// - Parameters:
    ///   - device: the device.
    ///   - time: the time to drain up to; not after the simulator's clock (activity is only ever recorded
    ///     from the clock onwards, so what is handed out never changes).
    /// - Returns: The intervals in `[previous drain, time)`, in time order, contiguous.
    public mutating func drainActivity(of device: LoRaWANDeviceID, until time: SimTime) -> [RadioInterval] {
        self.devices[device.index].log.drain(until: time)
    }

    /// Cancels the device's transfer at `time` (it died or went offline): it stops transmitting and frees
    /// its radio.
    ///
    /// The transfer's pending events become no-ops (each event carries its transfer's number) and no report
    /// is handed out for it. The device's time line ends at `time`: a frame on the air is cut there (the
    /// radio is switched off mid-frame; it stops interfering with other frames from then on) and receive
    /// windows planned after `time` are dropped. What the network already booked stays booked: the duty-cycle
    /// and fair-use credit of a cut frame is spent in full, and a gateway still sends a downlink it planned
    /// for the device (its transmitter and duty cycle are taken). A new transfer may start from `time` on.
    ///
    /// - Parameters:
    ///   - device: the device.
    ///   - time: the cancel time, normally the simulator's clock; activity already drained past it is kept
    ///     (the cut is then at the end of what was drained).
    /// - Returns: The cancelled transfer's number, or `nil` when the device had no transfer in progress.
    @discardableResult
    public mutating func cancelTransfer(device: LoRaWANDeviceID, at time: SimTime) -> Int? {
        let index = device.index
        guard let transfer = self.devices[index].transfer else { return nil }
        let cut = self.devices[index].log.truncate(at: time)
        if let frame = self.devices[index].frame, frame.start <= cut, cut < frame.start + frame.airtime {
            let end = frame.start + frame.airtime
            for position in self.channelFrames[frame.channel].indices
            where self.channelFrames[frame.channel][position].device == Int32(index)
                && self.channelFrames[frame.channel][position].end == end
            {
                self.channelFrames[frame.channel][position].end = cut
            }
        }
        self.devices[index].transfer = nil
        self.devices[index].frame = nil
        self.devices[index].pendingReport = nil
        return transfer.id
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
        // An event of a cancelled (or finished) transfer does nothing.
        guard let transfer = self.devices[device].transfer, transfer.id == Int(event.transfer) else {
            return (nil, nil)
        }
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
