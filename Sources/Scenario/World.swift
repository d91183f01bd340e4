// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Federation
import Foundation
import Radio
import SimKernel
import TinyTrain

/// One run's simulated world: the fleet, its radios, the server, and the event loop that drives them.
///
/// Everything random comes from streams named by (seed, replication, entity, purpose): entity 0 is the server
/// and the data, entity `1 + device id` is a device. Training runs on the worker pool; the loop waits for a
/// result only when it reaches that training's end (DESIGN rule 2), so the traces do not depend on `threads`.
final class World {
    let spec: RunSpec
    let manifest: Manifest
    let file: String
    let setup: LearningSetup
    var simulator = Simulator<WorldEvent>()
    var book = DeviceEventBook<WorldEvent>()
    var network: LoRaWANNetwork?
    /// LoRaWAN device index → device id.
    var loraDevices: [Int] = []
    var devices: [VirtualDevice] = []
    var server: ServerState
    let pool: TrainingPool<TrainingOutcome>
    var traces: RunTraces
    let selection: RandomStream
    let maximumTime: SimTime

    var participationCounter = 0
    var completedParticipations = 0
    var steps = 0
    var updatesReceived = 0
    var updatesDropped = 0
    var bytesDown = 0
    var bytesUp = 0
    var reachedTarget: SimTime?
    /// The current run of evaluations at or above the target: how many, and the time of the first.
    var targetStreak = (count: 0, start: SimTime.zero)
    var best: Double?
    var last: (accuracy: Double, loss: Double)?
    var stopReason: String?
    var lastEvaluatedVersion = -1
    /// FedAvg: the open round's participations still running.
    var roundOutstanding: Set<Int> = []
    var openRound: Int?

    /// Assembles the world for `spec`.
    ///
    /// - Throws: ``ManifestError`` for anything the manifest asks that cannot be built.
    init(spec: RunSpec, file: String, threads: Int) throws(ManifestError) {
        self.spec = spec
        self.manifest = spec.manifest
        self.file = file
        let manifest = spec.manifest
        let seed = manifest.seed
        let rep = UInt64(spec.replication)
        self.setup = try LearningSetup(manifest: manifest, replication: spec.replication, file: file)
        self.pool = TrainingPool(threads: threads)
        self.traces = RunTraces(events: manifest.traces.events)
        self.selection = RandomStream(StreamKey(masterSeed: seed, replication: rep, entity: 0, purpose: "selection"))
        self.maximumTime = manifest.stop.maximumSimulatedTime.time
        self.server = try ServerState(manifest: manifest, setup: self.setup, file: file)
        try self.buildFleet()
    }

    private func fail(_ keyPath: String, _ message: String) -> ManifestError {
        ManifestError(file: self.file, keyPath: keyPath, message: message)
    }

