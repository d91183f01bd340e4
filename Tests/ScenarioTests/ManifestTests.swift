// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Scenario
import Testing

/// Manifests: defaults, sweeps and every class of bad input, each reported with file, line, column and key path.
@Suite struct ManifestTests {
    static let minimal = """
        name: small
        devices:
          count: 10
          classes:
            - {name: lora, share: 0.6, sram: 256KiB, mcu: stm32l476, radio: {kind: lorawan}}
            - {name: ble, share: 0.4, sram: 512KiB, mcu: nrf52840, radio: {kind: ble}, battery: cr2032}
        strategy: {kind: ftte}

        """

    private func refusal(_ yaml: String) -> ManifestError? {
        do {
            _ = try ManifestSweep(yaml: yaml, file: "m.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aMinimalManifestGetsItsDocumentedDefaults() throws {
        let sweep = try ManifestSweep(yaml: Self.minimal, file: "m.yaml")
        #expect(sweep.runs.count == 1)
        let manifest = sweep.runs[0].manifest
        #expect(manifest.seed == 1)
        #expect(manifest.dataset.name == "embedded")
        #expect(manifest.dataset.partition == "iid")
        #expect(manifest.model.name == "mlp-28")
        #expect(manifest.strategy.buffer == 10)
        #expect(manifest.strategy.staleness.function == "polynomial")
        #expect(manifest.strategy.staleness.a == 0.5)
        #expect(manifest.strategy.subnet.policy == "sparse-update")
        #expect(manifest.devices.classes[0].sramBytes == 262_144)
        #expect(manifest.devices.classes[0].radio.dataRate == 5)
        #expect(manifest.devices.classes[1].radio.attMTU == 247)
        #expect(manifest.stop.maximumSimulatedTime.time.nanoseconds == 604_800_000_000_000)
        #expect(sweep.runs[0].resolvedYAML.contains("max_sim_time: 7d"))
        #expect(sweep.runs[0].resolvedYAML.contains("sram_bytes: 262144"))
    }

    @Test func classCountsFollowSharesByLargestRemainder() throws {
        let manifest = try ManifestSweep(yaml: Self.minimal, file: "m.yaml").runs[0].manifest
        #expect(manifest.devices.classOfDevice == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
        var odd = manifest.devices
        odd.count = 7  // 4.2 and 2.8: the larger remainder (0.8) gets the seventh device
        #expect(odd.classOfDevice == [0, 0, 0, 0, 1, 1, 1])
    }

    @Test func aGridZipAndReplicationsExpandInDocumentedOrder() throws {
        let yaml =
            Self.minimal + """
                replications: 2
                sweep:
                  strategy.kind: [fedavg, ftte]
                  strategy.subnet.capacity_ratio: [0.25, 0.5, 1.0]
                zip:
                  client.lr: [0.1, 0.05]
                  client.batch: [16, 32]

                """
        let sweep = try ManifestSweep(yaml: yaml, file: "m.yaml")
        #expect(sweep.sweptKeys == ["strategy.kind", "strategy.subnet.capacity_ratio", "client.lr", "client.batch"])
        #expect(sweep.runs.count == 2 * 3 * 2 * 2)
        let first = sweep.runs[0]
        #expect(first.parameters.map(\.value) == ["fedavg", "0.25", "0.1", "16"])
        #expect(first.replication == 0)
        #expect(sweep.runs[1].replication == 1)
        #expect(sweep.runs[2].parameters.map(\.value) == ["fedavg", "0.25", "0.05", "32"])
        #expect(sweep.runs.last?.parameters.map(\.value) == ["ftte", "1.0", "0.05", "32"])
        #expect(sweep.runs[2].manifest.client.batch == 32)
        #expect(sweep.runs[4].manifest.strategy.subnet.capacityRatio == 0.5)
        #expect(Set(sweep.runs.map(\.id)).count == sweep.runs.count)
        #expect(first.id.hasPrefix("small_kind-fedavg_capacity-ratio-0.25_lr-0.1_batch-16_r0_"))
        // Stable: the same text gives the same ids.
        #expect(try ManifestSweep(yaml: yaml, file: "m.yaml").runs.map(\.id) == sweep.runs.map(\.id))
    }

    @Test func aSweptMappingValueReplacesTheWholeSection() throws {
        let yaml =
            Self.minimal + """
                sweep:
                  strategy.staleness: [{fn: constant}, {fn: hinge, a: 10, b: 4}]

                """
        let runs = try ManifestSweep(yaml: yaml, file: "m.yaml").runs
        #expect(runs.map(\.manifest.strategy.staleness.function) == ["constant", "hinge"])
        #expect(runs[1].parameters[0].value == "{fn: hinge, a: 10, b: 4}")
        #expect(runs[1].id.contains("_staleness-fn-hinge-a-10-b-4_"))
    }

    struct BadInput: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var line: Int?
        var column: Int?
        var keyPath: String
        var message: String
        var testDescription: String { self.name }
    }

    static let badInputs: [BadInput] = [
        // Columns: the root mapping is depth 1, so in `traces: [[[…` the 64th bracket (column 72) is depth 65.
        BadInput(
            name: "unknown key with a suggestion",
            yaml: minimal.replacingOccurrences(of: "strategy: {kind: ftte}", with: "strategy: {kind: ftte, bufer: 4}"),
            line: 7, column: 24, keyPath: "strategy.bufer", message: "unknown key 'bufer' (did you mean 'buffer'?)"),
        BadInput(
            name: "wrong type", yaml: minimal.replacingOccurrences(of: "count: 10", with: "count: many"),
            line: 3, column: 10, keyPath: "devices.count", message: "got 'many'; expected an integer from 1 to 1000000"),
        BadInput(
            name: "capacity ratio outside (0, 1]",
            yaml: minimal.replacingOccurrences(
                of: "strategy: {kind: ftte}", with: "strategy: {kind: ftte, subnet: {capacity_ratio: 1.5}}"),
            line: 7, column: 49, keyPath: "strategy.subnet.capacity_ratio",
            message: "expected a capacity ratio in (0, 1]"),
        BadInput(
            name: "negative count", yaml: minimal.replacingOccurrences(of: "count: 10", with: "count: -3"),
            line: 3, column: 10, keyPath: "devices.count", message: "got -3; expected an integer from 1 to 1000000"),
        BadInput(
            name: "shares that do not sum to 1",
            yaml: minimal.replacingOccurrences(of: "share: 0.4", with: "share: 0.3"),
            line: 5, column: 5, keyPath: "devices.classes", message: "the shares sum to 0.9"),
        BadInput(
            name: "a list where a mapping belongs",
            yaml: minimal.replacingOccurrences(of: "strategy: {kind: ftte}", with: "strategy: [ftte]"),
            line: 7, column: 11, keyPath: "strategy", message: "expected a mapping with keys kind"),
        BadInput(
            name: "duplicate keys", yaml: minimal + "seed: 2\nseed: 3\n", line: 9, column: 1, keyPath: "seed",
            message: "duplicate key (first given on line 8)"),
        BadInput(
            name: "a misspelt strategy", yaml: minimal.replacingOccurrences(of: "kind: ftte", with: "kind: fedbuf"),
            line: 7, column: 18, keyPath: "strategy.kind", message: "got 'fedbuf' (did you mean 'fedbuff'?)"),
        BadInput(
            name: "a misspelt swept key", yaml: minimal + "sweep:\n  strategy.bufer: [2, 4]\n", line: 9, column: 3,
            keyPath: "strategy.bufer", message: "unknown key 'bufer' (did you mean 'buffer'?)"),
        BadInput(
            name: "an invalid swept value", yaml: minimal + "sweep:\n  strategy.buffer: [2, 0]\n", line: 9, column: 24,
            keyPath: "strategy.buffer", message: "got 0; expected an integer from 1 to 100000"),
        BadInput(
            name: "zip lists of different lengths",
            yaml: minimal + "zip:\n  client.lr: [0.1, 0.2]\n  client.batch: [8]\n",
            line: 10, column: 17, keyPath: "zip.client.batch", message: "has 1 values; expected 2"),
        BadInput(
            name: "YAML syntax", yaml: minimal + "stop: {max_sim_time: 7d\n", line: nil, column: nil, keyPath: "",
            message: "not valid YAML"),
        BadInput(
            name: "a bad duration", yaml: minimal + "stop: {max_sim_time: 7 weeks}\n", line: 8, column: 22,
            keyPath: "stop.max_sim_time", message: "expected a duration such as 30s"),
        BadInput(
            name: "nesting too deep", yaml: minimal + "traces: " + String(repeating: "[", count: 100_000) + "\n",
            line: 8, column: 72, keyPath: "", message: "nesting deeper than 64"),
        BadInput(
            name: "a battery capacity beyond any battery",
            yaml: minimal.replacingOccurrences(
                of: "battery: cr2032}", with: "battery: cr2032, battery_capacity_mAh: 1e20}"),
            line: 6, column: 119, keyPath: "devices.classes[1].battery_capacity_mAh",
            message: "got 1e+20; expected a capacity > 0 and at most 1e9 in mAh"),
        BadInput(
            name: "a missing section", yaml: "name: x\nstrategy: {kind: ftte}\n", line: 1, column: 1,
            keyPath: "devices", message: "missing; expected the fleet"),
    ]

    @Test(arguments: badInputs)
    func badInputIsReportedWhereItIs(_ case: BadInput) throws {
        let error = try #require(self.refusal(`case`.yaml))
        if let line = `case`.line { #expect(error.line == line) }
        if let column = `case`.column { #expect(error.column == column) }
        if `case`.keyPath != "" { #expect(error.keyPath == `case`.keyPath) }
        #expect(error.message.contains(`case`.message), "\(error)")
        #expect(error.description.hasPrefix("m.yaml:"))
    }
}

/// Checks that need the world built (data, plans, profiles): `ManifestSweep.check()`, as `ftte-sim validate` runs it.
@Suite struct ManifestCheckTests {
    @Test func aModelNoDeviceCanTrainUnderItsCapIsRefused() throws {
        let yaml = ManifestTests.minimal.replacingOccurrences(
            of: "strategy: {kind: ftte}", with: "strategy: {kind: fedavg}"
        )
        .replacingOccurrences(of: "sram: 512KiB", with: "sram: 256KiB")
        let sweep = try ManifestSweep(yaml: yaml, file: "m.yaml")
        // mlp-28's full update at batch 32 plans 529 968 bytes (ftte-sim plan --model mlp-28 --batch 32).
        #expect {
            try sweep.check()
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.keyPath == "strategy.subnet" && error.message.contains("needs at least 529968 bytes")
                && error.line == 7
        }
    }

    @Test func aBatteryThatCannotSourceTheRadiosPulsesIsRefused() throws {
        // A CR2032 cannot source the SX1276's transmit current (Energy's pulse limit).
        let yaml = ManifestTests.minimal.replacingOccurrences(
            of: "radio: {kind: lorawan}}", with: "radio: {kind: lorawan}, battery: CR2032}")
        let sweep = try ManifestSweep(yaml: yaml, file: "m.yaml")
        #expect {
            try sweep.check()
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.keyPath.hasPrefix("devices.classes[0]") && error.line == 5
        }
    }

    @Test func theQuickstartIsValidAndExperimentsHoldItsText() throws {
        let text = try Quickstart.text()
        let sweep = try ManifestSweep(yaml: text, file: Quickstart.fileName)
        #expect(sweep.runs.count == 2)
        try sweep.check()
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Experiments/quickstart.yaml")
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
    }
}
