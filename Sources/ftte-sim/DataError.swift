// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Foundation

/// Exit status for bad input data (sysexits.h EX_DATAERR).
let dataErrorExitCode: Int32 = 65

/// Prints `message` to standard error and returns the exit code 65 to throw (no stack trace).
func dataError(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    return ExitCode(dataErrorExitCode)
}
