// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Scenario
import SimKernel
import Testing

/// End-to-end runs of small worlds: outputs, determinism, and the device life cycle as the traces show it.
@Suite struct WorldTests {
    /// Eight devices on LoRaWAN, BLE and a wired link; FTTE; devices come and go; an event trace.
    static let manifest = """
        name: e2e
        seed: 3
        dataset: {name: embedded, train_examples: 240}
        model: {name: mlp-28}
        devices:
          count: 8
          classes:
            - {name: lora, share: 0.5, sram: 512KiB, mcu: stm32l476, radio: {kind: lorawan}, battery: 2xAA-alkaline}
            - {name: ble, share: 0.25, sram: 512KiB, mcu: nrf52840, radio: {kind: ble}, battery: CR2032}
            - {name: wired, share: 0.25, sram: 512KiB, mcu: stm32f746, radio: {kind: ideal}}
          placement: {radius_m: 60}
          availability: {kind: markov, mean_online: 2min, mean_offline: 1min}
        strategy: {kind: ftte, buffer: 2, concurrency: 4}
        client: {batch: 10, lr: 0.1}
        evaluation: {test_subset: 100}
        stop: {max_updates: 30, max_sim_time: 1d}
        traces: {events: true}

        """

    static func run(_ yaml: String, threads: Int = 1) throws -> [String: String] {
        let sweep = try ManifestSweep(yaml: yaml, file: "e2e.yaml")
        let result = try Simulation.run(sweep.runs[0], file: "e2e.yaml", threads: threads)
        var files = Dictionary(uniqueKeysWithValues: result.files.map { ($0.name, $0.text) })
        var summary = CSVTable(header: result.summaryHeader)
        summary.append(result.summaryRow)
        files["summary.csv"] = summary.text
        return files
    }

