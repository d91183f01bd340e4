// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Where a run's device availability comes from.
public enum AvailabilityModel: Hashable, Sendable {
    /// Every device is always online.
    case alwaysOnline
    /// Each device follows its own on/off Markov chain.
    case markov(MarkovAvailability)
    /// Devices replay a recorded trace; `absent` says what a device missing from the trace does.
    case trace(AvailabilityTrace, absent: AbsentDevice)

    /// What a device that has no line in an availability trace does.
    public enum AbsentDevice: String, CaseIterable, Codable, Hashable, Sendable {
        /// It is always online.
        case online
        /// It is never online.
        case offline
        /// It is an error (``AvailabilityError``).
        case error
    }
}

/// One device's availability as a sequence of changes, whatever the model: the scenario schedules an
/// event at ``nextChange`` and calls ``advance()`` when it fires.
public struct AvailabilityCursor {
    private enum Source {
        case constant
        case markov(AvailabilityProcess)
        case windows([AvailabilityWindow], index: Int)
    }

    private var source: Source
    /// Whether the device is online now.
    public private(set) var isOnline: Bool
    /// When the state next changes; `nil` if it never does.
    public private(set) var nextChange: SimTime?

    /// Starts device `device`'s availability at `start`.
    ///
    /// - Parameters:
    ///   - model: The run's availability model (validated).
    ///   - device: The device id (used to find it in a trace).
    ///   - stream: The device's availability stream; required for ``AvailabilityModel/markov(_:)``.
    ///   - start: When the run starts.
    /// - Throws: ``AvailabilityError`` when the device is absent from a trace whose policy is `.error`.
    public init(model: AvailabilityModel, device: UInt64, stream: RandomStream?, start: SimTime = .zero)
        throws(AvailabilityError)
    {
        switch model {
        case .alwaysOnline:
            self.source = .constant
            self.isOnline = true
            self.nextChange = nil
        case .markov(let markov):
            guard let stream else {
                throw AvailabilityError(parameter: "stream", expected: "a random stream for the Markov model")
            }
            let process = AvailabilityProcess(model: markov, stream: stream, start: start)
            self.source = .markov(process)
            self.isOnline = process.isOnline
            self.nextChange = process.nextChange
        case .trace(let trace, let absent):
            guard let recorded = trace.windows(for: device) else {
                switch absent {
                case .online, .offline:
                    self.source = .constant
                    self.isOnline = absent == .online
                    self.nextChange = nil
                    return
                case .error:
                    throw AvailabilityError(
                        parameter: "trace", expected: "a line for device \(device) (it has none)")
                }
            }
            // Windows that touch are one online span: no change happens where one ends and the next starts.
            var windows: [AvailabilityWindow] = []
            for window in recorded {
                if let last = windows.last, last.end == window.start {
                    windows[windows.count - 1].end = window.end
                } else {
                    windows.append(window)
                }
            }
            // The first window that has not ended by `start`.
            let index = windows.firstIndex { $0.end > start } ?? windows.count
            self.source = .windows(windows, index: index)
            if index == windows.count {
                self.isOnline = false
                self.nextChange = nil
            } else if windows[index].start <= start {
                self.isOnline = true
                self.nextChange = windows[index].end
            } else {
                self.isOnline = false
                self.nextChange = windows[index].start
            }
        }
    }

    /// Moves to the next change.
    ///
    /// - Returns: Its time and whether the device is online after it; `nil` if nothing changes any more.
    @discardableResult
    public mutating func advance() -> (time: SimTime, isOnline: Bool)? {
        guard let time = self.nextChange else { return nil }
        switch self.source {
        case .constant:
            return nil
        case .markov(var process):
            let change = process.advance()
            self.source = .markov(process)
            self.isOnline = change.isOnline
            self.nextChange = process.nextChange
            return change
        case .windows(let windows, let index):
            if self.isOnline {
                let next = index + 1
                self.source = .windows(windows, index: next)
                self.isOnline = false
                self.nextChange = next < windows.count ? windows[next].start : nil
            } else {
                self.isOnline = true
                self.nextChange = windows[index].end
            }
            return (time, self.isOnline)
        }
    }
}
