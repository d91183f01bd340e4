// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// `devices:` — how many devices, of which classes, where they are, how they straggle and come and go.
public struct FleetSection: Sendable, Encodable {
    /// Devices in the fleet.
    public var count: Int
    /// The device classes; their shares sum to 1.
    public var classes: [DeviceClassSection]
    /// Where LoRaWAN devices stand relative to the gateway.
    public var placement: PlacementSection
    /// Which devices are slow, and how.
    public var stragglers: StragglerSection
    /// When devices are online.
    public var availability: AvailabilitySection
    /// What happens to a device whose training plan does not fit its SRAM: `exclude` it from the run (it never
    /// participates; a terminal state) or let it `fail` each participation with outcome `oom`.
    public var outOfMemory: String
    /// How long a device whose link failed waits before it asks for work again.
    public var linkRetryAfter: ManifestDuration

    private enum CodingKeys: String, CodingKey {
        case count, classes, placement, stragglers, availability
        case outOfMemory = "out_of_memory"
        case linkRetryAfter = "link_retry_after"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        let map = try value.mapping(allowed: [
            "count", "classes", "placement", "stragglers", "availability", "out_of_memory", "link_retry_after",
        ])
        self.count = try map.require("count", expected: "the number of devices").int(in: 1...1_000_000)
        let classes = try map.require("classes", expected: "a list of device classes").sequence(
            expected: "device classes")
        guard !classes.isEmpty else {
            throw try map.require("classes", expected: "").error("expected at least one device class")
        }
        var parsed: [DeviceClassSection] = []
        for item in classes {
            let deviceClass = try DeviceClassSection(item)
            if parsed.contains(where: { $0.name == deviceClass.name }) {
                throw item.error("a second class named '\(deviceClass.name)'; expected unique class names")
            }
            parsed.append(deviceClass)
        }
        let total = parsed.reduce(0) { $0 + $1.share }
        guard abs(total - 1) <= 1e-9 else {
            throw try map.require("classes", expected: "").error(
                "the shares sum to \(ManifestValue.format((total * 1e9).rounded() / 1e9)); expected shares that sum to 1"
            )
        }
        self.classes = parsed
        self.placement = try PlacementSection(map["placement"] ?? .absent("placement", parent: value))
        self.stragglers = try StragglerSection(map["stragglers"] ?? .absent("stragglers", parent: value))
        self.availability = try AvailabilitySection(map["availability"] ?? .absent("availability", parent: value))
        self.outOfMemory = try map["out_of_memory"]?.choice(["exclude": "exclude", "fail": "fail"]) ?? "exclude"
        self.linkRetryAfter = ManifestDuration(try map["link_retry_after"]?.duration() ?? .seconds(Int64(900)))
    }

    /// The class of each device: counts by largest remainder of share × count (ties to the earlier class),
    /// devices numbered class by class in manifest order.
    public var classOfDevice: [Int] {
        let exact = self.classes.map { $0.share * Double(self.count) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted {
            (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1)
        }
        for index in order.prefix(self.count - counts.reduce(0, +)) { counts[index] += 1 }
        return counts.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
    }
}

/// One device class: memory, compute, radio and power.
public struct DeviceClassSection: Sendable, Encodable {
    /// The class name (`devices.csv`'s `device_class`).
    public var name: String
    /// The share of the fleet, in (0, 1].
    public var share: Double
    /// Training SRAM cap, in bytes.
    public var sramBytes: Int
    /// Flash for frozen weights, in bytes.
    public var flashBytes: Int
    /// The MCU profile's name (Energy's catalogue).
    public var mcu: String
    /// Float32 training throughput override, in MAC/s (`nil`: the MCU profile's sourced rate).
    public var macsPerSecond: Double?
    /// The radio.
    public var radio: RadioSection
    /// The battery preset's name, or `mains`.
    public var battery: String
    /// Battery capacity override, in mAh (`nil`: the preset's).
    public var batteryCapacityMilliampereHours: Double?

