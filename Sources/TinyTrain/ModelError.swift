// SPDX-License-Identifier: GPL-3.0-or-later

/// A model description that cannot be built: what was wrong and where.
///
/// `file`, `line` and `column` are set when the description came from a model file; `keyPath` names the
/// offending entry (for example `layers[3].kernel`).
public struct ModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The model file, when the description came from one.
    public var file: String?
    /// 1-based line in the file, when known.
    public var line: Int?
    /// 1-based column in the file, when known.
    public var column: Int?
    /// Key path of the offending entry (`layers[2].out`), or the layer name for builder errors.
    public var keyPath: String
    /// What was expected.
    public var message: String

    /// A model error.
    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// `file:line:column: keyPath: message`.
    public var description: String {
        var location = ""
        if let file { location += file + ":" }
        if let line { location += "\(line):" }
        if let column { location += "\(column):" }
        if !location.isEmpty { location += " " }
        return "\(location)\(keyPath): \(message)"
    }
}
