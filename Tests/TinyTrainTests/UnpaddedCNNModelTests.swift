// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

@testable import TinyTrain

/// `Experiments/models/cnn-28-nopad.yaml`, the model of the cross-check against Flower: its shapes and sizes
/// against counts worked out by hand from the layer list.
struct UnpaddedCNNModelTests {
    static let path = ModelDescriptionTests.modelsDirectory.appendingPathComponent("cnn-28-nopad.yaml").path

    @Test
    func unpaddedCNNHasTheHandComputedShapesParametersAndMACs() throws {
        let model = try ModelFile.load(path: Self.path)
        #expect(model.name == "cnn-28-nopad")
        // Unpadded 3×3 convolutions lose 2 pixels, 2×2 pools halve (floor): 28 → 26 → 13 → 11 → 5.
        let shapes = Dictionary(uniqueKeysWithValues: model.nodes.map { ($0.name, $0.shape) })
        #expect(shapes["conv1"] == TensorShape(channels: 8, height: 26, width: 26))
        #expect(shapes["pool1"] == TensorShape(channels: 8, height: 13, width: 13))
        #expect(shapes["conv2"] == TensorShape(channels: 16, height: 11, width: 11))
        #expect(shapes["pool2"] == TensorShape(channels: 16, height: 5, width: 5))
        #expect(shapes["fc"] == TensorShape(channels: 10, height: 1, width: 1))
        let plan = try TrainingPlan.compile(model)
        // 8·1·9 + 8  +  16·8·9 + 16  +  400·10 + 10 = 80 + 1 168 + 4 010.
        #expect(plan.parameterCount == 5_258)
        #expect(plan.layers.map(\.parameterCount) == [80, 1_168, 4_010])
        // One image: 26·26·8·9 + 11·11·16·72 + 400·10 = 48 672 + 139 392 + 4 000.
        #expect(plan.forwardMACs == 192_064)
    }
}
