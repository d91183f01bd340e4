// SPDX-License-Identifier: GPL-3.0-or-later

import CZlib

/// gzip (RFC 1952) decompression through zlib.
enum Gzip {
    /// The two bytes every gzip member starts with (RFC 1952 §2.3.1: ID1 = 31, ID2 = 139).
    static let magic: (UInt8, UInt8) = (0x1f, 0x8b)

    /// Whether `bytes` start like a gzip member.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == magic.0 && bytes[1] == magic.1
    }

    /// Inflates every gzip member in `compressed` (concatenated members, as `cat a.gz b.gz` makes, are
    /// joined), checking each member's CRC-32 and length.
    ///
    /// - Parameter file: the path to name in errors.
    /// - Throws: ``DatasetFileError`` when the stream is truncated or corrupt.
    static func decompress(_ compressed: [UInt8], file: String) throws(DatasetFileError) -> [UInt8] {
        guard compressed.count <= Int(UInt32.max) else {
            throw DatasetFileError(file: file, problem: "gzip file larger than 4 GiB is not supported")
        }
        var output: [UInt8] = []
        // ISIZE, the last four bytes (little-endian), is the uncompressed size modulo 2^32 of the last member.
        // Deflate expands at most about 1 032 : 1, which bounds what a damaged trailer can make us reserve.
        if compressed.count >= 18 {
            let tail = compressed.count - 4
            let size = (0..<4).reduce(0) { $0 | Int(compressed[tail + $1]) << (8 * $1) }
            output.reserveCapacity(min(size, compressed.count * 1_032))
        }
        var stream = z_stream()
        // 15 + 16: a 32 KiB window and a gzip wrapper (RFC 1952), not zlib's own.
        guard ftte_inflate_init2(&stream, 15 + 16) == Z_OK else {
            throw DatasetFileError(file: file, problem: "zlib could not start inflating (out of memory)")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var status: Int32 = Z_OK
        var message = ""
        compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            chunk.withUnsafeMutableBufferPointer { out in
                while true {
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    let produced = out.count - Int(stream.avail_out)
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: out[0..<produced]))
                    if status == Z_STREAM_END {
                        if stream.avail_in == 0 { return }
                        status = inflateReset(&stream)  // another member follows
                        if status != Z_OK { return }
                    } else if status != Z_OK {
                        if let text = stream.msg { message = String(cString: text) }
                        return
                    }
                }
            }
        }
        switch status {
        case Z_STREAM_END:
            return output
        case Z_BUF_ERROR:
            throw DatasetFileError(
                file: file,
                problem: "truncated gzip stream: it ends after \(output.count) decompressed bytes, before its trailer")
        default:
            let detail = message.isEmpty ? "zlib error \(status)" : message
            throw DatasetFileError(file: file, problem: "corrupt gzip data (\(detail))")
        }
    }
}
