// SPDX-License-Identifier: GPL-3.0-or-later

/// A power or battery profile that does not make sense, or a lookup the profiles cannot answer.
///
/// Profiles usually come from a manifest; the manifest reader adds the file and line, this error
/// names the profile, the field and what a valid value looks like.
public struct ProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The profile's name (`"SX1276"`, `"CR2032"`, …).
    public var profile: String
    /// The offending field (`"transmit"`, `"capacityMilliampereHours"`, …).
    public var field: String
    /// What a valid value looks like.
    public var expected: String

    /// Creates the error.
    public init(profile: String, field: String, expected: String) {
        self.profile = profile
        self.field = field
        self.expected = expected
    }

    public var description: String {
        "profile \"\(self.profile)\": \(self.field) must be \(self.expected)"
    }
}

extension ProfileError {
    /// Throws when `value` is not finite and non-negative.
    static func requireNonNegative(_ value: Double, _ profile: String, _ field: String) throws(ProfileError) {
        guard value.isFinite, value >= 0 else {
            throw ProfileError(profile: profile, field: field, expected: "a finite number ≥ 0 (got \(value))")
        }
    }

    /// Throws when `value` is not finite and positive.
    static func requirePositive(_ value: Double, _ profile: String, _ field: String) throws(ProfileError) {
        guard value.isFinite, value > 0 else {
            throw ProfileError(profile: profile, field: field, expected: "a finite number > 0 (got \(value))")
        }
    }
}
