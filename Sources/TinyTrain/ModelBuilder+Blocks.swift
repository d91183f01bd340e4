// SPDX-License-Identifier: GPL-3.0-or-later

extension ModelBuilder {
    /// Rounds a scaled channel count to a multiple of `divisor`, never below `divisor` nor 10 % under the
    /// scaled value (`_make_divisible` of the MobileNetV2 reference implementation, Sandler et al. 2018).
    public static func divisibleChannels(_ value: Double, divisor: Int = 8) -> Int {
        let rounded = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
        return Double(rounded) < 0.9 * value ? rounded + divisor : rounded
    }

    /// Adds conv2d (no bias) + frozen batch norm + an activation.
    /// - Returns: the activation's (or, with `.none`, the batch norm's) node.
    @discardableResult
    public mutating func convBatchNorm(
        _ x: NodeID, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1,
        activation: Activation, name: String
    ) throws -> NodeID {
        var y = try conv2d(
            x, out: out, kernel: kernel, stride: stride, padding: padding, groups: groups, bias: false, name: name)
        y = try batchNorm(y, name: "\(name).bn")
        switch activation {
        case .none: return y
        case .relu: return try relu(y, name: "\(name).relu")
        case .relu6: return try relu6(y, name: "\(name).relu6")
        }
    }

    /// Adds a MobileNetV2 inverted-residual block: 1×1 expansion (skipped when `expand` is 1) + BN + ReLU6,
    /// 3×3 depthwise (stride `stride`) + BN + ReLU6, 1×1 linear projection + BN, and a residual add when the
    /// stride is 1 and the channel count is unchanged.
    /// - Parameters:
    ///   - expand: expansion factor t.
    ///   - out: output channels.
    ///   - stride: depthwise stride.
    ///   - name: prefix of the block's node names.
    @discardableResult
    public mutating func invertedResidual(_ x: NodeID, expand: Int, out: Int, stride: Int, name: String) throws
        -> NodeID
    {
        let inChannels = shape(of: x).channels
        guard expand > 0 else { throw ModelError(keyPath: name, message: "expected a positive expansion factor") }
        let hidden = inChannels * expand
        var y = x
        if expand != 1 {
            y = try convBatchNorm(y, out: hidden, kernel: 1, activation: .relu6, name: "\(name).expand")
        }
        y = try convBatchNorm(
            y, out: hidden, kernel: 3, stride: stride, padding: 1, groups: hidden, activation: .relu6,
            name: "\(name).dw")
        y = try convBatchNorm(y, out: out, kernel: 1, activation: .none, name: "\(name).project")
        if stride == 1 && inChannels == out { y = try add(x, y, name: "\(name).add") }
        return y
    }
}
