// SPDX-License-Identifier: GPL-3.0-or-later

/// Byte counts written with binary or decimal units: `262144`, `256KiB`, `1MiB`, `512KB`, `1.5 MiB`.
public enum ByteSize {
    /// Multipliers per unit: IEC binary prefixes (KiB = 1024) and SI decimal ones (kB = 1000).
    static let units: [String: Double] = [
        "": 1, "B": 1, "KiB": 1024, "MiB": 1024 * 1024, "GiB": 1024 * 1024 * 1024, "kB": 1000, "KB": 1000,
        "MB": 1_000_000, "GB": 1_000_000_000,
    ]

    /// Parses a byte count.
    /// - Returns: whole bytes (a fractional result is an error).
    /// - Throws: ``PlanError/invalidOptions(_:)`` saying what was expected.
    public static func parse(_ text: String) throws -> Int {
        let trimmed = text.filter { !$0.isWhitespace }
        let split = trimmed.firstIndex { !($0.isNumber || $0 == ".") } ?? trimmed.endIndex
        let number = trimmed[..<split]
        let unit = String(trimmed[split...])
        guard let value = Double(number), value >= 0, let multiplier = units[unit] else {
            throw PlanError.invalidOptions(
                "expected a size such as 262144, 256KiB or 1MiB (units B, KiB, MiB, GiB, kB, MB, GB), got '\(text)'")
        }
        let bytes = value * multiplier
        guard bytes == bytes.rounded(), bytes < Double(Int.max) else {
            throw PlanError.invalidOptions("'\(text)' is not a whole number of bytes")
        }
        return Int(bytes)
    }
}