    private enum CodingKeys: String, CodingKey {
        case name, share, mcu, radio, battery
        case sramBytes = "sram_bytes"
        case flashBytes = "flash_bytes"
        case macsPerSecond = "macs_per_s"
        case batteryCapacityMilliampereHours = "battery_capacity_mAh"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        let map = try value.mapping(allowed: [
            "name", "share", "sram", "flash", "mcu", "macs_per_s", "radio", "battery", "battery_capacity_mAh",
        ])
        self.name = try map.require("name", expected: "the class name").string()
        self.share = try map.require("share", expected: "the class's share of the fleet, in (0, 1]").double(
            "a share in (0, 1]", where: { $0 > 0 && $0 <= 1 })
        self.sramBytes = try map.require("sram", expected: "the SRAM cap for training, e.g. 256KiB").bytes(
            minimum: 1024)
        self.flashBytes = try map["flash"]?.bytes(minimum: 1024) ?? 1 << 20
        self.mcu = try map.require("mcu", expected: "an MCU profile: stm32l476, stm32f746, esp32 or nrf52840")
            .string(expected: "an MCU profile name")
        self.macsPerSecond = try map["macs_per_s"]?.double("a rate > 0 in MAC/s", where: { $0 > 0 })
        self.radio = try RadioSection(map.require("radio", expected: "the radio (kind: lorawan, ble or ideal)"))
        self.battery = try map["battery"]?.string(expected: "a battery preset name or mains") ?? "mains"
        self.batteryCapacityMilliampereHours = try map["battery_capacity_mAh"]?.double(
            "a capacity > 0 and at most 1e9 in mAh", where: { $0 > 0 && $0 <= 1e9 })
    }
}

/// A device class's radio.
public struct RadioSection: Sendable, Encodable {
    /// `lorawan`, `ble` or `ideal` (instantaneous and lossless: to compare learning alone).
    public var kind: String
    /// The transceiver's power profile (Energy's catalogue): `sx1276`, `sx1262`, `nrf52840`.
    public var chip: String?
    /// Transmit power, in dBm.
    public var txPowerDBm: Int
    /// LoRaWAN: the region (`EU868`, `US915`).
    public var region: String?
    /// LoRaWAN: the data rate index.
    public var dataRate: Int?
    /// BLE: the PHY (`1M`, `2M`, `coded-s2`, `coded-s8`).
    public var phy: String?
    /// BLE: the connection interval, in milliseconds.
    public var intervalMilliseconds: Double?
    /// BLE: the ATT MTU, in bytes.
    public var attMTU: Int?

    private enum CodingKeys: String, CodingKey {
        case kind, chip, region, phy
        case txPowerDBm = "tx_power_dBm"
        case dataRate = "data_rate"
        case intervalMilliseconds = "interval_ms"
        case attMTU = "att_mtu"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        guard let kindNode = value.node.mapping?["kind"] else {
            _ = try value.mapping(allowed: ["kind"])
            throw value.error("missing kind; expected kind: lorawan, ble or ideal")
        }
        let kind = try ManifestValue(node: kindNode, keyPath: value.keyPath + ".kind", file: value.file).choice([
            "lorawan": "lorawan", "ble": "ble", "ideal": "ideal",
        ])
        self.kind = kind
        switch kind {
        case "lorawan":
            let map = try value.mapping(allowed: ["kind", "chip", "tx_power_dBm", "region", "data_rate"])
            self.chip = try map["chip"]?.string() ?? "sx1276"
            self.txPowerDBm = try map["tx_power_dBm"]?.int(in: -4...20) ?? 14
            self.region = try map["region"]?.choice(["EU868": "EU868", "US915": "US915"]) ?? "EU868"
            self.dataRate = try map["data_rate"]?.int(in: 0...13) ?? 5
        case "ble":
            let map = try value.mapping(allowed: ["kind", "chip", "tx_power_dBm", "phy", "interval_ms", "att_mtu"])
            self.chip = try map["chip"]?.string() ?? "nrf52840"
            self.txPowerDBm = try map["tx_power_dBm"]?.int(in: -40...8) ?? 0
            self.phy =
                try map["phy"]?.choice(["1M": "1M", "2M": "2M", "coded-s2": "coded-s2", "coded-s8": "coded-s8"])
                ?? "2M"
            self.intervalMilliseconds =
                try map["interval_ms"]?.double(
                    "a connection interval from 7.5 to 4000 ms in 1.25 ms steps",
                    where: { $0 >= 7.5 && $0 <= 4000 && ($0 / 1.25).rounded() == $0 / 1.25 }) ?? 15
            self.attMTU = try map["att_mtu"]?.int(in: 23...517) ?? 247
        default:
            _ = try value.mapping(allowed: ["kind"])
            self.txPowerDBm = 0
        }
    }
}

/// `devices.placement:` — LoRaWAN devices stand uniformly at random in a disc around the one gateway.
public struct PlacementSection: Sendable, Encodable {
    /// The disc's radius, in metres.
    public var radiusMeters: Double
    /// The closest a device stands to the gateway, in metres.
    public var minimumDistanceMeters: Double

