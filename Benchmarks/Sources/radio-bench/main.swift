// SPDX-License-Identifier: GPL-3.0-or-later
//
// LoRaWAN at scale: N class A devices (EU868, one gateway) each send an unconfirmed 20-byte uplink every
// PERIOD seconds for one simulated day. Devices sit uniformly in a disc around the gateway; each uses the
// fastest data rate whose sensitivity its mean received power clears by 3 dB (as ADR would settle).
// The first uplink of a device is at a uniform offset in [0, PERIOD); later ones every PERIOD ± 5 %.
// Prints CSV: devices,period_s,sim_days,events,wall_s,events_per_s,uplinks,delivered,pdr.
//
// Usage: radio-bench [DEVICES] [PERIOD_S] [RADIUS_M]

import Radio
import SimKernel

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments.dropFirst().compactMap { Double($0) }
let deviceCount = arguments.count > 0 ? Int(arguments[0]) : 10_000
let periodSeconds = arguments.count > 1 ? arguments[1] : 600
let radiusMeters = arguments.count > 2 ? arguments[2] : 400
let day = SimTime.milliseconds(86_400_000)

enum Event {
    case radio(LoRaWANEvent)
    case uplink(Int32)
}

var configuration = LoRaWANNetworkConfiguration(region: .eu868, masterSeed: 42)
var network = try LoRaWANNetwork(configuration: configuration)
let placement = RandomStream(StreamKey(masterSeed: 42, entity: UInt64.max, purpose: "placement"))
let receiver = LoRaReceiver()
var schedule: [RandomStream] = []
var sim = Simulator<Event>()
for index in 0..<deviceCount {
    let distance = max(1, radiusMeters * placement.uniform().squareRoot())
    let power = 14 - configuration.pathLoss.meanLossDB(distanceMeters: distance)
    let rate =
        (0...5).last { dr in
            let r = LoRaWANRegion.eu868.dataRate(dr)!
            return power - 3 >= receiver.sensitivityDBm(r.spreadingFactor, r.bandwidth)
        } ?? 0
    _ = try network.addDevice(
        LoRaWANDeviceConfiguration(
            entity: UInt64(index), dataRateIndex: rate, gatewayDistancesMeters: [distance], confirmedUplinks: false))
    let stream = RandomStream(StreamKey(masterSeed: 42, entity: UInt64(index), purpose: "traffic"))
    schedule.append(stream)
    try sim.schedule(.uplink(Int32(index)), at: .seconds(stream.uniform() * periodSeconds))
}

var uplinks = 0
var delivered = 0
var skipped = 0
let wrap: (LoRaWANEvent) -> Event = { .radio($0) }
let clock = ContinuousClock()
let startEvents = sim.eventCount
let elapsed = clock.measure {
    sim.run(until: day) { sim, event in
        switch event {
        case .radio(let radio):
            if let report = network.handle(radio, in: &sim, wrap: wrap) {
                uplinks += 1
                if report.delivered { delivered += 1 }
                _ = network.drainActivity(of: report.device)
            }
        case .uplink(let index):
            let device = LoRaWANDeviceID(index: Int(index))
            if network.isBusy(device) {
                skipped += 1
            } else {
                try! network.startTransfer(
                    device: device, bytes: 20, direction: .uplink, at: sim.now, in: &sim, wrap: wrap)
            }
            let jitter = 1 + 0.1 * (schedule[Int(index)].uniform() - 0.5)
            try! sim.schedule(.uplink(index), after: .seconds(periodSeconds * jitter))
        }
    }
}
let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
let events = sim.eventCount - startEvents
print("devices,period_s,sim_days,events,wall_s,events_per_s,uplinks,delivered,pdr,skipped_busy")
print(
    "\(deviceCount),\(periodSeconds),1,\(events),\(wall),\(Double(events) / wall),\(uplinks),\(delivered),"
        + "\(Double(delivered) / Double(max(uplinks, 1))),\(skipped)")
