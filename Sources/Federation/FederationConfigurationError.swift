// SPDX-License-Identifier: GPL-3.0-or-later

/// A federation parameter outside its valid range (a manifest value, usually).
public struct FederationConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parameter's key path, as a manifest spells it ("strategy.staleness.a").
    public var keyPath: String
    /// The value that was given.
    public var value: String
    /// What a valid value looks like.
    public var expected: String

    /// Creates the error.
    public init(keyPath: String, value: String, expected: String) {
        self.keyPath = keyPath
        self.value = value
        self.expected = expected
    }

    /// An invalid value for `keyPath`.
    public static func invalid(_ keyPath: String, value: String, expected: String) -> Self {
        Self(keyPath: keyPath, value: value, expected: expected)
    }

    public var description: String { "\(self.keyPath): got \(self.value), expected \(self.expected)" }
}
