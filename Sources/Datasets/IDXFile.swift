// SPDX-License-Identifier: GPL-3.0-or-later

/// An array in the IDX format of LeCun, Cortes & Burges' MNIST page (the format of MNIST and Fashion-MNIST).
///
/// Layout: a 4-byte magic number — two zero bytes, an element-type code, and the number of dimensions —
/// then one big-endian `UInt32` size per dimension, then the elements in row-major order (big-endian
/// when wider than a byte). Type codes: `0x08` unsigned byte, `0x09` signed byte, `0x0B` Int16,
/// `0x0C` Int32, `0x0D` Float32, `0x0E` Float64.
public struct IDXFile: Sendable {
    /// An IDX element type.
    public enum ElementType: UInt8, Sendable {
        /// `0x08`: unsigned byte.
        case unsignedByte = 0x08
        /// `0x09`: signed byte.
        case signedByte = 0x09
        /// `0x0B`: big-endian 16-bit integer.
        case int16 = 0x0B
        /// `0x0C`: big-endian 32-bit integer.
        case int32 = 0x0C
        /// `0x0D`: big-endian IEEE 754 single.
        case float32 = 0x0D
        /// `0x0E`: big-endian IEEE 754 double.
        case float64 = 0x0E

        /// Bytes per element.
        public var byteWidth: Int {
            switch self {
            case .unsignedByte, .signedByte: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }
    }

    /// The path the array was read from.
    public let path: String
    /// The element type.
    public let elementType: ElementType
    /// The size of each dimension, outermost first (`[60000, 28, 28]` for MNIST's training images).
    public let dimensions: [Int]
    /// The whole file's bytes (header included); elements start at ``dataOffset``.
    public let bytes: [UInt8]
    /// The byte offset of the first element: `4 + 4 × dimensions.count`.
    public let dataOffset: Int

    /// The number of elements: the product of the dimensions.
    public var elementCount: Int { self.dimensions.reduce(1, *) }

    /// Reads and validates the IDX file at `path` (gzip-compressed or raw).
    ///
    /// - Throws: ``DatasetFileError`` when the file is missing, its gzip stream is damaged, the magic number
    ///   is wrong, or the data are shorter or longer than the dimensions say.
    public init(path: String) throws(DatasetFileError) {
        try self.init(bytes: DataFile.bytes(at: path), path: path)
    }

    /// Validates IDX `bytes` (already decompressed); `path` names the source in errors.
    ///
    /// - Throws: ``DatasetFileError`` as ``init(path:)`` does.
    public init(bytes: [UInt8], path: String) throws(DatasetFileError) {
        func fail(_ problem: String) -> DatasetFileError { DatasetFileError(file: path, problem: problem) }
        guard bytes.count >= 4 else {
            throw fail("truncated: \(bytes.count) bytes, too short for the 4-byte IDX magic number")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw fail(
                "bad magic number \(hex(bytes[0..<4])): an IDX file starts with two zero bytes, a type code and a rank")
        }
        guard let type = ElementType(rawValue: bytes[2]) else {
            throw fail("unknown IDX element type 0x\(String(bytes[2], radix: 16)), expected 08, 09, 0B, 0C, 0D or 0E")
        }
        let rank = Int(bytes[3])
        guard rank > 0 else { throw fail("IDX rank is 0, expected at least one dimension") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw fail("truncated header: \(bytes.count) bytes, expected \(headerSize) for \(rank) dimensions")
        }
        var dimensions: [Int] = []
        var elements = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size =
                Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
            dimensions.append(size)
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(UInt32.max) * 16 else {
                throw fail("dimensions \(dimensions.map(String.init).joined(separator: "×")) are implausibly large")
            }
            elements = product
        }
        let expected = elements * type.byteWidth
        let actual = bytes.count - headerSize
        let shape = dimensions.map(String.init).joined(separator: "×")
        guard actual >= expected else {
            throw fail("truncated: \(actual) bytes of data, expected \(expected) (\(shape))")
        }
        guard actual == expected else {
            throw fail("\(actual - expected) unexpected bytes after the \(expected) bytes of data (\(shape))")
        }
        self.path = path
        self.elementType = type
        self.dimensions = dimensions
        self.bytes = bytes
        self.dataOffset = headerSize
    }
}

/// Bytes as `0x0803…` for messages.
func hex(_ bytes: ArraySlice<UInt8>) -> String {
    "0x" + bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
