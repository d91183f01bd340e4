// SPDX-License-Identifier: GPL-3.0-or-later

extension TrainingPlan {
    /// Multiply-accumulates of the forward and backward passes over a full batch.
    ///
    /// Counted: conv2d and linear products (forward; backward input gradients where computed; weight
    /// gradients for trainable rows), and the SGD update (one per trainable parameter, two with momentum).
    /// Not counted: pooling, activations, bias sums and the loss, which are linear in the activations and
    /// small beside the products.
    func countMACs() -> (forward: Int, backward: Int) {
        var forward = 0
        var backward = 0
        for op in ops {
            guard let layerIndex = op.layer else { continue }
            let layer = layers[layerIndex]
            let outputPositions = valueShapes[op.output].height * valueShapes[op.output].width
            let perRow = outputPositions * layer.rowLength
            forward += options.batch * layer.rows * perRow
            if op.needsBackward {
                if op.inputNeedsGradient[0] { backward += options.batch * layer.rows * perRow }
                backward += options.batch * layer.trainableRows.count * perRow
            }
        }
        backward += trainableParameterCount * (options.momentum ? 2 : 1)
        return (forward, backward)
    }
}
