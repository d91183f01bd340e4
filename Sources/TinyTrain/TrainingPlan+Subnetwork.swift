// SPDX-License-Identifier: GPL-3.0-or-later

extension TrainingPlan {
    /// The trainable parameters of `weights` as one flat array: the sub-network a device sends back.
    ///
    /// Order: layer by layer; within a layer the trainable weight rows (ascending), then the bias if it trains.
    /// Its length is ``trainableParameterCount``.
    /// - Parameter weights: one entry per layer, as ``LayerWeights`` lays them out.
    /// - Throws: ``PlanError/invalidData(_:)`` when `weights` does not match the layers.
    public func trainableParameters(of weights: [LayerWeights]) throws -> [Float] {
        try checkShapes(weights)
        var flat: [Float] = []
        flat.reserveCapacity(trainableParameterCount)
        for (layer, entry) in zip(layers, weights) {
            for row in layer.trainableRows {
                flat += entry.weights[(row * layer.rowLength)..<((row + 1) * layer.rowLength)]
            }
            if layer.biasTrainable { flat += entry.bias }
        }
        return flat
    }

    /// Writes a flat sub-network (as ``trainableParameters(of:)`` orders it) into `weights`, leaving frozen
    /// parameters as they are.
    /// - Throws: ``PlanError/invalidData(_:)`` when the counts do not match.
    public func setTrainableParameters(_ flat: [Float], in weights: inout [LayerWeights]) throws {
        try checkShapes(weights)
        guard flat.count == trainableParameterCount else {
            throw PlanError.invalidData("expected \(trainableParameterCount) trainable parameters, got \(flat.count)")
        }
        var cursor = 0
        for (index, layer) in layers.enumerated() {
            for row in layer.trainableRows {
                weights[index].weights.replaceSubrange(
                    (row * layer.rowLength)..<((row + 1) * layer.rowLength),
                    with: flat[cursor..<(cursor + layer.rowLength)])
                cursor += layer.rowLength
            }
            if layer.biasTrainable {
                weights[index].bias = Array(flat[cursor..<(cursor + layer.rows)])
                cursor += layer.rows
            }
        }
    }

    private func checkShapes(_ weights: [LayerWeights]) throws {
        guard weights.count == layers.count else {
            throw PlanError.invalidData("expected weights for \(layers.count) layers, got \(weights.count)")
        }
        for (layer, entry) in zip(layers, weights)
        where entry.weights.count != layer.rows * layer.rowLength
            || entry.bias.count != (layer.hasBias ? layer.rows : 0)
        {
            throw PlanError.invalidData(
                "layer '\(layer.name)' has \(entry.weights.count) weights and \(entry.bias.count) biases")
        }
    }
}
