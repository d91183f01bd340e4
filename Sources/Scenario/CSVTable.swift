// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A tidy CSV table: one header row, then rows of fields; `.` decimals, UTF-8, RFC 4180 quoting (a field with a
/// comma, quote, CR or LF is quoted, quotes doubled); lines end with LF.
public struct CSVTable: Sendable {
    /// The column names.
    public let header: [String]
    /// The rows so far, each as long as the header.
    public private(set) var rows: [[String]] = []

    /// An empty table with these columns.
    public init(header: [String]) { self.header = header }

    /// Appends a row.
    ///
    /// - Precondition: `row.count == header.count` (the row builders of this module always match; a mismatch
    ///   is a programming error, never a user's).
    public mutating func append(_ row: [String]) {
        precondition(
            row.count == self.header.count, "a CSV row of \(row.count) fields for \(self.header.count) columns")
        self.rows.append(row)
    }

    /// The whole table as text.
    public var text: String {
        var text = Self.line(self.header)
        for row in self.rows { text += Self.line(row) }
        return text
    }

    /// One line of fields, quoted where RFC 4180 requires.
    public static func line(_ fields: [String]) -> String {
        fields.map(Self.quote).joined(separator: ",") + "\n"
    }

    /// A field, quoted when it holds a comma, a quote or a line break.
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Splits CSV text into rows of fields (RFC 4180, as ``text`` writes it).
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        // A closing quote; the character after it (a separator or a line end) is handled next.
                        quoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}

/// How values become CSV fields: exact and the same on every machine.
public enum CSVField {
    /// Seconds with nanosecond precision, trailing zeros dropped (`12.5`, `0.000001`, `3600`).
    public static func seconds(_ time: SimTime) -> String {
        let nanoseconds = time.nanoseconds
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// A number in Swift's shortest round-tripping form (the same digits on every platform); empty for `nil`.
    public static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// An integer; empty for `nil`.
    public static func integer<T: BinaryInteger>(_ value: T?) -> String {
        value.map { String($0) } ?? ""
    }
}
