// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import SimKernel
import TinyTrain
import Yams

/// One node of a manifest with its key path, read with typed accessors whose errors say where and what was
/// expected.
struct ManifestValue {
    /// The YAML node.
    let node: Node
    /// Its dotted key path from the document root.
    let keyPath: String
    /// The manifest file, for errors.
    let file: String

    /// An error at this node.
    func error(_ message: String) -> ManifestError {
        ManifestError(
            file: self.file, line: self.node.mark?.line, column: self.node.mark?.column, keyPath: self.keyPath,
            message: message)
    }

    /// The value as a mapping whose keys must come from `allowed`.
    ///
    /// - Throws: ``ManifestError`` for a non-mapping or an unknown key (with the closest allowed key).
    func mapping(allowed: [String]) throws(ManifestError) -> ManifestMapping {
        guard let mapping = self.node.mapping else {
            throw self.error("expected a mapping with keys \(allowed.joined(separator: ", "))")
        }
        var values: [String: ManifestValue] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ManifestValue(node: key, keyPath: self.keyPath, file: self.file).error(
                    "expected a plain key such as \(allowed.first ?? "name")")
            }
            let path = self.keyPath.isEmpty ? name : self.keyPath + "." + name
            guard allowed.contains(name) else {
                var message = "unknown key '\(name)'"
                if let suggestion = Self.closest(to: name, in: allowed) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                message += "; expected one of \(allowed.joined(separator: ", "))"
                throw ManifestValue(node: key, keyPath: path, file: self.file).error(message)
            }
            values[name] = ManifestValue(node: value, keyPath: path, file: self.file)
        }
        return ManifestMapping(owner: self, values: values)
    }

    /// The value as a list.
    func sequence(expected: String) throws(ManifestError) -> [ManifestValue] {
        guard let items = self.node.sequence else { throw self.error("expected a list of \(expected)") }
        return items.enumerated().map { index, item in
            ManifestValue(node: item, keyPath: "\(self.keyPath)[\(index)]", file: self.file)
        }
    }

    /// The value as a non-empty string.
    func string(expected: String = "a name") throws(ManifestError) -> String {
        guard let text = self.node.scalar?.string, !text.isEmpty else { throw self.error("expected \(expected)") }
        return text
    }

    /// The value as an integer in `range`.
    func int(in range: ClosedRange<Int>, expected: String? = nil) throws(ManifestError) -> Int {
        let text = expected ?? Self.describe(range)
        guard let value = self.node.int else { throw self.error("got '\(self.text)'; expected \(text)") }
        guard range.contains(value) else { throw self.error("got \(value); expected \(text)") }
        return value
    }

    /// The value as a finite number that satisfies `valid`.
    func double(_ expected: String, where valid: (Double) -> Bool = { _ in true }) throws(ManifestError) -> Double {
        guard let value = self.node.float ?? self.node.int.map(Double.init), value.isFinite else {
            throw self.error("got '\(self.text)'; expected \(expected)")
        }
        guard valid(value) else { throw self.error("got \(Self.format(value)); expected \(expected)") }
        return value
    }

    /// The value as `true` or `false`.
    func bool() throws(ManifestError) -> Bool {
        guard let value = self.node.bool else { throw self.error("got '\(self.text)'; expected true or false") }
        return value
    }

    /// The value as a byte count (`262144`, `256KiB`, `1MiB`).
    func bytes(minimum: Int = 1) throws(ManifestError) -> Int {
        let expected = "a size such as 262144, 256KiB or 1MiB (at least \(minimum) bytes)"
        guard let scalar = self.node.scalar else { throw self.error("expected \(expected)") }
        guard let value = try? ByteSize.parse(scalar.string) else {
            throw self.error("got '\(scalar.string)'; expected \(expected)")
        }
        guard value >= minimum else { throw self.error("got \(value) bytes; expected \(expected)") }
        return value
    }

    /// The value as a duration (`250ms`, `15min`, `7d`, or a number of seconds).
    func duration(positive: Bool = true) throws(ManifestError) -> SimTime {
        let expected = "a duration such as 30s, 15min, 1.5h or 7d" + (positive ? " (greater than 0)" : "")
        guard let scalar = self.node.scalar else { throw self.error("expected \(expected)") }
        var text = scalar.string
        if Double(text) != nil { text += "s" }
        let value: SimTime
        do {
            value = try SimTime(parsing: text)
        } catch {
            throw self.error("got '\(scalar.string)' (\(error.reason)); expected \(expected)")
        }
        guard !positive || value > .zero else { throw self.error("got '\(scalar.string)'; expected \(expected)") }
        return value
    }

    /// The value as one of the named options.
    func choice<T>(_ options: KeyValuePairs<String, T>) throws(ManifestError) -> T {
        let names = options.map(\.key)
        let expected = "one of \(names.joined(separator: ", "))"
        guard let text = self.node.scalar?.string else { throw self.error("expected \(expected)") }
        guard let match = options.first(where: { $0.key == text }) else {
            var message = "got '\(text)'"
            if let suggestion = Self.closest(to: text, in: names) { message += " (did you mean '\(suggestion)'?)" }
            throw self.error(message + "; expected \(expected)")
        }
        return match.value
    }

    /// A short rendering of the value for messages.
    var text: String {
        if let scalar = self.node.scalar { return scalar.string }
        if self.node.sequence != nil { return "a list" }
        return "a mapping"
    }

    /// The allowed name closest to `name` by edit distance, when it is close (≤ 2 edits, or a third of it).
    static func closest(to name: String, in allowed: [String]) -> String? {
        let candidates = allowed.map { ($0, Self.editDistance(name, $0)) }
        guard let best = candidates.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, name.count / 3) ? best.0 : nil
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "an integer ≥ \(range.lowerBound)" }
        return "an integer from \(range.lowerBound) to \(range.upperBound)"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A manifest mapping whose keys have been checked.
struct ManifestMapping {
    /// The mapping's own node.
    let owner: ManifestValue
    /// Its values by key.
    let values: [String: ManifestValue]

    /// The value at `key`, if given.
    subscript(_ key: String) -> ManifestValue? { self.values[key] }

    /// The value at `key`, which must be given.
    func require(_ key: String, expected: String) throws(ManifestError) -> ManifestValue {
        guard let value = self.values[key] else {
            let path = self.owner.keyPath.isEmpty ? key : self.owner.keyPath + "." + key
            throw ManifestError(
                file: self.owner.file, line: self.owner.node.mark?.line, column: self.owner.node.mark?.column,
                keyPath: path, message: "missing; expected \(expected)")
        }
        return value
    }
}
