// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

extension LearningSetup {
    /// The files `traces.partition` and `traces.initial_weights` ask for.
    func exports(_ traces: TracesSection) -> (
        files: [(name: String, text: String)], binaryFiles: [(name: String, data: Data)]
    ) {
        var files: [(name: String, text: String)] = []
        var binaryFiles: [(name: String, data: Data)] = []
        if traces.partition { files.append((name: "partition.csv", text: self.partitionTable().text)) }
        if traces.initialWeights { binaryFiles.append((name: "initial_weights.bin", data: self.initialWeightsFile())) }
        return (files, binaryFiles)
    }

    /// `partition.csv` (`traces.partition`): one row per training example a device holds, `device_id,
    /// example_index`, device by device in the order the device's slice lists them. `example_index` is the
    /// example's position in the data set's training file (0-based), also after `dataset.train_examples` took a
    /// subset, so another framework can rebuild every device's data from the same files.
    func partitionTable() -> CSVTable {
        var table = CSVTable(header: ["device_id", "example_index"])
        for (device, indices) in self.partition.enumerated() {
            let id = String(device)
            for index in indices {
                table.append([id, String(self.trainFilePositions?[index] ?? index)])
            }
        }
        return table
    }

    /// `initial_weights.bin` (`traces.initial_weights`): the global model the run starts from (seeded, or the
    /// manifest's `model.initial_weights`), in the ``WeightsFile`` format.
    func initialWeightsFile() -> Data {
        WeightsFile.encode(self.initial, of: self.model)
    }
}
