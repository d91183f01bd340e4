// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Reads whole data files into memory, inflating gzip transparently.
enum DataFile {
    /// The bytes of the file at `path`, decompressed when the file is gzip (detected by its magic bytes,
    /// not its name).
    ///
    /// - Throws: ``DatasetFileError`` when the file is missing or unreadable, or its gzip stream is damaged.
    static func bytes(at path: String) throws(DatasetFileError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetFileError(file: path, problem: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw DatasetFileError(file: path, problem: "is a directory, expected a data file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetFileError(file: path, problem: "cannot be read (permissions?)")
        }
        let raw = [UInt8](data)
        return Gzip.isCompressed(raw) ? try Gzip.decompress(raw, file: path) : raw
    }

    /// The first of `candidates` that exists in `directory`, as a path.
    static func firstExisting(_ candidates: [String], in directory: String) -> String? {
        candidates.map { (directory as NSString).appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}
