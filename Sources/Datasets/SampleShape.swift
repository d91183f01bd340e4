// SPDX-License-Identifier: GPL-3.0-or-later

/// The shape of one sample: channels × height × width, stored channel-major (CHW).
@frozen
public struct SampleShape: Hashable, Sendable, CustomStringConvertible {
    /// Colour channels (1 for greyscale, 3 for RGB).
    public var channels: Int
    /// Rows per channel.
    public var height: Int
    /// Columns per row.
    public var width: Int

    /// Creates a shape.
    ///
    /// - Precondition: every extent is positive.
    public init(channels: Int, height: Int, width: Int) {
        precondition(channels > 0 && height > 0 && width > 0, "sample extents must be positive")
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// The number of scalar features in one sample: `channels × height × width`.
    @inlinable
    public var featureCount: Int { self.channels * self.height * self.width }

    /// Features per channel: `height × width`.
    @inlinable
    public var pixelsPerChannel: Int { self.height * self.width }

    public var description: String { "\(self.channels)×\(self.height)×\(self.width)" }
}
