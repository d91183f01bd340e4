// SPDX-License-Identifier: GPL-3.0-or-later

/// The shape of one sample's tensor in channel-major (CHW) layout; a feature vector is `F × 1 × 1`.
///
/// A mini-batch of `n` samples is laid out as `n` consecutive CHW tensors (NCHW).
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    /// Number of channels (or features of a vector).
    public var channels: Int
    /// Height in elements.
    public var height: Int
    /// Width in elements.
    public var width: Int

    /// A CHW shape.
    /// - Parameters:
    ///   - channels: channels (features for a vector).
    ///   - height: rows.
    ///   - width: columns.
    public init(channels: Int, height: Int = 1, width: Int = 1) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Elements of one sample.
    public var elementCount: Int { channels * height * width }

    /// `C×H×W`.
    public var description: String { "\(channels)×\(height)×\(width)" }
}
