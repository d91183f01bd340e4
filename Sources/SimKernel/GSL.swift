// SPDX-License-Identifier: GPL-3.0-or-later

import CGSL

/// An error reported by GNU Scientific Library, carried as a Swift error instead of an abort.
public struct GSLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// GSL's status code (`GSL_EDOM`, `GSL_ENOMEM`, …).
    public var code: Int32
    /// What the simulator was doing.
    public var context: String

    /// Creates an error from a GSL status code.
    public init(code: Int32, context: String) {
        self.code = code
        self.context = context
    }

    /// GSL's own text for the code.
    public var message: String { String(cString: gsl_strerror(self.code)) }

    public var description: String { "\(self.context): \(self.message) (GSL status \(self.code))" }
}

/// Process-wide GSL set-up.
public enum GSL {
    /// Turns off GSL's default error handler, which aborts the process.
    ///
    /// With it off, GSL functions return status codes (or `NULL`) and the wrappers in this module
    /// turn those into ``GSLError``s. Called automatically before any stream is made; calling it again
    /// is harmless.
    public static func configure() { _ = Self.handlerOff }

    private static let handlerOff: Void = { _ = gsl_set_error_handler_off() }()

    /// Throws a ``GSLError`` for a non-success status.
    @inlinable
    public static func check(_ status: Int32, _ context: @autoclosure () -> String) throws(GSLError) {
        if status != GSL_SUCCESS { throw GSLError(code: status, context: context()) }
    }
}
