// SPDX-License-Identifier: GPL-3.0-or-later

/// Training produced a non-finite parameter (too large a learning rate, usually).
public struct NonFiniteUpdateError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The client whose training diverged.
    public var clientID: Int
    /// The step after which the first non-finite value was seen.
    public var step: Int

    /// Creates the error.
    public init(clientID: Int, step: Int) {
        self.clientID = clientID
        self.step = step
    }

    /// What went wrong and what was expected.
    public var description: String {
        "client \(self.clientID): training produced a non-finite parameter by step \(self.step); "
            + "expected finite values (lower the learning rate)"
    }
}
