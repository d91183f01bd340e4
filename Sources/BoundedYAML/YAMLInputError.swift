// SPDX-License-Identifier: GPL-3.0-or-later

/// A YAML text that cannot be used: where it went wrong and what was expected.
///
/// `line` and `column` are 1-based; `keyPath` names the entry in dotted form with list indices
/// (`devices.classes[1].sram`), empty for the document root.
public struct YAMLInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the text came from (or the name the caller gave it).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The key path of the offending entry.
    public var keyPath: String
    /// What is wrong and what was expected.
    public var message: String

    /// Creates the error.
    public init(file: String, line: Int?, column: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// `file:line:column: key.path: message` (parts that are unknown are left out).
    public var description: String {
        var text = self.file + ":"
        if let line = self.line { text += "\(line):" }
        if let column = self.column { text += "\(column):" }
        text += " "
        if !self.keyPath.isEmpty { text += self.keyPath + ": " }
        return text + self.message
    }
}
