// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Yams

/// The one YAML loader for manifests and model files: checks a text against ``YAMLLimits`` and the rules
/// below in a single streaming pass over libyaml's events (no recursion, so no depth can exhaust the
/// stack), and only then composes it with Yams.
///
/// Refused, each with file, line, column and key path: bytes that are not UTF-8; a text over the size
/// limit; YAML syntax errors; more than one document; nesting deeper than the limit; aliases that expand
/// past the node limit or name no anchor; a key that appears twice in one mapping.
public enum BoundedYAML {
    /// Reads, checks and composes a YAML file.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - limits: The bounds to enforce.
    /// - Returns: The document's root node, or `nil` for an empty document.
    /// - Throws: ``YAMLInputError`` naming the file and, where it applies, line, column and key path.
    public static func compose(contentsOf path: String, limits: YAMLLimits = .standard) throws(YAMLInputError)
        -> Node?
    {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw YAMLInputError(
                file: path, line: nil, column: nil, keyPath: "",
                message: "cannot read the file (\((error as NSError).localizedDescription))")
        }
        return try self.compose(bytes: data, file: path, limits: limits)
    }

    /// Checks and composes YAML bytes.
    ///
    /// - Parameters:
    ///   - bytes: The text's bytes, which must be UTF-8.
    ///   - file: The name errors cite.
    ///   - limits: The bounds to enforce.
    /// - Returns: The document's root node, or `nil` for an empty document.
    /// - Throws: ``YAMLInputError`` for anything this type refuses.
    public static func compose(bytes: Data, file: String, limits: YAMLLimits = .standard) throws(YAMLInputError)
        -> Node?
    {
        guard bytes.count <= limits.maximumBytes else {
            throw YAMLInputError(
                file: file, line: nil, column: nil, keyPath: "",
                message: "the file has \(bytes.count) bytes; expected at most \(limits.maximumBytes)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let (line, column) = Self.firstInvalidUTF8(in: bytes)
            throw YAMLInputError(
                file: file, line: line, column: column, keyPath: "", message: "not UTF-8 text; expected UTF-8")
        }
        return try self.compose(yaml: text, file: file, limits: limits)
    }

    /// Checks and composes YAML text.
    ///
    /// - Parameters:
    ///   - yaml: The text.
    ///   - file: The name errors cite.
    ///   - limits: The bounds to enforce.
    /// - Returns: The document's root node, or `nil` for an empty document.
    /// - Throws: ``YAMLInputError`` for anything this type refuses.
    public static func compose(yaml: String, file: String, limits: YAMLLimits = .standard) throws(YAMLInputError)
        -> Node?
    {
        guard yaml.utf8.count <= limits.maximumBytes else {
            throw YAMLInputError(
                file: file, line: nil, column: nil, keyPath: "",
                message: "the file has \(yaml.utf8.count) bytes; expected at most \(limits.maximumBytes)")
        }
        var checker = YAMLEventChecker(file: file, limits: limits)
        try checker.check(yaml)
        do {
            return try Yams.compose(yaml: yaml)
        } catch {
            // The event pass accepted the text, so libyaml has no complaint left; what remains is Yams's own
            // resolution (tags it cannot construct).
            throw YAMLInputError(file: file, line: nil, column: nil, keyPath: "", message: "\(error)")
        }
    }

    /// The 1-based line and column of the first byte that breaks UTF-8.
    static func firstInvalidUTF8(in bytes: Data) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            let end = index + length
            let valid =
                length > 0 && end <= bytes.endIndex
                && String(validating: bytes[index..<end], as: UTF8.self) != nil
            guard valid else { break }
            if lead == 0x0A {
                line += 1
                lineStart = end
            }
            index = end
        }
        let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).count + 1
        return (line, column)
    }
}
