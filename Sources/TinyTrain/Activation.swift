// SPDX-License-Identifier: GPL-3.0-or-later

/// A pointwise activation that the compiler fuses into the preceding conv2d or linear layer.
public enum Activation: String, Hashable, Sendable, CaseIterable {
    /// The identity.
    case none
    /// `max(0, x)`.
    case relu
    /// `min(max(0, x), 6)` (MobileNetV2).
    case relu6

    /// The upper clamp of ReLU6 (Sandler et al. 2018, MobileNetV2, §3).
    @usableFromInline static let relu6Ceiling = 6.0
}
