// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// A report as (name, value) rows: one `name  value` line per row, names padded to one column.
func alignedReport(_ rows: [(String, String)]) -> String {
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { name, value in name + String(repeating: " ", count: width - name.count + 2) + value + "\n" }
        .joined()
}

/// A report as (name, value) rows in CSV: one header row of the names and one row of the values.
func csvReport(_ rows: [(String, String)]) -> String {
    rows.map(\.0).joined(separator: ",") + "\n" + rows.map { csvField($0.1) }.joined(separator: ",") + "\n"
}

/// RFC 4180 quoting when needed.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// Rows of fields (the first one the header) as text columns padded to their widest field, two spaces apart.
func alignedColumns(_ rows: [[String]]) -> String {
    let count = rows.map(\.count).max() ?? 0
    let widths = (0..<count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
    return rows.map { row in
        zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces) + "\n"
    }.joined()
}
