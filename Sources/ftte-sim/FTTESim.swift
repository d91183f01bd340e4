// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Scenario

/// The `ftte-sim` command: subcommands for simulation runs, sweeps and the models behind them.
@main
struct FTTESim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ftte-sim",
        abstract: "Discrete-event simulator for federated learning on tiny, battery-powered IoT devices.",
        version: ToolVersion.versionLine,
        subcommands: [
            RunCommand.self, SweepCommand.self, ValidateCommand.self, MergeCommand.self, KernelDemo.self,
            PlanCommand.self, FootprintCommand.self, TrainCommand.self, Airtime.self, BLEThroughput.self,
            LoRaWANTransferCommand.self,
        ]
    )
}
