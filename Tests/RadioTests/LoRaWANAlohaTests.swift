// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Radio
import SimKernel
import Testing

/// The network against pure ALOHA (Abramson 1970): with Poisson traffic of normalised load G on one
/// channel, equal received powers (so no capture) and frames of equal length, a frame survives only when
/// no other starts within one frame time before or after it: success probability e^(−2G).
struct LoRaWANAlohaTests {
    enum Event {
        case radio(LoRaWANEvent)
        case arrival(Int)
    }

    @Test(arguments: [0.1, 0.25, 0.5])
    func deliveryRatioMatchesPureAloha(load: Double) throws {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868, masterSeed: 5)
        configuration.pathLoss = try LogDistancePathLoss(shadowingSigmaDB: 0)
        configuration.uplinkChannelsHertz = [868_100_000]
        var network = try LoRaWANNetwork(configuration: configuration)
        let devices = 100
        let rate = try LoRaWANRegion.eu868.uplinkDataRate(5)
        let frame = LoRaWANRegion.eu868.frameAirtime(applicationBytes: 20, dataRate: rate, direction: .uplink)
        let meanGapSeconds = Double(devices) * frame.seconds / load
        var sim = Simulator<Event>()
        var streams: [RandomStream] = []
        for index in 0..<devices {
            _ = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: UInt64(index), dataRateIndex: 5, gatewayDistancesMeters: [50], confirmedUplinks: false))
            let stream = RandomStream(StreamKey(masterSeed: 5, entity: UInt64(index), purpose: "traffic"))
            streams.append(stream)
            try sim.schedule(.arrival(index), at: .seconds(stream.exponential(mean: meanGapSeconds)))
        }
        let end = SimTime.seconds(meanGapSeconds * 120)
        var sent = 0
        var delivered = 0
        try sim.run(until: end) { sim, event in
            switch event {
            case .radio(let radio):
                if let report = network.handle(radio, in: &sim, wrap: { .radio($0) }) {
                    sent += 1
                    if report.delivered { delivered += 1 }
                }
            case .arrival(let index):
                let device = LoRaWANDeviceID(index: index)
                if !network.isBusy(device) {
                    try network.startTransfer(device: device, bytes: 20, direction: .uplink, at: sim.now, in: &sim) {
                        .radio($0)
                    }
                }
                try sim.schedule(.arrival(index), after: .seconds(streams[index].exponential(mean: meanGapSeconds)))
            }
        }
        // The load actually offered (a busy device defers nothing: its arrival is dropped).
        let offered = Double(sent) * frame.seconds / end.seconds
        let expected = exp(-2 * offered)
        let ratio = Double(delivered) / Double(sent)
        let standardError = (expected * (1 - expected) / Double(sent)).squareRoot()
        #expect(sent > 8_000)
        #expect(abs(ratio - expected) < 4 * standardError + 0.01, "PDR \(ratio) vs e^(-2G) \(expected), G \(offered)")
    }
}
