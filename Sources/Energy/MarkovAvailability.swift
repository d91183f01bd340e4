// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// An availability model was given parameters that make no sense.
public struct AvailabilityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending parameter.
    public var parameter: String
    /// What a valid value looks like.
    public var expected: String

    /// Creates the error.
    public init(parameter: String, expected: String) {
        self.parameter = parameter
        self.expected = expected
    }

    public var description: String { "availability: \(self.parameter) must be \(self.expected)" }
}

/// Device churn as a two-state (online/offline) continuous-time Markov chain: online and offline
/// sojourns alternate and are exponential with the given means.
///
/// The long-run fraction of time online is `meanOnline / (meanOnline + meanOffline)`. With
/// ``Start/stationary`` the initial state is online with exactly that probability; since exponential
/// sojourns are memoryless the process is then stationary from time zero.
public struct MarkovAvailability: Hashable, Sendable {
    /// How the process starts.
    public enum Start: String, CaseIterable, Codable, Hashable, Sendable {
        /// Online with the long-run probability (stationary from time zero).
        case stationary
        /// Online.
        case online
        /// Offline.
        case offline
    }

    /// Mean length of an online period.
    public var meanOnline: SimTime
    /// Mean length of an offline period.
    public var meanOffline: SimTime
    /// How the process starts.
    public var start: Start

    /// Creates a model.
    public init(meanOnline: SimTime, meanOffline: SimTime, start: Start = .stationary) {
        self.meanOnline = meanOnline
        self.meanOffline = meanOffline
        self.start = start
    }

    /// Checks the means.
    ///
    /// - Throws: ``AvailabilityError`` for a non-positive mean.
    public func validate() throws(AvailabilityError) {
        guard self.meanOnline > .zero else {
            throw AvailabilityError(parameter: "mean_on", expected: "a positive duration")
        }
        guard self.meanOffline > .zero else {
            throw AvailabilityError(parameter: "mean_off", expected: "a positive duration")
        }
    }

    /// The long-run fraction of time online: `meanOnline / (meanOnline + meanOffline)`.
    public var longRunOnlineFraction: Double {
        self.meanOnline.seconds / (self.meanOnline.seconds + self.meanOffline.seconds)
    }
}

/// One device's path through a ``MarkovAvailability`` model: its present state and the time of its
/// next change.
///
/// Draws come from the stream the caller passes — derive it from the device's ``StreamKey`` with a
/// purpose such as `"availability"` — so a device's path is a pure function of its key and does not
/// change when other devices are added. Each sojourn is an exponential draw rounded to the nearest
/// nanosecond and at least 1 ns.
public struct AvailabilityProcess {
    /// The model.
    public let model: MarkovAvailability
    private let stream: RandomStream
    /// Whether the device is online now.
    public private(set) var isOnline: Bool
    /// When the present sojourn ends.
    public private(set) var nextChange: SimTime

    /// Starts a path at `start`.
    ///
    /// - Precondition: the model is valid (``MarkovAvailability/validate()``).
    public init(model: MarkovAvailability, stream: RandomStream, start: SimTime = .zero) {
        self.model = model
        self.stream = stream
        switch model.start {
        case .stationary: self.isOnline = stream.bernoulli(model.longRunOnlineFraction)
        case .online: self.isOnline = true
        case .offline: self.isOnline = false
        }
        self.nextChange = start
        self.nextChange = start + self.drawSojourn()
    }

    /// Moves to the next change: flips the state and draws the new sojourn.
    ///
    /// - Returns: The time of the change and whether the device is online after it.
    @discardableResult
    public mutating func advance() -> (time: SimTime, isOnline: Bool) {
        let time = self.nextChange
        self.isOnline.toggle()
        self.nextChange = time + self.drawSojourn()
        return (time, self.isOnline)
    }

    private func drawSojourn() -> SimTime {
        let mean = self.isOnline ? self.model.meanOnline : self.model.meanOffline
        return max(.seconds(self.stream.exponential(mean: mean.seconds)), .nanoseconds(1))
    }
}
