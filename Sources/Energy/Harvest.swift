// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// How a device's battery is recharged by an energy harvester: charge arrives in pulses.
public enum HarvestModel: Equatable, Sendable {
    /// A fixed charge every `interval` (a solar cell's daily yield, a scheduled top-up).
    case periodic(interval: SimTime, milliampereHours: Double)
    /// Pulses at the events of a Poisson process with the given mean gap; each pulse's charge, in mAh,
    /// is drawn from `milliampereHours` (negative draws count as 0).
    case poisson(meanInterval: SimTime, milliampereHours: Distribution)

    /// Checks the parameters.
    ///
    /// - Throws: ``ProfileError`` (profile `"harvest"`) for a non-positive interval, a negative or
    ///   non-finite charge, or an invalid distribution.
    public func validate() throws(ProfileError) {
        switch self {
        case .periodic(let interval, let milliampereHours):
            guard interval > .zero else {
                throw ProfileError(profile: "harvest", field: "interval", expected: "a positive duration")
            }
            try ProfileError.requireNonNegative(milliampereHours, "harvest", "milliampereHours")
        case .poisson(let meanInterval, let distribution):
            guard meanInterval > .zero else {
                throw ProfileError(profile: "harvest", field: "meanInterval", expected: "a positive duration")
            }
            do {
                try distribution.validate()
            } catch {
                throw ProfileError(profile: "harvest", field: "milliampereHours", expected: error.description)
            }
        }
    }
}

/// The sequence of harvest pulses of one device.
///
/// Random draws come from the stream the caller passes — derive it from the device's ``StreamKey``
/// with a purpose such as `"harvest"` — so the pulses are a pure function of the key.
public struct HarvestProcess {
    /// The model.
    public let model: HarvestModel
    private let stream: RandomStream?
    private var last: SimTime

    /// Starts the process at `start`; the first pulse comes after it.
    ///
    /// - Parameters:
    ///   - model: A validated model.
    ///   - stream: The device's harvest stream; required for ``HarvestModel/poisson(meanInterval:milliampereHours:)``.
    ///   - start: When harvesting begins.
    public init(model: HarvestModel, stream: RandomStream?, start: SimTime = .zero) {
        if case .poisson = model {
            precondition(stream != nil, "a Poisson harvest process needs a random stream")
        }
        self.model = model
        self.stream = stream
        self.last = start
    }

    /// The next pulse: its time and the charge it brings.
    ///
    /// Poisson gaps are exponential draws rounded to the nearest nanosecond, at least 1 ns.
    public mutating func next() -> (time: SimTime, charge: Charge) {
        switch self.model {
        case .periodic(let interval, let milliampereHours):
            self.last = self.last + interval
            return (self.last, .milliampereHours(milliampereHours))
        case .poisson(let meanInterval, let distribution):
            let stream = self.stream!
            let gap = SimTime.seconds(stream.exponential(mean: meanInterval.seconds))
            self.last = self.last + max(gap, .nanoseconds(1))
            let amount = max(0, distribution.sample(stream))
            return (self.last, .milliampereHours(amount))
        }
    }
}
