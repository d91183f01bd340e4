// SPDX-License-Identifier: GPL-3.0-or-later

/// Why a duration string could not be read.
public struct DurationParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text that was given.
    public var text: String
    /// What was wrong, phrased as what was expected.
    public var reason: String

    /// Creates an error for `text`.
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String {
        "invalid duration \"\(self.text)\": \(self.reason) "
            + "(expected a non-negative number and a unit: ns, us, ms, s, min, h, d, w — e.g. \"250ms\", \"1.5h\")"
    }
}

extension SimTime {
    /// Unit symbols accepted by the parser, longest first where one is a prefix of another.
    static let unitSymbols: [(String, Unit)] = [
        ("ns", .nanosecond), ("us", .microsecond), ("µs", .microsecond), ("ms", .millisecond),
        ("min", .minute), ("s", .second), ("sec", .second), ("h", .hour), ("d", .day), ("w", .week),
    ]

    /// Parses a duration such as `"250ms"`, `"15min"`, `"7d"`, `"1.5h"` or `"30 s"`.
    ///
    /// The number is a non-negative decimal (digits, an optional fraction); the unit is one of
    /// `ns`, `us` (or `µs`), `ms`, `s`, `min`, `h`, `d`, `w`; spaces between them are allowed.
    /// The value is computed in exact integer arithmetic and rounded half-to-even to whole
    /// nanoseconds, so `"1.5h"` is exactly 5 400 000 000 000 ns.
    ///
    /// - Parameter text: The duration text.
    /// - Throws: ``DurationParseError`` for an empty string, a negative or malformed number, an
    ///   unknown unit, or a value beyond ±292 years.
    public init(parsing text: String) throws(DurationParseError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw DurationParseError(text: text, reason: "the text is empty") }
        if trimmed.hasPrefix("-") {
            throw DurationParseError(text: text, reason: "a duration cannot be negative")
        }
        let numberPart = String(trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") })
        let unitPart = String(trimmed.dropFirst(numberPart.count)).trimmingWhitespace()
        guard !numberPart.isEmpty else {
            throw DurationParseError(text: text, reason: "it does not start with a number")
        }
        guard !unitPart.isEmpty else {
            throw DurationParseError(text: text, reason: "the unit is missing")
        }
        guard let unit = Self.unitSymbols.first(where: { $0.0 == unitPart })?.1 else {
            throw DurationParseError(text: text, reason: "unknown unit \"\(unitPart)\"")
        }
        let pieces = numberPart.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2, !(pieces[0].isEmpty && (pieces.count == 1 || pieces[1].isEmpty)) else {
            throw DurationParseError(text: text, reason: "\"\(numberPart)\" is not a number")
        }
        guard let ns = Self.exactNanoseconds(whole: pieces[0], fraction: pieces.count == 2 ? pieces[1] : "", unit: unit)
        else {
            throw DurationParseError(text: text, reason: "the value exceeds the simulator's range (about 292 years)")
        }
        self.init(nanoseconds: ns)
    }

    /// `whole.fraction × unit` in nanoseconds, rounded half-to-even; `nil` on overflow.
    private static func exactNanoseconds(whole: Substring, fraction: Substring, unit: Unit) -> Int64? {
        var total: Int64 = 0
        for digit in whole {
            let (shifted, o1) = total.multipliedReportingOverflow(by: 10)
            let (added, o2) = shifted.addingReportingOverflow(Int64(digit.wholeNumberValue ?? 0))
            if o1 || o2 { return nil }
            total = added
        }
        let (wholeNs, overflow) = total.multipliedReportingOverflow(by: unit.rawValue)
        if overflow { return nil }
        // The fraction: numerator / 10^k units. Keep at most 18 digits (below 1e-18 of a week is < 1 ns).
        var numerator: Int64 = 0
        var denominator: Int64 = 1
        for digit in fraction.prefix(18) {
            numerator = numerator * 10 + Int64(digit.wholeNumberValue ?? 0)
            denominator *= 10
        }
        // numerator/denominator × unit, in 128-bit to avoid overflow, rounded half-to-even.
        let product = numerator.multipliedFullWidth(by: unit.rawValue)
        let (quotient, remainder) = denominator.dividingFullWidth(product)
        var fractionNs = quotient
        let twice = remainder * 2
        if twice > denominator || (twice == denominator && (wholeNs &+ quotient) % 2 != 0) { fractionNs += 1 }
        let (sum, o3) = wholeNs.addingReportingOverflow(fractionNs)
        return o3 ? nil : sum
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
            let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
