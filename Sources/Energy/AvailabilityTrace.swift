// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import SimKernel

/// A line of an availability trace that could not be read.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (as given to the reader).
    public var file: String
    /// The 1-based line number; 0 when the file itself could not be read.
    public var line: Int
    /// What the line should have held.
    public var expected: String

    /// Creates the error.
    public init(file: String, line: Int, expected: String) {
        self.file = file
        self.line = line
        self.expected = expected
    }

    public var description: String {
        self.line == 0 ? "\(self.file): \(self.expected)" : "\(self.file):\(self.line): expected \(self.expected)"
    }
}

/// A span of time during which a device is online: `[start, end)`.
public struct AvailabilityWindow: Hashable, Sendable {
    /// When the device comes online.
    public var start: SimTime
    /// When it goes offline (exclusive).
    public var end: SimTime

    /// Creates a window.
    public init(start: SimTime, end: SimTime) {
        self.start = start
        self.end = end
    }
}

/// Recorded device availability replayed from a CSV file.
///
/// ## Format
/// ```
/// device_id,start_s,end_s
/// 0,0,3600
/// 0,7200,10800.25
/// 17,120.5,980
/// ```
/// - The first line is the header, exactly `device_id,start_s,end_s`.
/// - Each further line is one online window of one device: `device_id` a non-negative integer,
///   `start_s` and `end_s` non-negative decimal seconds from the start of the run (digits with an
///   optional fraction; no exponent), `end_s > start_s`. Times are read exactly and rounded half-to-even
///   to whole nanoseconds.
/// - The device is offline outside its windows. Windows of one device may come in any order but must not
///   overlap (touching is fine). Blank lines are ignored; CRLF line ends are accepted.
/// - A device with no line is not in the trace (``windows(for:)`` returns `nil`); the scenario decides
///   what that means.
///
/// FedScale's client behaviour traces (a pickled dict from client id to `{"active": [...],
/// "inactive": [...], "finish_time": ...}`, seconds) convert row by row: each `active[i]`,
/// `inactive[i]` pair is one window. `Scripts/fedscale-trace-to-csv` does this. FedScale replays its
/// trace cyclically modulo `finish_time`; this reader does not wrap, so convert with a horizon covering
/// the run.
public struct AvailabilityTrace: Hashable, Sendable {
    /// The header line the format requires.
    public static let header = "device_id,start_s,end_s"

    /// Windows by device, sorted by start, disjoint.
    public let windowsByDevice: [UInt64: [AvailabilityWindow]]

    /// Parses trace text.
    ///
    /// - Parameters:
    ///   - text: The CSV text.
    ///   - file: The name to report in errors.
    /// - Throws: ``TraceError`` naming the file, the line and what was expected.
    public init(csv text: String, file: String) throws(TraceError) {
        // "\r\n" is one Character in Swift, so splitting on newline characters handles LF and CRLF alike.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first else {
            throw TraceError(file: file, line: 1, expected: "the header \"\(Self.header)\" (the file is empty)")
        }
        let headerFields = first.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed }
        guard headerFields == ["device_id", "start_s", "end_s"] else {
            throw TraceError(file: file, line: 1, expected: "the header \"\(Self.header)\", found \"\(first)\"")
        }
        var windows: [UInt64: [(window: AvailabilityWindow, line: Int)]] = [:]
        for (offset, line) in lines.enumerated().dropFirst() {
            let number = offset + 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed }
            guard fields.count == 3 else {
                throw TraceError(
                    file: file, line: number, expected: "3 fields device_id,start_s,end_s, found \(fields.count)")
            }
            guard let device = UInt64(fields[0]) else {
                throw TraceError(
                    file: file, line: number, expected: "device_id as a non-negative integer, found \"\(fields[0])\"")
            }
            let start = try Self.seconds(fields[1], column: "start_s", file: file, line: number)
            let end = try Self.seconds(fields[2], column: "end_s", file: file, line: number)
            guard end > start else {
                throw TraceError(
                    file: file, line: number, expected: "end_s > start_s, found \(fields[1]) and \(fields[2])")
            }
            windows[device, default: []].append((AvailabilityWindow(start: start, end: end), number))
        }
        var sortedWindows: [UInt64: [AvailabilityWindow]] = [:]
        for (device, list) in windows {
            let sorted = list.sorted { ($0.window.start, $0.line) < ($1.window.start, $1.line) }
            for (previous, next) in zip(sorted, sorted.dropFirst()) where next.window.start < previous.window.end {
                throw TraceError(
                    file: file, line: max(previous.line, next.line),
                    expected: "windows of device \(device) not to overlap (lines \(min(previous.line, next.line)) "
                        + "and \(max(previous.line, next.line)) do)")
            }
            sortedWindows[device] = sorted.map(\.window)
        }
        self.windowsByDevice = sortedWindows
    }

    /// Reads and parses a trace file.
    ///
    /// - Throws: ``TraceError`` (line 0 if the file cannot be read as UTF-8).
    public static func load(path: String) throws(TraceError) -> AvailabilityTrace {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TraceError(file: path, line: 0, expected: "a readable UTF-8 file (\(error.localizedDescription))")
        }
        return try AvailabilityTrace(csv: text, file: path)
    }

    /// The devices in the trace, ascending.
    public var devices: [UInt64] { self.windowsByDevice.keys.sorted() }

    /// A device's windows, sorted and disjoint; `nil` if the device is not in the trace.
    public func windows(for device: UInt64) -> [AvailabilityWindow]? { self.windowsByDevice[device] }

    /// Whether `device` is online at `time`; `nil` if the device is not in the trace.
    ///
    /// - Complexity: O(log w) for w windows of the device.
    public func isOnline(_ device: UInt64, at time: SimTime) -> Bool? {
        guard let windows = self.windowsByDevice[device] else { return nil }
        var low = 0
        var high = windows.count
        while low < high {
            let middle = (low + high) / 2
            if windows[middle].end <= time { low = middle + 1 } else { high = middle }
        }
        return low < windows.count && windows[low].start <= time
    }

    private static func seconds(_ field: String, column: String, file: String, line: Int) throws(TraceError) -> SimTime
    {
        let isDecimal =
            !field.isEmpty && field.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
            && field.filter { $0 == "." }.count <= 1 && field != "."
        guard isDecimal, let time = try? SimTime(parsing: field + "s") else {
            throw TraceError(
                file: file, line: line,
                expected: "\(column) as non-negative decimal seconds (e.g. 12.5), found \"\(field)\"")
        }
        return time
    }
}

extension Substring {
    fileprivate var trimmed: String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
