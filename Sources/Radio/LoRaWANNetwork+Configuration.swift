// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// The settings of a LoRaWAN network: region, gateways, channels and the policies that limit airtime.
public struct LoRaWANNetworkConfiguration: Sendable {
    /// The regional parameters.
    public var region: LoRaWANRegion
    /// The number of gateways; each device gives its distance to every one of them.
    public var gatewayCount: Int
    /// Uplink channel centre frequencies (hertz) devices hop over; every channel accepts every uplink data
    /// rate of the region (in EU868, DR6's 250 kHz needs a channel the network has configured for it).
    public var uplinkChannelsHertz: [Int]
    /// RX1 data-rate offset (RX1DROffset), 0…3 (0 by default, RP002).
    public var rx1DataRateOffset: Int
    /// The RX2 data rate index.
    public var rx2DataRateIndex: Int
    /// The RX2 frequency in hertz.
    public var rx2FrequencyHertz: Int
    /// The gateways' transmit power (14 dBm: the EU868 default maximum EIRP of 16 dBm less 2 dBi antenna gain,
    /// RP002 §2.4.1; also well under US915's limits).
    public var gatewayTransmitPowerDBm: Double
    /// Path loss between devices and gateways.
    public var pathLoss: LogDistancePathLoss
    /// Receivers of gateways and devices (noise figure, SNR floors).
    public var receiver: LoRaReceiver
    /// The capture threshold for same-channel, same-SF overlaps.
    public var interference: LoRaInterferenceModel
    /// Whether regulatory duty cycles apply (EU868 yes, US915 no: it limits dwell time instead).
    public var enforcesDutyCycle: Bool
    /// How duty cycles are accounted, for devices and gateways alike: over the one-hour observation window
    /// with time credits (``DutyCycleRule/window``, the default) or per frame (``DutyCycleRule/perFrame``).
    public var dutyCycleRule: DutyCycleRule
    /// An operator's fair-use limits on every device, if any.
    public var fairUse: FairUsePolicy?
    /// How long a receive window stays open when nothing arrives, in symbols of the window's data rate:
    /// the radio must see a preamble within it (LoRaMac-node's minimum RX symbol timeout is 6; 8 = the
    /// LoRaWAN preamble length is used here).
    public var receiveWindowSymbols: Int
    /// How many frames one gateway can demodulate at once, if limited. An SX1301-based gateway has 8 LoRa
    /// demodulation paths (Semtech SX1301 datasheet §2); a frame that arrives while all are busy is not
    /// received there even if nothing collides with it. `nil` (the default, as in LoRaSim) means no limit.
    public var demodulatorsPerGateway: Int?
    /// Master seed for the per-device random streams.
    public var masterSeed: UInt64
    /// Replication index for the per-device random streams.
    public var replication: UInt64

    /// The demodulation paths of an SX1301 gateway concentrator (Semtech SX1301 datasheet §2).
    public static let sx1301Demodulators = 8

    /// A network with the region's defaults: EU868's three mandatory channels (868.1/868.3/868.5 MHz,
    /// RP002 §2.4.2) and RX2 at 869.525 MHz DR0; US915's sub-band 2 (903.9–905.3 MHz, channels 8–15,
    /// as The Things Network uses) and RX2 at 923.3 MHz DR8. LoRaSim path loss, SX1276 receiver,
    /// 6 dB capture, no fair-use limits.
    public init(region: LoRaWANRegion, gatewayCount: Int = 1, masterSeed: UInt64 = 1, replication: UInt64 = 0) {
        self.region = region
        self.gatewayCount = gatewayCount
        switch region {
        case .eu868:
            self.uplinkChannelsHertz = [868_100_000, 868_300_000, 868_500_000]
            self.rx2FrequencyHertz = 869_525_000
        case .us915:
            self.uplinkChannelsHertz = (8...15).map { 902_300_000 + 200_000 * $0 }
            self.rx2FrequencyHertz = 923_300_000
        }
        self.rx1DataRateOffset = 0
        self.rx2DataRateIndex = region.defaultRX2DataRateIndex
        self.gatewayTransmitPowerDBm = 14
        self.pathLoss = .loRaSim
        self.receiver = LoRaReceiver()
        self.interference = .standard
        self.enforcesDutyCycle = region == .eu868
        self.dutyCycleRule = .window
        self.fairUse = nil
        self.receiveWindowSymbols = LoRaPhy.loRaWANPreambleSymbols
        self.demodulatorsPerGateway = nil
        self.masterSeed = masterSeed
        self.replication = replication
    }

