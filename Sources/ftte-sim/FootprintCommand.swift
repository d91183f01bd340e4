// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Federation
import Foundation
import Scenario
import TinyTrain

/// `ftte-sim footprint`: the memory and payload of FedAvg's full update and FTTE's sparse update under SRAM caps.
struct FootprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint",
        abstract: "Training memory (static plan and eager accounting) and payload of FedAvg vs FTTE under SRAM caps.",
        discussion: """
            One row per (cap, scheme): fedavg is the full update (its plan compiled without the cap; fits_cap says
            whether it fits); ftte is the sparse update the sparse-update policy picks under the cap. When no sparse
            update fits a cap, the ftte row shows the smallest one (the classifier's first step) compiled without
            the cap, with fits_cap=false, and a note goes to standard error.
            eager_bytes: every tensor of the step held for the whole step, no reuse, saved outputs instead of bit
            masks, gradients kept until a separate update, every weight (frozen too) in RAM.
            --per-layer prints static_bytes_at_peak and eager_bytes per (layer, role) instead; they sum to the
            totals (the (arena) placement_overhead row holds arena bytes above the busiest step's live bytes).
            """
    )

    @Option(help: "Built-in model (\(ModelZoo.names.joined(separator: ", "))) or a model file (.yaml).")
    var model: String

    @Option(help: "Comma-separated SRAM caps, e.g. 128KiB,256KiB,512KiB.")
    var caps: String

    @Option(help: "Samples per mini-batch.")
    var batch: Int = 1

    @Flag(help: "Keep an SGD momentum buffer per trainable parameter.")
    var momentum = false

    @Flag(name: .customLong("per-layer"), help: "Print the breakdown per layer and role instead of the totals.")
    var perLayer = false

    @Option(help: "Output format: text or csv.")
    var format: PlanCommand.OutputFormat = .csv

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        _ = try parsedCaps()
    }

    /// The caps in bytes, in the order given.
    func parsedCaps() throws -> [Int] {
        let fields = caps.split(separator: ",", omittingEmptySubsequences: false)
        return try fields.map { field in
            let bytes: Int
            do {
                bytes = try ByteSize.parse(String(field))
            } catch {
                throw ValidationError("--caps: \(error)")
            }
            guard bytes > 0 else { throw ValidationError("--caps: a cap must be positive, got '\(field)'") }
            return bytes
        }
    }

    func run() throws {
        var rows: [[String]] = []
        do {
            let graph = try ModelZoo.resolve(model)
            let federated = try FederatedModel(graph: graph)
            let policy = try SparseUpdatePolicy(batchSize: batch, momentum: momentum)
            let codec = PayloadCodec(layout: federated.layout)
            for cap in try parsedCaps() {
                for scheme in FootprintScheme.allCases {
                    let footprint = try UpdateFootprint.measure(
                        model: federated, scheme: scheme, capBytes: cap, policy: policy, codec: codec)
                    if footprint.nothingFits {
                        FileHandle.standardError.write(
                            Data(
                                ("note: no sparse update of \(graph.name) fits \(cap) bytes; the ftte row shows the "
                                    + "smallest one (\(footprint.staticPeakBytes) bytes), fits_cap=false\n").utf8))
                    }
                    rows +=
                        perLayer ? layerRows(footprint, model: graph.name) : [totalRow(footprint, model: graph.name)]
                }
            }
        } catch let error as ModelError {
            throw dataError(error.description)
        } catch let error as PlanError {
            throw dataError(error.description)
        } catch let error as FederationConfigurationError {
            throw dataError(error.description)
        }
        let header = perLayer ? Self.layerColumns : Self.totalColumns
        if format == .csv {
            var table = CSVTable(header: header)
            for row in rows { table.append(row) }
            print(table.text, terminator: "")
        } else {
            print(alignedColumns([header] + rows), terminator: "")
        }
    }

    /// Columns of the totals table.
    static let totalColumns = [
        "model", "batch", "cap_bytes", "scheme", "params_total", "params_trained", "static_peak_bytes", "eager_bytes",
        "fits_cap", "upload_bytes", "download_bytes", "full_model_bytes", "flash_bytes",
    ]

    /// Columns of the per-layer table.
    static let layerColumns = [
        "model", "batch", "cap_bytes", "scheme", "layer", "role", "static_bytes_at_peak", "eager_bytes",
    ]

    func totalRow(_ footprint: UpdateFootprint, model name: String) -> [String] {
        [
            name, String(batch), String(footprint.capBytes), footprint.scheme.rawValue,
            String(footprint.parametersTotal), String(footprint.parametersTrained), String(footprint.staticPeakBytes),
            String(footprint.eagerBytes), String(footprint.fitsCap), String(footprint.uploadBytes),
            String(footprint.downloadBytes), String(footprint.fullModelBytes), String(footprint.flashBytes),
        ]
    }

    func layerRows(_ footprint: UpdateFootprint, model name: String) -> [[String]] {
        footprint.layers.map { entry in
            [
                name, String(batch), String(footprint.capBytes), footprint.scheme.rawValue, entry.layer, entry.role,
                String(entry.staticBytesAtPeak), String(entry.eagerBytes),
            ]
        }
    }
}
