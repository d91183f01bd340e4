// SPDX-License-Identifier: GPL-3.0-or-later

/// A data file could not be read or did not hold what its format promises.
///
/// The message names the file and, where it helps, the line (CSV) and what was expected instead,
/// e.g. `t10k-images-idx3-ubyte.gz: truncated: 1000 bytes of data, expected 7840000 (10000×28×28)`.
public struct DatasetFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path of the offending file, as the caller gave it.
    public var file: String
    /// The 1-based line, for text formats; `nil` for binary formats.
    public var line: Int?
    /// What was wrong, and what was expected.
    public var problem: String

    /// Creates the error.
    public init(file: String, line: Int? = nil, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        if let line = self.line {
            return "\(self.file):\(line): \(self.problem)"
        }
        return "\(self.file): \(self.problem)"
    }
}