    /// The RX1 downlink frequency for an uplink on `uplinkHertz`: the same channel in EU868; in US915
    /// `923.3 MHz + 600 kHz × (uplink channel mod 8)` (RP002 §2.5.7).
    public func rx1FrequencyHertz(uplinkHertz: Int) -> Int {
        switch self.region {
        case .eu868:
            return uplinkHertz
        case .us915:
            let channel = (uplinkHertz - 902_300_000) / 200_000
            return 923_300_000 + 600_000 * (channel % 8)
        }
    }
}

/// One end device's radio settings and its place in the network.
public struct LoRaWANDeviceConfiguration: Sendable {
    /// The entity id its random stream is derived from (the Scenario's device id).
    public var entity: UInt64
    /// The uplink data rate index.
    public var dataRateIndex: Int
    /// Transmit power in whole dBm (14 dBm: the EU868 default maximum, RP002 §2.4.1); LoRaWAN TX power
    /// steps and radio power settings are whole dBm, and an energy profile prices each level.
    public var transmitPowerDBm: Int
    /// Distance to each gateway in metres.
    public var gatewayDistancesMeters: [Double]
    /// Whether uplinks are confirmed (acknowledged by the network and retried).
    public var confirmedUplinks: Bool
    /// Transmissions per frame before a confirmed uplink (or a downlink poll series) is given up
    /// (LoRaWAN 1.0.x default for confirmed frames: 8).
    public var maximumAttempts: Int
    /// Optional burst loss on this device's link, stepped once per frame in either direction.
    public var burstLoss: GilbertElliottLoss?

    /// Creates a device configuration.
    public init(
        entity: UInt64, dataRateIndex: Int, gatewayDistancesMeters: [Double], transmitPowerDBm: Int = 14,
        confirmedUplinks: Bool = true, maximumAttempts: Int = 8, burstLoss: GilbertElliottLoss? = nil
    ) {
        self.entity = entity
        self.dataRateIndex = dataRateIndex
        self.transmitPowerDBm = transmitPowerDBm
        self.gatewayDistancesMeters = gatewayDistancesMeters
        self.confirmedUplinks = confirmedUplinks
        self.maximumAttempts = maximumAttempts
        self.burstLoss = burstLoss
    }
}

/// A device's index in a ``LoRaWANNetwork``.
public struct LoRaWANDeviceID: Hashable, Sendable, Comparable {
    /// The index, 0-based, in the order devices were added.
    public let index: Int
    /// Creates an id.
    public init(index: Int) { self.index = index }
    public static func < (lhs: LoRaWANDeviceID, rhs: LoRaWANDeviceID) -> Bool { lhs.index < rhs.index }
}

/// Why a transfer could not start.
public struct LoRaWANTransferError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    public var description: String { self.message }
}

/// The end of a transfer, delivered by ``LoRaWANNetwork/handle(_:in:wrap:)`` at the simulated time the
/// device's last receive window closed.
public struct LoRaWANTransferReport: Hashable, Sendable {
    /// The device.
    public var device: LoRaWANDeviceID
    /// The transfer's number for this device (0, 1, …), as ``LoRaWANNetwork/startTransfer(device:bytes:direction:at:in:wrap:)`` returned.
    public var transfer: Int
    /// Which way the data went.
    public var direction: LinkDirection
    /// Application bytes asked for.
    public var bytes: Int
    /// When the transfer was started.
    public var start: SimTime
    /// When it finished (its last receive window closed).
    public var end: SimTime
    /// Whether every byte arrived (for unconfirmed uplinks: whether the network received every frame).
    public var delivered: Bool
    /// Uplink frames the device transmitted (data, retries, downlink polls).
    public var uplinkFrames: Int
    /// Uplink retransmissions (confirmed frames not acknowledged in time).
    public var retransmissions: Int
    /// Downlink frames the gateways sent to this device (data and acknowledgements).
    public var downlinkFrames: Int
    /// The device's total transmit time.
    public var uplinkAirtime: SimTime
    /// The gateways' total transmit time towards this device.
    public var downlinkAirtime: SimTime
}

/// An event of the LoRaWAN model. The Scenario stores it inside its own event type (via `wrap`) and hands it
/// back to ``LoRaWANNetwork/handle(_:in:wrap:)``; only the network creates these.
public struct LoRaWANEvent: Hashable, Sendable {
    @usableFromInline
    enum Kind: Hashable, Sendable {
        case frameStart
        case frameEnd
        case finished
    }
    @usableFromInline let kind: Kind
    @usableFromInline let device: Int32
    /// The transfer the event belongs to: an event of a cancelled transfer is ignored.
    @usableFromInline let transfer: Int32
}
