// SPDX-License-Identifier: GPL-3.0-or-later

extension SimTime: CustomStringConvertible, LosslessStringConvertible {
    /// Parses a duration (see ``init(parsing:)``); `nil` when the text is not one.
    public init?(_ description: String) {
        guard let value = try? SimTime(parsing: description) else { return nil }
        self = value
    }

    /// The duration in the largest unit not exceeding it, when that prints it exactly with at most three
    /// decimals (`"1.5h"`, `"250ms"`, `"7d"`, `"1.5us"`); otherwise in seconds with up to nine decimals
    /// (`"124665.745091963s"`).
    ///
    /// The text parses back to the same value: `SimTime(parsing: t.description) == t`.
    public var description: String {
        let sign = self.nanoseconds < 0 ? "-" : ""
        let magnitude = self.nanoseconds.magnitude
        if magnitude == 0 { return "0s" }
        let unit = Unit.allCases.last { $0 != .week && magnitude >= UInt64($0.rawValue) } ?? .nanosecond
        let unitNs = UInt64(unit.rawValue)
        let whole = magnitude / unitNs
        let rest = magnitude % unitNs
        if rest == 0 { return "\(sign)\(whole)\(unit.symbol)" }
        for digits in 1...3 {
            let scale = UInt64(pow10(digits))
            let (scaled, overflow) = rest.multipliedReportingOverflow(by: scale)
            if !overflow, scaled % unitNs == 0 {
                return "\(sign)\(whole).\(zeroPadded(scaled / unitNs, digits: digits))\(unit.symbol)"
            }
        }
        var fraction = zeroPadded(magnitude % 1_000_000_000, digits: 9)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(magnitude / 1_000_000_000).\(fraction)s"
    }
}

private func zeroPadded(_ value: UInt64, digits: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: Swift.max(0, digits - text.count)) + text
}

private func pow10(_ digits: Int) -> Int {
    var value = 1
    for _ in 0..<digits { value *= 10 }
    return value
}
