// SPDX-License-Identifier: GPL-3.0-or-later

/// Geometry of a 2-D convolution with square kernels, equal strides and symmetric zero padding.
public struct Conv2DAttributes: Hashable, Sendable {
    /// Output channels.
    public var outChannels: Int
    /// Kernel side (the kernel is `kernel × kernel`).
    public var kernel: Int
    /// Stride in both directions.
    public var stride: Int
    /// Zero padding on every side.
    public var padding: Int
    /// Channel groups; `groups == inChannels == outChannels` is a depthwise convolution.
    public var groups: Int
    /// Whether the layer has a bias of its own (a folded batch norm adds one regardless).
    public var bias: Bool

    /// A convolution's attributes.
    public init(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1, bias: Bool = true) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.bias = bias
    }
}

/// Geometry of a max or average pooling window (no padding; the window must tile inside the input).
public struct PoolAttributes: Hashable, Sendable {
    /// Window side.
    public var kernel: Int
    /// Stride in both directions.
    public var stride: Int

    /// A pooling window.
    public init(kernel: Int, stride: Int) {
        self.kernel = kernel
        self.stride = stride
    }
}

/// What a node of the forward graph computes.
public enum Operation: Hashable, Sendable {
    /// The model's input sample.
    case input
    /// 2-D convolution (grouped and depthwise included).
    case conv2d(Conv2DAttributes)
    /// Fully connected layer over the flattened input.
    case linear(outFeatures: Int, bias: Bool)
    /// Batch normalisation with frozen statistics; folded into the preceding conv2d or linear layer.
    case batchNorm(epsilon: Double)
    /// A pointwise activation.
    case activation(Activation)
    /// Max pooling.
    case maxPool(PoolAttributes)
    /// Average pooling.
    case avgPool(PoolAttributes)
    /// Average over each channel's plane (`C×H×W → C×1×1`).
    case globalAvgPool
    /// Elementwise sum of two tensors of equal shape (a residual connection).
    case add
    /// `C×H×W → (C·H·W)×1×1`; free in the channel-major layout.
    case flatten

    /// The operation's name in model files.
    public var kindName: String {
        switch self {
        case .input: "input"
        case .conv2d: "conv2d"
        case .linear: "linear"
        case .batchNorm: "batchnorm"
        case .activation(let activation): activation.rawValue
        case .maxPool: "maxpool"
        case .avgPool: "avgpool"
        case .globalAvgPool: "global_avgpool"
        case .add: "add"
        case .flatten: "flatten"
        }
    }
}
