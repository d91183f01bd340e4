// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Writes files and directories so that a reader (or a resumed sweep) sees them whole or not at all: the
/// content goes to a temporary name beside the target and is renamed over it (rename(2) is atomic on one
/// file system).
public enum AtomicFile {
    /// Writes `text` to `path` atomically.
    ///
    /// - Throws: The file system's error.
    public static func write(_ text: String, to path: String) throws {
        try self.write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path` atomically.
    ///
    /// - Throws: The file system's error.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).partial-\(getpid())")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": code])
        }
    }

    /// Moves a finished directory into place, replacing nothing: the target must not exist.
    ///
    /// - Throws: The file system's error.
    public static func publish(directory temporary: String, as path: String) throws {
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "errno": errno])
        }
    }
}