    /// Creates every device: class, power, radio, availability, straggler, data.
    private func buildFleet() throws(ManifestError) {
        let manifest = self.manifest
        let seed = manifest.seed
        let rep = UInt64(self.spec.replication)
        let catalog = PowerProfileCatalog.builtIn
        let classOf = manifest.devices.classOfDevice
        let availability: AvailabilityModel
        switch manifest.devices.availability.kind {
        case "markov":
            let model = MarkovAvailability(
                meanOnline: manifest.devices.availability.meanOnline?.time ?? .seconds(Int64(3_600)),
                meanOffline: manifest.devices.availability.meanOffline?.time ?? .seconds(Int64(600)))
            do {
                try model.validate()
            } catch {
                throw self.fail("devices.availability", error.description)
            }
            availability = .markov(model)
        case "trace":
            let path = manifest.devices.availability.trace ?? ""
            do {
                availability = .trace(try AvailabilityTrace.load(path: path), absent: .online)
            } catch {
                throw self.fail("devices.availability.trace", error.description)
            }
        default:
            availability = .alwaysOnline
        }
        let stragglers = manifest.devices.stragglers
        let stragglerModel = StragglerModel(
            fraction: stragglers.fraction,
            slowdown: stragglers.slowdown[0] == stragglers.slowdown[1]
                ? .constant(stragglers.slowdown[0])
                : .uniform(lower: stragglers.slowdown[0], upper: stragglers.slowdown[1]),
            appliesToLink: stragglers.appliesTo != "compute")
        let loraClasses = manifest.devices.classes.filter { $0.radio.kind == "lorawan" }
        if let first = loraClasses.first {
            guard loraClasses.allSatisfy({ $0.radio.region == first.radio.region }) else {
                throw self.fail("devices.classes", "LoRaWAN classes use different regions; expected one region per run")
            }
            let region: LoRaWANRegion = first.radio.region == "US915" ? .us915 : .eu868
            do {
                self.network = try LoRaWANNetwork(
                    configuration: LoRaWANNetworkConfiguration(region: region, masterSeed: seed, replication: rep))
            } catch {
                throw self.fail("devices.classes", error.description)
            }
        }
        for id in 0..<manifest.devices.count {
            let classIndex = classOf[id]
            let deviceClass = manifest.devices.classes[classIndex]
            let path = "devices.classes[\(classIndex)]"
            let entity = UInt64(1 + id)
            func stream(_ purpose: String) -> RandomStream {
                RandomStream(StreamKey(masterSeed: seed, replication: rep, entity: entity, purpose: purpose))
            }
            let mcu: MCUProfile
            let radioProfile: RadioProfile
            do {
                mcu = try catalog.mcu(named: deviceClass.mcu)
            } catch {
                throw self.fail(path + ".mcu", error.description)
            }
            do {
                radioProfile = try catalog.radio(named: deviceClass.radio.chip ?? "nrf52840")
            } catch {
                throw self.fail(path + ".radio.chip", error.description)
            }
            let profile = DevicePowerProfile(radio: radioProfile, mcu: mcu)
            if deviceClass.radio.kind != "ideal" {
                do {
                    _ = try profile.current(for: .radio(.transmit(dBm: deviceClass.radio.txPowerDBm)))
                } catch {
                    throw self.fail(path + ".radio.tx_power_dBm", error.description)
                }
            }
            let supply: PowerSupply
            if deviceClass.battery == "mains" {
                supply = .mains
            } else {
                do {
                    var battery = try catalog.battery(named: deviceClass.battery)
                    if let capacity = deviceClass.batteryCapacityMilliampereHours {
                        battery.capacityMilliampereHours = capacity
                    }
                    supply = .battery(battery)
                } catch {
                    throw self.fail(path + ".battery", error.description)
                }
            }
            var cursor: AvailabilityCursor
            do {
                cursor = try AvailabilityCursor(
                    model: availability, device: UInt64(id), stream: stream("availability"))
            } catch {
                throw self.fail("devices.availability", error.description)
            }
            let power: PoweredDevice
            do {
                power = try PoweredDevice(
                    id: UInt64(id), profile: profile, supply: supply, isOnline: cursor.isOnline)
            } catch {
                throw self.fail(path, error.description)
            }
            guard let rate = deviceClass.macsPerSecond ?? mcu.trainingMACsPerSecond else {
                throw self.fail(path + ".macs_per_s", "MCU \(mcu.name) has no sourced training rate; give macs_per_s")
            }
            let link: VirtualDevice.Link
            switch deviceClass.radio.kind {
            case "lorawan":
                let placement = manifest.devices.placement
                // Uniform in the annulus between the minimum distance and the radius around the gateway.
                let u = stream("placement").uniform()
                let r0 = placement.minimumDistanceMeters
                let r1 = placement.radiusMeters
                let distance = (r0 * r0 + u * (r1 * r1 - r0 * r0)).squareRoot()
                do {
                    let lora = try self.network!.addDevice(
                        LoRaWANDeviceConfiguration(
                            entity: entity, dataRateIndex: deviceClass.radio.dataRate ?? 5,
                            gatewayDistancesMeters: [distance], transmitPowerDBm: deviceClass.radio.txPowerDBm))
                    self.loraDevices.append(id)
                    link = .lorawan(lora)
                } catch {
                    throw self.fail(path + ".radio", "\(error)")
                }
            case "ble":
                do {
                    let phy = BLEPhy(rawValue: deviceClass.radio.phy ?? "2M") ?? .le2M
                    let interval = SimTime.seconds((deviceClass.radio.intervalMilliseconds ?? 15) / 1_000)
                    let ble = try BLELink(
                        phy: phy, connectionInterval: interval, attMTU: deviceClass.radio.attMTU ?? 247,
                        transmitPowerDBm: deviceClass.radio.txPowerDBm)
                    link = .ble(
                        try BLEConnection(
                            link: ble,
                            streamKey: StreamKey(masterSeed: seed, replication: rep, entity: entity, purpose: "ble")))
                } catch {
                    throw self.fail(path + ".radio", "\(error)")
                }
            default:
                link = .ideal
            }
            self.devices.append(
                VirtualDevice(
                    id: id, classIndex: classIndex, power: power, link: link, availability: cursor,
                    straggler: stragglerModel.assign(stream("straggler")), macsPerSecond: rate,
                    examples: DatasetExamples(dataset: self.setup.train, indices: self.setup.partition[id])))
        }
    }
}
