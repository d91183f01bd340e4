// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Writes small data files in each format, built byte by byte from the format specifications, into a
/// fresh temporary directory.
struct Fixtures {
    let directory: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ftte-datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.directory = url.path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// Writes `bytes` to `name` in the fixture directory and returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = (self.directory as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func path(_ name: String) -> String {
        (self.directory as NSString).appendingPathComponent(name)
    }
}

/// Big-endian bytes of a 32-bit value (IDX header fields).
func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
}

/// Little-endian bytes of a 32-bit value (gzip trailer fields).
func littleEndian(_ value: UInt32) -> [UInt8] {
    bigEndian(value).reversed()
}

/// An IDX file: magic `00 00 type rank`, big-endian dimensions, then `payload`.
func idxBytes(type: UInt8 = 0x08, dimensions: [Int], payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for size in dimensions {
        bytes += bigEndian(UInt32(size))
    }
    return bytes + payload
}

/// CRC-32 as gzip uses it (ISO 3309 / ITU-T V.42: reflected polynomial 0xEDB88320, initial and final
/// XOR 0xFFFFFFFF), bit by bit.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xffff_ffff
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1
        }
    }
    return ~crc
}

/// A single-member gzip file (RFC 1952) whose deflate stream (RFC 1951) uses only stored blocks, so it
/// is built without any compressor: header `1f 8b 08 00 00000000 00 ff`, blocks of at most 65 535 bytes
/// (`BFINAL|BTYPE=00`, LEN, NLEN, data), then CRC-32 and ISIZE, little-endian.
func gzipStored(_ data: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]
    var start = 0
    repeat {
        let end = min(start + 65_535, data.count)
        let length = UInt16(end - start)
        bytes.append(end == data.count ? 1 : 0)
        bytes += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8(~length >> 8)]
        bytes += data[start..<end]
        start = end
    } while start < data.count
    return bytes + littleEndian(crc32(data)) + littleEndian(UInt32(truncatingIfNeeded: data.count))
}

/// Deterministic pseudo-random bytes (a 64-bit LCG's high byte; the values only need to vary).
func patternBytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(state >> 56)
    }
}
