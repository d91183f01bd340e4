// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// An uplink frame on the air, as every gateway receives it.
struct AirFrame {
    var device: Int32
    var start: SimTime
    var end: SimTime
    var spreadingFactor: SpreadingFactor
    var bandwidth: LoRaBandwidth
    /// Received power at each gateway, dBm.
    var powersDBm: [Double]
    /// Bit `g` set when gateway `g` locked onto the frame (it was above sensitivity and a demodulator was free).
    var lockedGateways: UInt64
}

/// A gateway's transmitter: its planned downlinks and duty-cycle state.
struct GatewayState {
    /// Downlink transmissions `[start, end)`, recent and planned.
    var transmissions: [(start: SimTime, end: SimTime)] = []
    var dutyCycle: DutyCycleLimiter
    /// End times of the frames the gateway's demodulators are busy with.
    var demodulating: [SimTime] = []

    func isTransmitting(overlapping start: SimTime, _ end: SimTime) -> Bool {
        self.transmissions.contains { $0.start < end && start < $0.end }
    }
}

/// The frame a device is about to send or is sending.
struct PlannedFrame {
    var channel: Int
    var start: SimTime
    var airtime: SimTime
    var applicationBytes: Int
}

/// A transfer in progress.
struct Transfer {
    var id: Int
    var direction: LinkDirection
    var bytes: Int
    var start: SimTime
    var fragments: [Int]
    var nextFragment = 0
    var remainingDownlinkBytes: Int
    /// Unsuccessful attempts at the current frame (confirmed uplink), or consecutive polls that went unheard or
    /// whose downlink was lost (downlink; polls that found the gateway closed do not count).
    var failedAttempts = 0
    /// Consecutive polls of a downlink that brought no data (failed or waiting); sets the next poll's back-off.
    var pollsWithoutData = 0
    var delivered = true
    var uplinkFrames = 0
    var retransmissions = 0
    var downlinkFrames = 0
    var uplinkAirtime = SimTime.zero
    var downlinkAirtime = SimTime.zero

    init(id: Int, direction: LinkDirection, bytes: Int, start: SimTime, fragments: [Int], remainingDownlinkBytes: Int) {
        self.id = id
        self.direction = direction
        self.bytes = bytes
        self.start = start
        self.fragments = fragments
        self.remainingDownlinkBytes = remainingDownlinkBytes
    }
}

/// Everything the network keeps about one device.
struct DeviceState {
    var configuration: LoRaWANDeviceConfiguration
    let dataRate: LoRaWANDataRate
    let stream: RandomStream
    /// The persistent shadowing of the link to each gateway, dB (drawn when the device was added).
    let shadowingDB: [Double]
    var dutyCycle: DutyCycleLimiter
    var fairUse: FairUseLedger?
    var burstLoss: GilbertElliottLoss?
    var log = RadioActivityLog()
    var transfer: Transfer?
    var transfersStarted = 0
    var frame: PlannedFrame?
    var pendingReport: LoRaWANTransferReport?

    init(
        configuration: LoRaWANDeviceConfiguration, dataRate: LoRaWANDataRate, stream: RandomStream,
        shadowingDB: [Double], dutyCycle: DutyCycleLimiter, fairUse: FairUseLedger?, burstLoss: GilbertElliottLoss?
    ) {
        self.configuration = configuration
        self.dataRate = dataRate
        self.stream = stream
        self.shadowingDB = shadowingDB
        self.dutyCycle = dutyCycle
        self.fairUse = fairUse
        self.burstLoss = burstLoss
    }

    /// Steps the burst-loss chain for one frame; `true` when the frame is lost to it.
    mutating func burstLost() -> Bool {
        guard var chain = self.burstLoss else { return false }
        let lost = chain.nextFrameLost(self.stream)
        self.burstLoss = chain
        return lost
    }
}
