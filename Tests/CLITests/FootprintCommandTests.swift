// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

/// `ftte-sim footprint`: memory and payload of FedAvg's full update and FTTE's sparse update under SRAM caps.
extension CommandLineTests {
    /// The CSV rows of a footprint run as column → value.
    func footprintRows(_ arguments: [String]) throws -> [[String: String]] {
        let result = try run(["footprint"] + arguments)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = try #require(lines.first)
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func footprintPrintsOneRowPerCapAndSchemeWithPayloadsFromTheCodecFormat() throws {
        let result = try run(["footprint", "--model", "cnn-cifar", "--caps", "128KiB,256KiB,512KiB"])
        #expect(result.status == 0)
        #expect(
            result.standardOutput.hasPrefix(
                "model,batch,cap_bytes,scheme,params_total,params_trained,static_peak_bytes,eager_bytes,fits_cap,"
                    + "upload_bytes,download_bytes,full_model_bytes,flash_bytes\n"))
        let rows = try footprintRows(["--model", "cnn-cifar", "--caps", "128KiB,256KiB,512KiB"])
        #expect(rows.map { $0["cap_bytes"] ?? "" } == ["131072", "131072", "262144", "262144", "524288", "524288"])
        #expect(rows.map { $0["scheme"] ?? "" } == ["fedavg", "ftte", "fedavg", "ftte", "fedavg", "ftte"])
        // cnn-cifar: conv1 3→16, conv2 16→32, conv3 32→64, conv4 64→64 (3×3, each with a folded-BN bias), fc 64→10:
        // 448 + 4640 + 18496 + 36928 + 650 = 61162 parameters in 10 tensors.
        // Whole model: 6-byte header + 10 tensor headers of 4 bytes + 4 bytes per float32 value.
        let fullModel: Int = 6 + 10 * 4 + 4 * 61162
        for row in rows {
            #expect(row["params_total"] == "61162")
            #expect(row["full_model_bytes"] == String(fullModel))
            #expect(row["upload_bytes"] == row["download_bytes"])
        }
        for row in rows where row["scheme"] == "fedavg" {
            #expect(row["params_trained"] == "61162")
            #expect(row["upload_bytes"] == String(fullModel))
            #expect(row["flash_bytes"] == "0")
        }
        // At 128 KiB the sparse update trains fc (650), conv4's bias (64) and conv4's first 16 of 64 output channels
        // (16 · 64·3·3 = 9216): 9930 parameters in 4 tensors, conv4.weight as a channel window (8 more header bytes).
        let sparse = try #require(rows.first { $0["scheme"] == "ftte" && $0["cap_bytes"] == "131072" })
        #expect(sparse["params_trained"] == "9930")
        let sparseBytes: Int = 6 + 4 * 4 + 8 + 4 * 9930
        #expect(sparse["upload_bytes"] == String(sparseBytes))
        // The frozen parameters stay in flash: (61162 − 9930) · 4 bytes.
        let frozenBytes: Int = (61162 - 9930) * 4
        #expect(sparse["flash_bytes"] == String(frozenBytes))
        // FedAvg's plan fits 512 KiB but not 256 KiB.
        #expect(rows.filter { $0["scheme"] == "fedavg" }.map { $0["fits_cap"] ?? "" } == ["false", "false", "true"])
    }

    @Test(arguments: ["cnn-cifar", "mobilenetv2-cifar"])
    func ftteFitsEachCapAndTrainsNoLessAsTheCapGrows(_ model: String) throws {
        let result = try run(["footprint", "--model", model, "--caps", "128KiB,256KiB,512KiB"])
        let rows = try footprintRows(["--model", model, "--caps", "128KiB,256KiB,512KiB"])
            .filter { $0["scheme"] == "ftte" }
        #expect(rows.count == 3)
        var previous = 0
        for row in rows {
            let cap = try #require(Int(row["cap_bytes"] ?? ""))
            let peak = try #require(Int(row["static_peak_bytes"] ?? ""))
            let trained = try #require(Int(row["params_trained"] ?? ""))
            let eager = try #require(Int(row["eager_bytes"] ?? ""))
            #expect(row["fits_cap"] == String(peak <= cap))
            if row["fits_cap"] == "false" {
                // Nothing fits: the row shows the smallest sparse update, and standard error says so.
                #expect(result.standardError.contains("no sparse update of \(model) fits \(cap) bytes"))
            }
            #expect(trained >= previous)
            #expect(eager >= peak)
            previous = trained
        }
        // From 256 KiB on, both models have a sparse update that fits.
        #expect(rows.dropFirst().allSatisfy { $0["fits_cap"] == "true" })
    }

    @Test(arguments: ["cnn-cifar", "mobilenetv2-cifar"])
    func perLayerRowsSumToTheTotals(_ model: String) throws {
        let arguments = ["--model", model, "--caps", "128KiB,256KiB,512KiB", "--batch", "2", "--momentum"]
        let totals = try footprintRows(arguments)
        let layers = try footprintRows(arguments + ["--per-layer"])
        for total in totals {
            let mine = layers.filter { $0["cap_bytes"] == total["cap_bytes"] && $0["scheme"] == total["scheme"] }
            #expect(!mine.isEmpty)
            let staticSum = mine.reduce(0) { $0 + (Int($1["static_bytes_at_peak"] ?? "") ?? -1) }
            let eagerSum = mine.reduce(0) { $0 + (Int($1["eager_bytes"] ?? "") ?? -1) }
            #expect(String(staticSum) == total["static_peak_bytes"])
            #expect(String(eagerSum) == total["eager_bytes"])
            #expect(mine.allSatisfy { $0["batch"] == "2" && !($0["layer"] ?? "").isEmpty })
        }
    }

    @Test(arguments: [
        (["--model", "resnet-1000", "--caps", "256KiB"], Int32(65)),
        (["--model", "/nonexistent/model.yaml", "--caps", "256KiB"], Int32(65)),
        (["--model", "cnn-cifar", "--caps", "256XB"], Int32(64)),
        (["--model", "cnn-cifar", "--caps", "256KiB,,512KiB"], Int32(64)),
        (["--model", "cnn-cifar", "--caps", "0"], Int32(64)),
        (["--model", "cnn-cifar", "--caps", "256KiB", "--batch", "0"], Int32(64)),
        (["--model", "cnn-cifar", "--caps", "256KiB", "--format", "json"], Int32(64)),
    ])
    func footprintRefusesBadInputWithoutAStackTrace(_ arguments: [String], _ status: Int32) throws {
        let result = try run(["footprint"] + arguments)
        #expect(result.status == status, "\(arguments)")
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains("Error"))
        #expect(!result.standardError.contains("Stack"))
    }
}