    static func table(_ text: String?) -> (header: [String], rows: [[String: String]]) {
        let rows = CSVTable.parse(text ?? "")
        guard let header = rows.first else { return ([], []) }
        return (header, rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    @Test func everyDocumentedFileAndColumnIsWritten() throws {
        let files = try Self.run(Self.manifest)
        #expect(Set(files.keys) == ["global.csv", "devices.csv", "events.csv", "summary.csv"])
        // The columns as the README documents them.
        #expect(
            Self.table(files["global.csv"]).header == [
                "time_s", "model_version", "event", "updates_in_step", "mean_staleness", "test_accuracy", "test_loss",
                "updates_received", "updates_dropped", "cum_bytes_down", "cum_bytes_up", "cum_energy_J",
                "devices_alive", "devices_online",
            ])
        #expect(
            Self.table(files["devices.csv"]).header == [
                "time_s", "start_s", "device_id", "device_class", "participation", "round", "base_version",
                "staleness", "params_trained", "bytes_down", "bytes_up", "link_s", "airtime_s", "train_s", "macs",
                "energy_mJ", "peak_memory_bytes", "outcome",
            ])
        #expect(Self.table(files["events.csv"]).header == ["time_s", "event", "device_id", "detail"])
        #expect(
            Self.table(files["summary.csv"]).header == [
                "run_id", "replication", "name", "seed", "strategy", "subnet_policy", "capacity_ratio",
                "staleness_fn", "devices", "stop_reason", "end_time_s", "time_to_target_s", "target_accuracy",
                "final_accuracy", "final_loss", "best_accuracy", "model_version", "updates_received",
                "updates_dropped", "participations", "completed_participations", "peak_device_memory_bytes",
                "mean_bytes_down", "mean_bytes_up", "bytes_down", "bytes_up", "total_payload_bytes", "energy_J",
                "survivors", "epsilon", "events",
            ])
        let summary = try #require(Self.table(files["summary.csv"]).rows.first)
        #expect(summary["stop_reason"] == "max_updates")
        #expect(summary["updates_received"] == "30")
        // Real training: the model learned (10 classes: chance is 0.1).
        #expect(try #require(Double(summary["final_accuracy"] ?? "")) > 0.3)
    }

    @Test func theCSVsAreByteIdenticalAtAnyThreadCount() throws {
        let one = try Self.run(Self.manifest, threads: 1)
        let two = try Self.run(Self.manifest, threads: 2)
        let four = try Self.run(Self.manifest, threads: 4)
        #expect(one == two)
        #expect(one == four)
    }

    @Test func theEventSequenceFingerprintIsPinned() throws {
        // A deliberate change of behaviour must update this value (and say why in its commit).
        let files = try Self.run(Self.manifest)
        let fingerprint = String(fnv1a64((files["events.csv"] ?? "") + (files["devices.csv"] ?? "")), radix: 16)
        #expect(fingerprint == "80a8e0f9b3e1e191")
    }

    @Test func countsAgreeBetweenTheSummaryAndTheParticipationRows() throws {
        let files = try Self.run(Self.manifest)
        let devices = Self.table(files["devices.csv"]).rows
        let summary = try #require(Self.table(files["summary.csv"]).rows.first)
        let completed = devices.filter { $0["outcome"] == "completed" }
        #expect(String(completed.count) == summary["completed_participations"])
        let uploaded = completed.reduce(0) { $0 + (Int($1["bytes_up"] ?? "") ?? 0) }
        #expect(String(uploaded) == summary["bytes_up"])
        // Every participation ends exactly once: rows + those still running at the end = participations begun.
        #expect(devices.count <= Int(summary["participations"] ?? "") ?? 0)
        let numbers = devices.compactMap { $0["participation"] }
        #expect(Set(numbers).count == numbers.count)
    }

    @Test func anOfflineDeviceComesBackAndTrainsAgain() throws {
        // Without the wired class, whose instantaneous participations would take every update before the 2 min /
        // 1 min on-off cycle interrupts anything; a 20 s / 10 s cycle interrupts and brings devices back within 40 updates.
        let files = try Self.run(
            Self.manifest.replacingOccurrences(
                of: "{name: wired, share: 0.25, sram: 512KiB, mcu: stm32f746, radio: {kind: ideal}}",
                with: "{name: ble-m7, share: 0.25, sram: 512KiB, mcu: stm32f746, radio: {kind: ble}}"
            )
            .replacingOccurrences(of: "max_updates: 30,", with: "max_updates: 40,")
            .replacingOccurrences(
                of: "mean_online: 2min, mean_offline: 1min", with: "mean_online: 20s, mean_offline: 10s"))
        let devices = Self.table(files["devices.csv"]).rows
        let events = Self.table(files["events.csv"]).rows
        // Some device was interrupted by going offline and later completed a participation.
        let interrupted = devices.filter { $0["outcome"] == "dropped_offline" }
        #expect(!interrupted.isEmpty)
        let cameBack = interrupted.contains { row in
            devices.contains {
                $0["device_id"] == row["device_id"] && $0["outcome"] == "completed"
                    && (Double($0["start_s"] ?? "") ?? 0) > (Double(row["time_s"] ?? "") ?? 0)
            }
        }
        #expect(cameBack)
        #expect(events.contains { $0["event"] == "online" })
    }

    @Test func aBatteryThatDiesMidParticipationGivesOneRowAndNothingAfter() throws {
        // BLE devices on a coin cell with 0.01 mAh left (a participation draws about 0.003 mAh): they die within a
        // few participations.
        let yaml = Self.manifest.replacingOccurrences(
            of: "battery: CR2032}", with: "battery: CR2032, battery_capacity_mAh: 0.01}"
        ).replacingOccurrences(of: "availability: {kind: markov, mean_online: 2min, mean_offline: 1min}", with: "")
        let files = try Self.run(yaml)
        let devices = Self.table(files["devices.csv"]).rows
        let events = Self.table(files["events.csv"]).rows
        let deaths = events.filter { $0["event"] == "died" }
        #expect(!deaths.isEmpty)
        for death in deaths {
            let device = death["device_id"]
            let time = try #require(Double(death["time_s"] ?? ""))
            let rows = devices.filter { $0["device_id"] == device }
            #expect(rows.filter { $0["outcome"] == "dropped_battery" }.count == 1)
            #expect(rows.allSatisfy { (Double($0["time_s"] ?? "") ?? 0) <= time })
            #expect(events.filter { $0["device_id"] == device && (Double($0["time_s"] ?? "") ?? 0) > time }.isEmpty)
        }
        let summary = try #require(Self.table(files["summary.csv"]).rows.first)
        #expect(summary["survivors"] == String(8 - deaths.count))
        #expect(devices.filter { $0["outcome"] == "dropped_battery" }.count == deaths.count)
    }

    @Test func loRaWANDevicesWhoseBatteriesRunOutInsideARadioIntervalDieOnceAndTheRunGoesOn() throws {
        // Eight LoRaWAN devices with 0.15 mAh, polling for a model that never fits their downlink, coming and going.
        // Device 2 runs out inside the last radio interval before a status event: the world must account it up to
        // that event before predicting its battery (predicting from the interval's start put the cutoff in the
        // past, an internal error).
        let yaml = Self.manifest.replacingOccurrences(
            of: "share: 0.5, sram: 512KiB, mcu: stm32l476, radio: {kind: lorawan}, battery: 2xAA-alkaline}",
            with: "share: 1.0, sram: 512KiB, mcu: stm32l476, radio: {kind: lorawan}, battery: 2xAA-alkaline, "
                + "battery_capacity_mAh: 0.15}"
        ).replacingOccurrences(
            of: "    - {name: ble, share: 0.25, sram: 512KiB, mcu: nrf52840, radio: {kind: ble}, battery: CR2032}\n",
            with: ""
        ).replacingOccurrences(
            of: "    - {name: wired, share: 0.25, sram: 512KiB, mcu: stm32f746, radio: {kind: ideal}}\n", with: ""
        ).replacingOccurrences(of: "max_updates: 30,", with: "max_updates: 3000,")
        #expect(!yaml.contains("ble") && !yaml.contains("wired"))
        let files = try Self.run(yaml)
        let events = Self.table(files["events.csv"]).rows
        let deaths = events.filter { $0["event"] == "died" }
        #expect(deaths.contains { $0["device_id"] == "2" })
        // Each device dies once, and nothing of it happens afterwards.
        #expect(Set(deaths.compactMap { $0["device_id"] }).count == deaths.count)
        for death in deaths {
            let time = try #require(Double(death["time_s"] ?? ""))
            #expect(
                events.filter { $0["device_id"] == death["device_id"] && (Double($0["time_s"] ?? "") ?? 0) > time }
                    .isEmpty)
        }
        let summary = try #require(Self.table(files["summary.csv"]).rows.first)
        #expect(summary["survivors"] == String(8 - deaths.count))
    }

    @Test(arguments: ["fedasync", "fedbuff", "ftte", "fedavg"])
    func anIdealAlwaysOnFleetRunsUntilItsUpdateBudget(strategy: String) throws {
        // Mains power, an instantaneous lossless link, always online: nothing but the update budget can end this
        // run, and each of the 4 devices must come back for participation after participation (30 updates).
        let yaml = """
            name: ideal
            seed: 5
            dataset: {name: embedded, train_examples: 80}
            model: {name: mlp-28}
            devices:
              count: 4
              classes: [{name: wired, share: 1, sram: 512KiB, mcu: stm32f746, radio: {kind: ideal}}]
            strategy: {kind: \(strategy), buffer: 2, cohort_fraction: 0.5}
            client: {batch: 10, lr: 0.1}
            evaluation: {test_subset: 50}
            stop: {max_updates: 30, max_sim_time: 1d}

            """
        let files = try Self.run(yaml)
        let summary = try #require(Self.table(files["summary.csv"]).rows.first)
        #expect(summary["stop_reason"] == "max_updates")
        #expect(summary["updates_received"] == "30")
        let devices = Self.table(files["devices.csv"]).rows
        #expect(devices.allSatisfy { $0["outcome"] == "completed" })
        for device in 0..<4 {
            #expect(devices.filter { $0["device_id"] == String(device) }.count >= 2)
        }
    }

    @Test(arguments: [1, 3])
    func theTargetIsReachedAtTheFirstOfItsConsecutiveEvaluations(evaluations: Int) throws {
        let target = 0.5
        let yaml = Self.manifest.replacingOccurrences(
            of: "stop: {max_updates: 30, max_sim_time: 1d}",
            with: "stop: {target_accuracy: \(target), target_evaluations: \(evaluations), max_sim_time: 1d}")
        let files = try Self.run(yaml)
        let summary = try #require(Self.table(files["summary.csv"]).rows.first)
        let rows = Self.table(files["global.csv"]).rows
        let accuracies = rows.map { Double($0["test_accuracy"] ?? "") ?? 0 }
        // From the trace alone: the first index that starts `evaluations` consecutive rows at or above the target.
        let first = try #require(
            accuracies.indices.first { start in
                start + evaluations <= accuracies.count
                    && accuracies[start..<(start + evaluations)].allSatisfy { $0 >= target }
            })
        #expect(summary["stop_reason"] == "target_accuracy")
        #expect(summary["time_to_target_s"] == rows[first]["time_s"])
        // The run ends at the evaluation that completes the streak (a final row may follow only for a newer model).
        #expect(rows.count - (first + evaluations) <= 1)
    }

    @Test func targetEvaluationsIsCheckedAndOnlyWrittenWhenNotOne() throws {
        #expect(throws: ManifestError.self) {
            try ManifestSweep(
                yaml: Self.manifest.replacingOccurrences(
                    of: "stop: {max_updates: 30,", with: "stop: {target_evaluations: 0, max_updates: 30,"),
                file: "e2e.yaml")
        }
        let plain = try ManifestSweep(yaml: Self.manifest, file: "e2e.yaml").runs[0].resolvedYAML
        let one = try ManifestSweep(
            yaml: Self.manifest.replacingOccurrences(
                of: "stop: {max_updates: 30,", with: "stop: {target_evaluations: 1, max_updates: 30,"),
            file: "e2e.yaml"
        ).runs[0].resolvedYAML
        #expect(plain == one)
        #expect(!plain.contains("target_evaluations"))
    }
}
