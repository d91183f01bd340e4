// SPDX-License-Identifier: GPL-3.0-or-later

/// The built-in models (the same graphs as `Experiments/models/NAME.yaml`).
public enum ModelZoo {
    /// Names accepted by ``model(named:)``.
    public static let names = ["mlp-28", "cnn-28", "cnn-cifar", "mobilenetv2-cifar"]

    /// A built-in model.
    /// - Throws: ``ModelError`` when the name is unknown.
    public static func model(named name: String) throws -> ModelGraph {
        switch name {
        case "mlp-28": return try mlp28()
        case "cnn-28": return try cnn28()
        case "cnn-cifar": return try cnnCIFAR()
        case "mobilenetv2-cifar": return try mobileNetV2CIFAR()
        default:
            throw ModelError(
                keyPath: "model", message: "unknown model '\(name)'; expected one of \(names.joined(separator: ", "))")
        }
    }

    /// MLP for 1×28×28 inputs: 784 → 64 → 64 → 10 with ReLU (55 050 parameters).
    public static func mlp28() throws -> ModelGraph {
        var b = ModelBuilder(name: "mlp-28", input: TensorShape(channels: 1, height: 28, width: 28))
        var x = try b.flatten(b.input, name: "flatten")
        x = try b.linear(x, out: 64, name: "fc1")
        x = try b.relu(x, name: "fc1.relu")
        x = try b.linear(x, out: 64, name: "fc2")
        x = try b.relu(x, name: "fc2.relu")
        let logits = try b.linear(x, out: 10, name: "fc3")
        return try b.build(output: logits)
    }

    /// Small CNN for 1×28×28 inputs: two 3×3 conv + ReLU + 2×2 max-pool stages (8, 16 channels), then a
    /// linear classifier (9 098 parameters).
    public static func cnn28() throws -> ModelGraph {
        var b = ModelBuilder(name: "cnn-28", input: TensorShape(channels: 1, height: 28, width: 28))
        var x = try b.conv2d(b.input, out: 8, kernel: 3, padding: 1, name: "conv1")
        x = try b.relu(x, name: "conv1.relu")
        x = try b.maxPool(x, kernel: 2, stride: 2, name: "pool1")
        x = try b.conv2d(x, out: 16, kernel: 3, padding: 1, name: "conv2")
        x = try b.relu(x, name: "conv2.relu")
        x = try b.maxPool(x, kernel: 2, stride: 2, name: "pool2")
        x = try b.flatten(x, name: "flatten")
        let logits = try b.linear(x, out: 10, name: "fc")
        return try b.build(output: logits)
    }

    /// MCU-sized CNN for 3×32×32 inputs: four 3×3 conv + frozen BN + ReLU stages (16, 32, 64, 64 channels)
    /// with 2×2 max-pools after the first three, global average pooling and a linear classifier.
    public static func cnnCIFAR() throws -> ModelGraph {
        var b = ModelBuilder(name: "cnn-cifar", input: TensorShape(channels: 3, height: 32, width: 32))
        var x = b.input
        for (index, channels) in [16, 32, 64, 64].enumerated() {
            x = try b.convBatchNorm(
                x, out: channels, kernel: 3, padding: 1, activation: .relu, name: "conv\(index + 1)")
            if index < 3 { x = try b.maxPool(x, kernel: 2, stride: 2, name: "pool\(index + 1)") }
        }
        x = try b.globalAvgPool(x, name: "gap")
        let logits = try b.linear(x, out: 10, name: "fc")
        return try b.build(output: logits)
    }

    /// Width multiplier of the shipped MobileNetV2 (the MCU-sized variant also used by MCUNet).
    public static let mobileNetV2WidthMultiplier = 0.35

    /// Inverted-residual stages of MobileNetV2 (Sandler et al. 2018, Table 2): expansion t, channels c,
    /// repeats n, first stride s.
    public static let mobileNetV2Stages: [(expand: Int, channels: Int, repeats: Int, stride: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    /// MobileNetV2 for 3×32×32 inputs with width multiplier 0.35: a stride-1 3×3 stem of 32·w channels, the
    /// inverted-residual stages of the paper with every channel count scaled by w, a 1×1 head of 1280·w channels,
    /// global average pooling and a linear classifier.
    public static func mobileNetV2CIFAR(widthMultiplier w: Double = mobileNetV2WidthMultiplier) throws -> ModelGraph {
        var b = ModelBuilder(name: "mobilenetv2-cifar", input: TensorShape(channels: 3, height: 32, width: 32))
        let scaled = { (channels: Int) in ModelBuilder.divisibleChannels(Double(channels) * w) }
        var x = try b.convBatchNorm(b.input, out: scaled(32), kernel: 3, padding: 1, activation: .relu6, name: "stem")
        for (index, stage) in mobileNetV2Stages.enumerated() {
            for repeat_ in 0..<stage.repeats {
                let name = stage.repeats == 1 ? "stage\(index + 1)" : "stage\(index + 1).\(repeat_ + 1)"
                x = try b.invertedResidual(
                    x, expand: stage.expand, out: scaled(stage.channels), stride: repeat_ == 0 ? stage.stride : 1,
                    name: name)
            }
        }
        x = try b.convBatchNorm(x, out: scaled(1280), kernel: 1, activation: .relu6, name: "head")
        x = try b.globalAvgPool(x, name: "gap")
        let logits = try b.linear(x, out: 10, name: "fc")
        return try b.build(output: logits)
    }
}

extension ModelZoo {
    /// A built-in model by name, or a model file by path (anything ending in `.yaml`/`.yml` or containing `/`).
    /// - Throws: ``ModelError`` for an unknown name or a bad file.
    public static func resolve(_ nameOrPath: String) throws -> ModelGraph {
        if nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/") {
            return try ModelFile.load(path: nameOrPath)
        }
        return try model(named: nameOrPath)
    }
}
