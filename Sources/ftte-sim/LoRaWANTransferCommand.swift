// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Radio
import SimKernel

extension LoRaWANRegion: ExpressibleByArgument {}
extension LinkDirection: ExpressibleByArgument {}
extension DutyCycleRule: ExpressibleByArgument {}

/// `ftte-sim lorawan-transfer`: how long one device needs to move N bytes over LoRaWAN, alone on a gateway.
struct LoRaWANTransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lorawan-transfer",
        abstract: "Simulate one class A device moving N bytes up or down through one gateway; print the outcome.",
        discussion: """
            Uplinks are cut into frames of the data rate's maximum payload and spaced by the device's duty \
            cycle (by default over the one-hour observation window: a burst within the hourly airtime budget \
            goes out back to back; `--duty-cycle per-frame` closes the sub-band after every frame); downlinks need one device uplink (a poll) per downlink frame and are limited by the \
            gateway's own duty cycle in RX1 and RX2. Prints one CSV row with a header.
            """
    )

    @Option(help: "Region: EU868 or US915.")
    var region: LoRaWANRegion = .eu868

    @Option(name: .customLong("dr"), help: "Uplink data rate index (EU868 0…6, US915 0…4).")
    var dataRate: Int = 5

    @Option(help: "Application bytes to move.")
    var bytes: Int

    @Option(help: "uplink (device to network) or downlink (network to device).")
    var direction: LinkDirection = .uplink

    @Option(name: .customLong("distance-m"), help: "Distance to the gateway in metres.")
    var distanceMeters: Double = 50

    @Option(name: .customLong("rx2-dr"), help: "RX2 data rate index (default: the region's, EU868 DR0, US915 DR8).")
    var rx2DataRate: Int?

    @Option(
        name: .customLong("duty-cycle"),
        help: "Duty-cycle rule: window (hourly airtime credit, the default) or per-frame (off time after each frame).")
    var dutyCycle: DutyCycleRule = .window

    @Flag(help: "Send unconfirmed uplinks (no acknowledgements or retries).")
    var unconfirmed = false

    @Flag(name: .customLong("ttn-fair-use"), help: "Apply The Things Network's fair-use limits.")
    var ttnFairUse = false

    @Option(help: "Master seed of the random streams (shadowing, channel choice, back-off).")
    var seed: UInt64 = 1

    func validate() throws {
        guard self.bytes >= 0 else { throw ValidationError("--bytes must be 0 or more") }
        guard self.distanceMeters > 0, self.distanceMeters.isFinite else {
            throw ValidationError("--distance-m must be a positive number of metres")
        }
        _ = try self.network()
    }

    private func network() throws -> (LoRaWANNetwork, LoRaWANDeviceID) {
        var configuration = LoRaWANNetworkConfiguration(region: self.region, masterSeed: self.seed)
        if let rx2 = self.rx2DataRate { configuration.rx2DataRateIndex = rx2 }
        if self.ttnFairUse { configuration.fairUse = .theThingsNetwork }
        configuration.dutyCycleRule = self.dutyCycle
        do {
            var network = try LoRaWANNetwork(configuration: configuration)
            let device = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: 0, dataRateIndex: self.dataRate, gatewayDistancesMeters: [self.distanceMeters],
                    confirmedUplinks: !self.unconfirmed))
            return (network, device)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        var (network, device) = try self.network()
        var sim = Simulator<LoRaWANEvent>()
        try network.startTransfer(device: device, bytes: self.bytes, direction: self.direction, at: .zero, in: &sim) {
            $0
        }
        var result: LoRaWANTransferReport?
        sim.run(stopWhen: { _ in result != nil }) { sim, event in
            if let report = network.handle(event, in: &sim, wrap: { $0 }) { result = report }
        }
        guard let report = result else { throw ExitCode.failure }
        print(
            "region,dr,direction,bytes,delivered,duration_s,uplink_frames,retransmissions,downlink_frames,"
                + "uplink_airtime_s,downlink_airtime_s")
        print(
            "\(self.region.rawValue),\(self.dataRate),\(self.direction.rawValue),\(self.bytes),\(report.delivered),"
                + "\(report.end.seconds),\(report.uplinkFrames),\(report.retransmissions),\(report.downlinkFrames),"
                + "\(report.uplinkAirtime.seconds),\(report.downlinkAirtime.seconds)")
    }
}