    private enum CodingKeys: String, CodingKey {
        case radiusMeters = "radius_m"
        case minimumDistanceMeters = "min_distance_m"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        let map = try value.mapping(allowed: ["radius_m", "min_distance_m"])
        self.radiusMeters = try map["radius_m"]?.double("a radius > 0 in metres", where: { $0 > 0 }) ?? 100
        self.minimumDistanceMeters =
            try map["min_distance_m"]?.double(
                "a distance ≥ 1 m and below radius_m", where: { $0 >= 1 }) ?? 10
        guard self.minimumDistanceMeters < self.radiusMeters else {
            throw value.error("min_distance_m must be below radius_m")
        }
    }
}

/// `devices.stragglers:` — a share of devices is slower by a drawn factor, on compute, link or both; with
/// `partial_work` a straggler instead runs a fraction 1/slowdown of its local steps (FedProx-style).
public struct StragglerSection: Sendable, Encodable {
    /// The share of stragglers, in [0, 1].
    public var fraction: Double
    /// The slowdown's lower and upper bound (uniform), ≥ 1.
    public var slowdown: [Double]
    /// `compute`, `link` or `both`.
    public var appliesTo: String
    /// Whether stragglers do partial work instead of being slow.
    public var partialWork: Bool

    private enum CodingKeys: String, CodingKey {
        case fraction, slowdown
        case appliesTo = "applies_to"
        case partialWork = "partial_work"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        let map = try value.mapping(allowed: ["fraction", "slowdown", "applies_to", "partial_work"])
        self.fraction = try map["fraction"]?.double("a share in [0, 1]", where: { $0 >= 0 && $0 <= 1 }) ?? 0
        if let slowdown = map["slowdown"] {
            let bounds = try slowdown.mapping(allowed: ["uniform", "fixed"])
            if let uniform = bounds["uniform"] {
                let items = try uniform.sequence(expected: "two numbers [low, high]")
                guard items.count == 2 else { throw uniform.error("expected [low, high] with 1 ≤ low ≤ high") }
                let low = try items[0].double("a slowdown ≥ 1", where: { $0 >= 1 })
                let high = try items[1].double("a slowdown ≥ low", where: { $0 >= low })
                self.slowdown = [low, high]
            } else if let fixed = bounds["fixed"] {
                let factor = try fixed.double("a slowdown ≥ 1", where: { $0 >= 1 })
                self.slowdown = [factor, factor]
            } else {
                throw slowdown.error("expected uniform: [low, high] or fixed: factor")
            }
        } else {
            self.slowdown = [5, 20]
        }
        self.appliesTo =
            try map["applies_to"]?.choice(["compute": "compute", "link": "link", "both": "both"])
            ?? "compute"
        self.partialWork = try map["partial_work"]?.bool() ?? false
    }
}

/// `devices.availability:` — `always`, a two-state Markov model, or a trace file (device_id,start_s,end_s).
public struct AvailabilitySection: Sendable, Encodable {
    /// `always`, `markov` or `trace`.
    public var kind: String
    /// Markov: mean online spell.
    public var meanOnline: ManifestDuration?
    /// Markov: mean offline spell.
    public var meanOffline: ManifestDuration?
    /// Trace: the CSV file.
    public var trace: String?

    private enum CodingKeys: String, CodingKey {
        case kind, trace
        case meanOnline = "mean_online"
        case meanOffline = "mean_offline"
    }

    init(_ value: ManifestValue) throws(ManifestError) {
        let map = try value.mapping(allowed: ["kind", "mean_online", "mean_offline", "trace"])
        self.kind = try map["kind"]?.choice(["always": "always", "markov": "markov", "trace": "trace"]) ?? "always"
        switch self.kind {
        case "markov":
            self.meanOnline = try ManifestDuration(map.require("mean_online", expected: "a duration").duration())
            self.meanOffline = try ManifestDuration(map.require("mean_offline", expected: "a duration").duration())
        case "trace":
            self.trace = try map.require("trace", expected: "a CSV file device_id,start_s,end_s").string(
                expected: "a file path")
        default:
            break
        }
    }
}
