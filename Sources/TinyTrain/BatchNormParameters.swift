// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Frozen batch-norm statistics and affine parameters of one layer, per output channel.
///
/// Training on the device keeps them fixed, so they fold into the preceding layer:
/// `W' = W · γ/√(σ²+ε)` row by row and `b' = β + (b − μ) · γ/√(σ²+ε)`.
public struct BatchNormParameters: Hashable, Sendable {
    /// PyTorch's and TensorFlow Lite Micro's default ε.
    public static let defaultEpsilon = 1e-5

    /// Scale γ per channel.
    public var gamma: [Float]
    /// Shift β per channel.
    public var beta: [Float]
    /// Running mean μ per channel.
    public var mean: [Float]
    /// Running variance σ² per channel.
    public var variance: [Float]
    /// ε added to the variance.
    public var epsilon: Double

    /// Batch-norm parameters; all arrays have one entry per channel.
    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Double = defaultEpsilon) {
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }

    /// The statistics of a freshly initialised network: γ = 1, β = 0, μ = 0, σ² = 1.
    public static func identity(channels: Int, epsilon: Double = defaultEpsilon) -> BatchNormParameters {
        BatchNormParameters(
            gamma: Array(repeating: 1, count: channels), beta: Array(repeating: 0, count: channels),
            mean: Array(repeating: 0, count: channels), variance: Array(repeating: 1, count: channels),
            epsilon: epsilon)
    }
}

/// The parameters of one conv2d or linear layer as flat arrays: what the federation layer moves.
///
/// `weights` holds `rows × rowLength` values row-major (conv2d: `[out][in/groups][kh][kw]`; linear:
/// `[out][in]`); `bias` holds one value per row, or is empty for a layer without bias.
public struct LayerWeights: Hashable, Sendable {
    /// Weights, row-major.
    public var weights: [Float]
    /// Bias, one per output channel (empty without bias).
    public var bias: [Float]

    /// Flat weights and bias.
    public init(weights: [Float], bias: [Float]) {
        self.weights = weights
        self.bias = bias
    }

    /// Folds a frozen batch norm that follows this layer into it.
    /// - Parameter batchNorm: the statistics, one entry per output channel.
    /// - Returns: weights and bias of the fused layer (the bias is created if the layer had none).
    /// - Precondition: `batchNorm` has as many channels as the layer has rows.
    public func folding(_ batchNorm: BatchNormParameters) -> LayerWeights {
        let rows = batchNorm.gamma.count
        precondition(rows > 0 && weights.count % rows == 0, "batch norm channels must match the layer's rows")
        let rowLength = weights.count / rows
        var folded = weights
        var foldedBias = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let scale =
                Double(batchNorm.gamma[row]) / (Double(batchNorm.variance[row]) + batchNorm.epsilon).squareRoot()
            for k in 0..<rowLength { folded[row * rowLength + k] = Float(Double(weights[row * rowLength + k]) * scale) }
            let ownBias = bias.isEmpty ? 0 : Double(bias[row])
            foldedBias[row] = Float(Double(batchNorm.beta[row]) + (ownBias - Double(batchNorm.mean[row])) * scale)
        }
        return LayerWeights(weights: folded, bias: foldedBias)
    }
}

extension TrainingPlan {
    /// Fresh parameters for every layer: He-normal weights (He et al. 2015, std √(2 / fan-in)), zero bias,
    /// and identity batch norms folded in.
    /// - Parameter generator: the source of randomness (deterministic per seed).
    /// - Returns: one ``LayerWeights`` per layer, in ``layers`` order.
    public func initialWeights(using generator: inout some RandomNumberGenerator) -> [LayerWeights] {
        layers.map { layer in
            let standardDeviation = (2.0 / Double(layer.rowLength)).squareRoot()
            var weights = [Float](repeating: 0, count: layer.rows * layer.rowLength)
            for index in weights.indices {
                weights[index] = Float(standardDeviation * Self.standardNormal(using: &generator))
            }
            let own = LayerWeights(weights: weights, bias: [])
            if let epsilon = layer.foldedBatchNormEpsilon {
                return own.folding(.identity(channels: layer.rows, epsilon: epsilon))
            }
            return LayerWeights(weights: weights, bias: layer.hasBias ? [Float](repeating: 0, count: layer.rows) : [])
        }
    }

    /// A standard normal draw by the Box–Muller transform.
    static func standardNormal(using generator: inout some RandomNumberGenerator) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
