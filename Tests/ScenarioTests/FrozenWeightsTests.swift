// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Scenario
import Testing

/// `strategy.subnet.frozen_weights`: provisioned from manufacture, or downloaded whole on a device's first
/// participation.
@Suite struct FrozenWeightsTests {
    /// Four always-online BLE devices whose 64 KiB cap makes FTTE train a sparse update of the MLP.
    static let manifest = """
        name: frozen
        seed: 5
        dataset: {name: embedded, train_examples: 120}
        model: {name: mlp-28}
        devices:
          count: 4
          classes:
            - {name: ble, share: 1, sram: 64KiB, mcu: nrf52840, radio: {kind: ble}, battery: 2xAA-alkaline}
        strategy: {kind: ftte, buffer: 2, concurrency: 4, subnet: {frozen_weights: FROZEN}}
        client: {batch: 10, lr: 0.1}
        evaluation: {test_subset: 50}
        stop: {max_updates: 12, max_sim_time: 1d}

        """

    /// devices.csv rows of a run, per device in the order they were written (participations in order).
    static func rowsByDevice(_ frozen: String) throws -> [String: [[String: String]]] {
        let files = try WorldTests.run(Self.manifest.replacingOccurrences(of: "FROZEN", with: frozen))
        return Dictionary(grouping: WorldTests.table(files["devices.csv"]).rows) { $0["device_id"] ?? "" }
    }

    @Test func downloadedFrozenWeightsCostTheWholeModelOnceThenTheSubNetwork() throws {
        // mlp-28: fc1 784·64 + 64, fc2 64·64 + 64, fc3 64·10 + 10 = 55050 parameters in 6 tensors; the whole model
        // is one message of a 6-byte header, 6 tensor headers of 4 bytes and 4 bytes per float32 value.
        let wholeModel = 6 + 6 * 4 + 4 * 55050
        let provisioned = try Self.rowsByDevice("provisioned")
        let downloaded = try Self.rowsByDevice("downloaded")
        #expect(downloaded.count == 4)
        // With provisioned weights every participation downloads the same sparse sub-network, smaller than the model.
        let subNetworkBytes = try #require(provisioned.values.first?.first?["bytes_down"].flatMap { Int($0) })
        #expect(subNetworkBytes < wholeModel)
        #expect(provisioned.values.joined().allSatisfy { $0["bytes_down"] == String(subNetworkBytes) })
        for (device, rows) in downloaded {
            #expect(rows.first?["bytes_down"] == String(wholeModel), "device \(device)")
            #expect(rows.count > 1, "device \(device)")
            #expect(rows.dropFirst().allSatisfy { $0["bytes_down"] == String(subNetworkBytes) }, "device \(device)")
            // Uploads stay the sub-network's deltas.
            #expect(rows.allSatisfy { $0["bytes_up"] == String(subNetworkBytes) }, "device \(device)")
        }
    }

    @Test func theKeyDefaultsToProvisionedAndRejectsOtherValuesWithItsKeyPath() throws {
        let plain = Self.manifest.replacingOccurrences(of: ", subnet: {frozen_weights: FROZEN}", with: "")
        let sweep = try ManifestSweep(yaml: plain, file: "m.yaml")
        #expect(sweep.runs[0].manifest.strategy.subnet.frozenWeights == "provisioned")
        #expect(sweep.runs[0].resolvedYAML.contains("frozen_weights: provisioned"))
        do {
            _ = try ManifestSweep(
                yaml: Self.manifest.replacingOccurrences(of: "FROZEN", with: "flashed"), file: "m.yaml")
            Issue.record("an unknown frozen_weights value was accepted")
        } catch {
            #expect(error.keyPath == "strategy.subnet.frozen_weights")
            #expect(error.message.contains("got 'flashed'; expected one of provisioned, downloaded"))
        }
    }
}
