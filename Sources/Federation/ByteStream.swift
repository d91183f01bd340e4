// SPDX-License-Identifier: GPL-3.0-or-later

/// Appends little-endian fixed-width integers and raw bytes to a buffer.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    mutating func append(contentsOf other: [UInt8]) { self.bytes.append(contentsOf: other) }
}

/// Reads little-endian fixed-width integers and raw bytes, reporting truncation as a decoding error.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { self.offset == self.bytes.count }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(PayloadDecodingError) -> T {
        let size = MemoryLayout<T>.size
        guard self.offset + size <= self.bytes.count else {
            throw PayloadDecodingError(offset: self.offset, expected: "\(what) (\(size) bytes) but the payload ends")
        }
        var value = T.zero
        for index in 0..<size { value |= T(truncatingIfNeeded: self.bytes[self.offset + index]) << (8 * index) }
        self.offset += size
        return value
    }

    mutating func read(bytes count: Int, _ what: String) throws(PayloadDecodingError) -> ArraySlice<UInt8> {
        guard count >= 0, self.offset + count <= self.bytes.count else {
            throw PayloadDecodingError(offset: self.offset, expected: "\(what) (\(count) bytes) but the payload ends")
        }
        defer { self.offset += count }
        return self.bytes[self.offset..<(self.offset + count)]
    }
}

/// Index-list encodings: a bitmap, or LEB128 varints of the gaps between increasing indices.
enum IndexListCoding {
    static func bitmap(_ list: [UInt32], elementCount: Int) -> [UInt8] {
        var bitmap = [UInt8](repeating: 0, count: (elementCount + 7) / 8)
        for index in list { bitmap[Int(index >> 3)] |= 1 << UInt8(index & 7) }
        return bitmap
    }

    static func indices(fromBitmap bitmap: ArraySlice<UInt8>, elementCount: Int) -> [UInt32] {
        var list: [UInt32] = []
        for (byteIndex, byte) in bitmap.enumerated() where byte != 0 {
            for bit in 0..<8 where byte & (1 << UInt8(bit)) != 0 {
                let index = byteIndex * 8 + bit
                if index < elementCount { list.append(UInt32(index)) }
            }
        }
        return list
    }

    /// Gap i is `list[i] − list[i−1] − 1` (with `list[−1] = −1`), so consecutive indices cost one zero byte.
    static func deltaVarints(_ list: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        var previous: Int64 = -1
        for index in list {
            var gap = UInt64(Int64(index) - previous - 1)
            previous = Int64(index)
            repeat {
                let low = UInt8(gap & 0x7f)
                gap >>= 7
                out.append(gap == 0 ? low : low | 0x80)
            } while gap != 0
        }
        return out
    }

    static func readDeltaVarints(count: Int, limit: Int, from reader: inout ByteReader) throws(PayloadDecodingError)
        -> [UInt32]
    {
        var list: [UInt32] = []
        list.reserveCapacity(Swift.min(count, limit))
        var previous: Int64 = -1
        for _ in 0..<count {
            var gap: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = try reader.read(UInt8.self, "an index varint")
                guard shift < 35 else {
                    throw PayloadDecodingError(offset: reader.offset - 1, expected: "a varint below 2^35")
                }
                gap |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            let index = previous + 1 + Int64(gap)
            guard index < Int64(limit) else {
                throw PayloadDecodingError(offset: reader.offset - 1, expected: "an index below \(limit)")
            }
            list.append(UInt32(index))
            previous = index
        }
        return list
    }
}

/// Value encodings for each ``ValuePrecision``.
enum ValueCoding {
    static func encode(_ values: [Float], precision: ValuePrecision, into writer: inout ByteWriter) {
        switch precision {
        case .float32:
            for value in values { writer.append(value.bitPattern) }
        case .float16:
            for value in values { writer.append(Float16(value).bitPattern) }
        case .int8:
            let scale = int8Scale(values)
            writer.append(scale.bitPattern)
            for value in values {
                let q = scale > 0 ? (value / scale).rounded(.toNearestOrEven) : 0
                writer.append(Int8(Swift.max(-127, Swift.min(127, q))))
            }
        }
    }

    static func decode(count: Int, precision: ValuePrecision, from reader: inout ByteReader)
        throws(PayloadDecodingError)
        -> [Float]
    {
        var values: [Float] = []
        values.reserveCapacity(count)
        switch precision {
        case .float32:
            for _ in 0..<count { values.append(Float(bitPattern: try reader.read(UInt32.self, "a float32 value"))) }
        case .float16:
            for _ in 0..<count {
                values.append(Float(Float16(bitPattern: try reader.read(UInt16.self, "a float16 value"))))
            }
        case .int8:
            let scale = Float(bitPattern: try reader.read(UInt32.self, "an int8 scale"))
            for _ in 0..<count { values.append(Float(try reader.read(Int8.self, "an int8 value")) * scale) }
        }
        return values
    }

    /// s = max|x| / 127 (0 for an all-zero tensor).
    static func int8Scale(_ values: [Float]) -> Float {
        values.reduce(Float(0)) { Swift.max($0, abs($1)) } / 127
    }
}
