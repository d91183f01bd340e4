// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Federation
import SimKernel

extension World {
    /// The columns of a run's `summary.csv` after `run_id`, `replication` and the swept keys (documented in the
    /// README).
    static let summaryColumns = [
        "name", "seed", "strategy", "subnet_policy", "capacity_ratio", "staleness_fn", "devices", "stop_reason",
        "end_time_s", "time_to_target_s", "target_accuracy", "final_accuracy", "final_loss", "best_accuracy",
        "model_version", "updates_received", "updates_dropped", "participations", "completed_participations",
        "peak_device_memory_bytes", "mean_bytes_down", "mean_bytes_up", "bytes_down", "bytes_up",
        "total_payload_bytes", "energy_J", "survivors", "epsilon", "events",
    ]

    /// Accounts every device up to `end`, evaluates the final model, and assembles the run's files.
    func finish(at end: SimTime) throws -> RunResult {
        for index in self.devices.indices where self.devices[index].power.isAlive {
            try self.account(index, to: end)
        }
        let model = self.server.model
        if model.version != self.lastEvaluatedVersion {
            try self.evaluate(event: "final", updatesInStep: 0, meanStaleness: nil, at: end)
        }
        let manifest = self.manifest
        let energy = self.devices.reduce(Int128(0)) { $0 + $1.power.ledger.totalEnergy.zeptojoules }
        let peaks = self.setup.classTraining.compactMap(\.peakMemoryBytes)
        var epsilon: Double?
        if let ledger = self.server.privacyLedger {
            epsilon = try? ledger.epsilon(delta: manifest.strategy.privacy.delta)
        }
        let completed = self.completedParticipations
        let row: [String] =
            [self.spec.id, String(self.spec.replication)] + self.spec.parameters.map(\.value) + [
                manifest.name, String(manifest.seed), manifest.strategy.kind, manifest.strategy.subnet.policy,
                CSVField.number(manifest.strategy.subnet.capacityRatio), manifest.strategy.staleness.function,
                String(manifest.devices.count), self.stopReason ?? "", CSVField.seconds(end),
                self.reachedTarget.map(CSVField.seconds) ?? "", CSVField.number(manifest.stop.targetAccuracy),
                CSVField.number(self.last?.accuracy), CSVField.number(self.last?.loss), CSVField.number(self.best),
                String(model.version), String(self.updatesReceived), String(self.updatesDropped),
                String(self.participationCounter), String(completed), CSVField.integer(peaks.max()),
                completed > 0 ? CSVField.number(Double(self.bytesDown) / Double(self.updatesReceived)) : "",
                completed > 0 ? CSVField.number(Double(self.bytesUp) / Double(self.updatesReceived)) : "",
                String(self.bytesDown), String(self.bytesUp), String(self.bytesDown + self.bytesUp),
                CSVField.number(Double(energy) / 1e21), String(self.devices.count { $0.power.isAlive }),
                CSVField.number(epsilon), String(self.simulator.eventCount),
            ]
        var files = [
            (name: "global.csv", text: self.traces.global.text), (name: "devices.csv", text: self.traces.devices.text),
        ]
        if let events = self.traces.events { files.append((name: "events.csv", text: events.text)) }
        let exports = self.setup.exports(manifest.traces)
        return RunResult(
            files: files + exports.files, binaryFiles: exports.binaryFiles,
            summaryHeader: ["run_id", "replication"] + self.spec.parameters.map(\.key) + Self.summaryColumns,
            summaryRow: row)
    }
}

/// Runs one run of a manifest.
public enum Simulation {
    /// Builds the world for `spec` and runs it.
    ///
    /// - Parameters:
    ///   - spec: The run.
    ///   - file: The manifest file (for errors).
    ///   - threads: Training worker threads (results do not depend on it).
    /// - Returns: The run's files and summary.
    /// - Throws: ``ManifestError`` for what the manifest asks that cannot be built; ``SimulationError`` for an
    ///   internal fault.
    public static func run(_ spec: RunSpec, file: String, threads: Int) throws -> RunResult {
        let world = try World(spec: spec, file: file, threads: threads)
        return try world.run()
    }
}
