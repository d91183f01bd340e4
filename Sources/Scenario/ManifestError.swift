// SPDX-License-Identifier: GPL-3.0-or-later

import BoundedYAML

/// A manifest that cannot be run: where and what.
///
/// Printed as `file:line:column: key.path: what is wrong; expected …`; the command line exits 65.
public struct ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The manifest file.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The dotted key path of the offending entry (`devices.classes[1].sram`).
    public var keyPath: String
    /// What is wrong and what was expected.
    public var message: String

    /// Creates the error.
    public init(file: String, line: Int? = nil, column: Int? = nil, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// The loader's refusal of the manifest's text.
    public init(_ error: YAMLInputError) {
        self.init(
            file: error.file, line: error.line, column: error.column, keyPath: error.keyPath, message: error.message)
    }

    public var description: String {
        YAMLInputError(
            file: self.file, line: self.line, column: self.column, keyPath: self.keyPath, message: self.message
        ).description
    }
}
