// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Foundation
import TinyTrain

/// `ftte-sim plan`: compiles a model's training step and prints its static memory plan.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the static training-memory plan of a model: peak SRAM bytes, lower bound, breakdown, flash.",
        discussion: """
            SPEC: comma-separated clauses applied left to right, all layers starting frozen:
              full | bias-only | none | last:K | last:K@R | NAME=w | NAME=b | NAME=f | NAME=w@R | NAME=w[i;j;k]
            (w: weights and bias, b: bias only, f: frozen, @R: first ⌈R·C⌉ output channels, [..]: listed channels).
            Example: bias-only,last:2@0.5. A path ending in .yaml reads a file with a 'rules' list of clauses.
            """
    )

    @Option(help: "Built-in model (\(ModelZoo.names.joined(separator: ", "))) or a model file (.yaml).")
    var model: String

    @Option(help: "Which parameters train: full, a SPEC, or a YAML file of SPEC rules (see below).")
    var update: String = "full"

    @Option(help: "Samples per mini-batch.")
    var batch: Int = 1

    @Option(help: "SRAM cap, e.g. 256KiB or 1MiB; the command fails (exit 65) when the plan does not fit.")
    var cap: String?

    @Flag(help: "Keep an SGD momentum buffer per trainable parameter.")
    var momentum = false

    @Flag(name: .customLong("no-in-place-update"), help: "Apply all gradients after the backward pass instead.")
    var deferredUpdate = false

    @Flag(
        name: .customLong("no-bit-masks"),
        help: "Keep activation outputs for backward instead of 1-bit masks (as general-purpose frameworks do).")
    var savedOutputs = false

    @Option(help: "Output format: text or csv.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, csv
    }

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        if let cap {
            do {
                _ = try ByteSize.parse(cap)
            } catch {
                throw ValidationError("--cap: \(error)")
            }
        }
    }

    func run() throws {
        let plan: TrainingPlan
        let spec: UpdateSpec
        do {
            let graph = try ModelZoo.resolve(model)
            let capBytes = try cap.map { try ByteSize.parse($0) }
            let options = CompileOptions(
                batch: batch, momentum: momentum, inPlaceUpdate: !deferredUpdate, capBytes: capBytes,
                bitMasks: !savedOutputs)
            spec = try UpdateSpec.resolve(update)
            plan = try TrainingPlan.compile(graph, update: spec, options: options)
        } catch let error as ModelError {
            throw dataError(error.description)
        } catch let error as PlanError {
            if case .invalidOptions = error { throw ValidationError(error.description) }
            throw dataError(error.description)
        }
        print(format == .text ? plan.textReport(update: spec) : plan.csvReport(update: spec), terminator: "")
    }
}

extension TrainingPlan {
    /// The rows of the report: name, value.
    func reportRows(update: UpdateSpec) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("model", model.name),
            ("update", update.description),
            ("batch", String(options.batch)),
            ("parameters", String(parameterCount)),
            ("trainable_parameters", String(trainableParameterCount)),
            ("peak_sram_bytes", String(arenaBytes)),
            ("lower_bound_bytes", String(lowerBoundBytes)),
        ]
        for role in TensorRole.allCases { rows.append(("\(role.rawValue)_bytes", String(breakdownAtPeak[role]))) }
        rows += [
            ("flash_bytes", String(flashBytes)),
            ("forward_macs", String(forwardMACs)),
            ("backward_macs", String(backwardMACs)),
            ("tensors", String(tensors.count)),
            ("steps", String(steps.count)),
        ]
        return rows
    }

    /// Aligned `name value` lines and the step of the breakdown.
    func textReport(update: UpdateSpec) -> String {
        alignedReport(reportRows(update: update))
            + "(breakdown: bytes live at the busiest step, step \(peakStep) of \(steps.count))\n"
    }

    /// One header row and one data row.
    func csvReport(update: UpdateSpec) -> String { ftte_sim.csvReport(reportRows(update: update)) }
}
