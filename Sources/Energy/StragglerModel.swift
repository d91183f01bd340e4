// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Which devices are slow, and by how much.
///
/// Each device is a straggler with probability ``fraction``; a straggler's slowdown factor is drawn
/// from ``slowdown``. The factor multiplies its training time and, when ``appliesToLink`` is set, its
/// link transfer times (a busy or poorly placed device). Draws below 1 are raised to 1: a straggler is
/// never faster than a normal device.
public struct StragglerModel: Equatable, Sendable {
    /// The probability that a device is a straggler, in [0, 1].
    public var fraction: Double
    /// The distribution of a straggler's slowdown factor.
    public var slowdown: Distribution
    /// Whether the factor also stretches the straggler's link transfers.
    public var appliesToLink: Bool

    /// Creates a model.
    public init(fraction: Double, slowdown: Distribution, appliesToLink: Bool = false) {
        self.fraction = fraction
        self.slowdown = slowdown
        self.appliesToLink = appliesToLink
    }

    /// No stragglers.
    public static let none = StragglerModel(fraction: 0, slowdown: .constant(1))

    /// Checks the parameters.
    ///
    /// - Throws: ``DistributionError`` for a fraction outside [0, 1] or an invalid slowdown distribution.
    public func validate() throws(DistributionError) {
        guard self.fraction.isFinite, (0...1).contains(self.fraction) else {
            throw DistributionError(
                distribution: "stragglers", parameter: "fraction", expected: "in [0, 1] (got \(self.fraction))")
        }
        try self.slowdown.validate()
    }

    /// Decides one device's slowdown.
    ///
    /// Draws, in order: one Bernoulli(``fraction``); for a straggler, one value from ``slowdown``. Pass
    /// the device's own stream (purpose e.g. `"straggler"`) so the result depends on its key only.
    /// - Precondition: the model is valid (``validate()``).
    public func assign(_ stream: RandomStream) -> StragglerAssignment {
        guard stream.bernoulli(self.fraction) else { return .normal }
        let factor = max(1, self.slowdown.sample(stream))
        return StragglerAssignment(
            isStraggler: true, computeSlowdown: factor, linkSlowdown: self.appliesToLink ? factor : 1)
    }
}

/// One device's straggler status.
public struct StragglerAssignment: Hashable, Sendable {
    /// Whether the device is a straggler.
    public var isStraggler: Bool
    /// The factor on training time, ≥ 1.
    public var computeSlowdown: Double
    /// The factor on link transfer time, ≥ 1 (1 unless the model applies to the link).
    public var linkSlowdown: Double

    /// Creates an assignment.
    public init(isStraggler: Bool, computeSlowdown: Double, linkSlowdown: Double) {
        self.isStraggler = isStraggler
        self.computeSlowdown = computeSlowdown
        self.linkSlowdown = linkSlowdown
    }

    /// A normal device: no slowdown.
    public static let normal = StragglerAssignment(isStraggler: false, computeSlowdown: 1, linkSlowdown: 1)
}
