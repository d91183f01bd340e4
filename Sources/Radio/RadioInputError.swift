// SPDX-License-Identifier: GPL-3.0-or-later

/// A radio parameter outside the range the model (and the standard behind it) supports.
///
/// The message names the parameter, the value given and what a valid value looks like, so a command
/// line or a manifest can show it as is.
public struct RadioParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parameter's name, as a user would write it (`spreading factor`, `ATT_MTU`, …).
    public var parameter: String
    /// The offending value, as text.
    public var value: String
    /// What a valid value looks like.
    public var expected: String

    /// Creates the error.
    public init(parameter: String, value: String, expected: String) {
        self.parameter = parameter
        self.value = value
        self.expected = expected
    }

    public var description: String {
        "\(self.parameter) \(self.value) is not supported: expected \(self.expected)"
    }
}
