// SPDX-License-Identifier: GPL-3.0-or-later

/// The numeric precision of the values in a payload.
public enum ValuePrecision: UInt8, Hashable, Sendable, CaseIterable {
    /// IEEE 754 binary32, 4 bytes per value, exact.
    case float32 = 0
    /// IEEE 754 binary16, 2 bytes per value (relative error ≤ 2^−11 in the normal range).
    case float16 = 1
    /// Symmetric linear int8 with one float32 scale per tensor: q = round(x / s), s = max|x| / 127;
    /// 1 byte per value + 4, absolute error ≤ s/2.
    case int8 = 2

    /// Bytes per value.
    public var bytesPerValue: Int {
        switch self {
        case .float32: 4
        case .float16: 2
        case .int8: 1
        }
    }
}

/// A payload that could not be decoded.
public struct PayloadDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset where decoding failed.
    public var offset: Int
    /// What was expected there.
    public var expected: String

    /// Creates the error.
    public init(offset: Int, expected: String) {
        self.offset = offset
        self.expected = expected
    }

    public var description: String { "malformed model payload at byte \(self.offset): expected \(self.expected)" }
}

/// The wire format of a (sub-)model transfer. Every byte counted in the traces is a byte this codec writes.
///
/// Layout (little-endian):
/// ```
/// message  := version:u32  tensorCount:u16  tensor*
/// tensor   := id:u16  indexTag:u8  precision:u8  index  [scale:f32 if int8]  values
/// index    := tag 0 all:         (nothing)
///             tag 1 window:      outStart:u16 outCount:u16 inStart:u16 inCount:u16
///             tag 2 seeded:      seed:u64 count:u32
///             tag 3 bitmap:      ⌈n/8⌉ bytes, bit i of byte i/8 (LSB first) set when element i is held
///             tag 4 delta list:  count:u32, then LEB128 varints of index gaps (first gap from −1, minus 1)
/// values   := count × precision.bytesPerValue
/// ```
/// Tensors holding nothing are omitted. For an explicit list the encoder picks the smaller of bitmap and
/// delta list. Channel counts must fit in 16 bits and element counts in 32 bits.
public struct PayloadCodec: Sendable {
    /// The model the payloads refer to.
    public var layout: ModelLayout
    /// Precision of the values.
    public var precision: ValuePrecision

    /// Creates a codec for `layout`.
    public init(layout: ModelLayout, precision: ValuePrecision = .float32) {
        self.layout = layout
        self.precision = precision
    }

    /// Bytes of the message header (version + tensor count).
    public static let messageHeaderBytes = 6
    /// Bytes of each tensor header (id + index tag + precision).
    public static let tensorHeaderBytes = 4

    /// Encodes `values` (one array per tensor, in subset order, as ``ParameterSubset/gather(_:)`` returns
    /// them) held as described by `specs`.
    ///
    /// - Returns: The payload bytes.
    public func encode(version: Int, specs: [IndexSpec], values: [[Float]]) -> [UInt8] {
        precondition(specs.count == self.layout.tensors.count && values.count == specs.count, "encode: tensor count")
        var writer = ByteWriter()
        writer.append(UInt32(truncatingIfNeeded: version))
        let present = specs.indices.filter { specs[$0] != .none }
        writer.append(UInt16(present.count))
        for tensor in present {
            let layout = self.layout.tensors[tensor]
            writer.append(UInt16(tensor))
            let spec = specs[tensor]
            switch spec {
            case .none:
                preconditionFailure("unreachable")
            case .all:
                writer.append(UInt8(0))
                writer.append(self.precision.rawValue)
            case .channelWindow(let outputs, let inputs):
                writer.append(UInt8(1))
                writer.append(self.precision.rawValue)
                for field in [outputs.start, outputs.count, inputs.start, inputs.count] { writer.append(UInt16(field)) }
            case .seeded(let seed, let count):
                writer.append(UInt8(2))
                writer.append(self.precision.rawValue)
                writer.append(seed)
                writer.append(UInt32(count))
            case .explicit(let list):
                let bitmapBytes = (layout.elementCount + 7) / 8
                let deltas = IndexListCoding.deltaVarints(list)
                if bitmapBytes <= deltas.count + 4 {
                    writer.append(UInt8(3))
                    writer.append(self.precision.rawValue)
                    writer.append(contentsOf: IndexListCoding.bitmap(list, elementCount: layout.elementCount))
                } else {
                    writer.append(UInt8(4))
                    writer.append(self.precision.rawValue)
                    writer.append(UInt32(list.count))
                    writer.append(contentsOf: deltas)
                }
            }
            precondition(values[tensor].count == spec.resolve(layout).count(of: layout.elementCount), "encode: values")
            ValueCoding.encode(values[tensor], precision: self.precision, into: &writer)
        }
        return writer.bytes
    }

    /// Decodes a payload.
    ///
    /// - Returns: The model version, each tensor's index description and its values (empty for absent tensors).
    /// - Throws: ``PayloadDecodingError`` when the bytes are truncated or inconsistent with the layout.
    public func decode(_ bytes: [UInt8]) throws(PayloadDecodingError) -> (
        version: Int, specs: [IndexSpec], values: [[Float]]
    ) {
        var reader = ByteReader(bytes)
        let version = Int(try reader.read(UInt32.self, "the model version"))
        let present = Int(try reader.read(UInt16.self, "the tensor count"))
        var specs = [IndexSpec](repeating: .none, count: self.layout.tensors.count)
        var values = [[Float]](repeating: [], count: self.layout.tensors.count)
        for _ in 0..<present {
            let tensor = Int(try reader.read(UInt16.self, "a tensor id"))
            guard tensor < self.layout.tensors.count, specs[tensor] == .none else {
                throw PayloadDecodingError(
                    offset: reader.offset - 2, expected: "a new tensor id below \(self.layout.tensors.count)")
            }
            let layout = self.layout.tensors[tensor]
            let tag = try reader.read(UInt8.self, "an index tag")
            guard let precision = ValuePrecision(rawValue: try reader.read(UInt8.self, "a precision tag")) else {
                throw PayloadDecodingError(offset: reader.offset - 1, expected: "a precision tag 0, 1 or 2")
            }
            let spec: IndexSpec
            switch tag {
            case 0:
                spec = .all
            case 1:
                let fields = try (0..<4).map { _ throws(PayloadDecodingError) in
                    Int(try reader.read(UInt16.self, "a channel window"))
                }
                guard fields[0] < layout.outputChannels, (1...layout.outputChannels).contains(fields[1]),
                    fields[2] < layout.inputChannels, (1...layout.inputChannels).contains(fields[3])
                else { throw PayloadDecodingError(offset: reader.offset - 8, expected: "a window inside the tensor") }
                spec = .channelWindow(
                    outputs: ChannelWindow(start: fields[0], count: fields[1], total: layout.outputChannels),
                    inputs: ChannelWindow(start: fields[2], count: fields[3], total: layout.inputChannels))
            case 2:
                let seed = try reader.read(UInt64.self, "a seed")
                let count = Int(try reader.read(UInt32.self, "an index count"))
                guard count <= layout.elementCount else {
                    throw PayloadDecodingError(
                        offset: reader.offset - 4, expected: "at most \(layout.elementCount) indices")
                }
                spec = .seeded(seed: seed, count: count)
            case 3:
                let bitmap = try reader.read(bytes: (layout.elementCount + 7) / 8, "an index bitmap")
                spec = .explicit(IndexListCoding.indices(fromBitmap: bitmap, elementCount: layout.elementCount))
            case 4:
                let count = Int(try reader.read(UInt32.self, "an index count"))
                spec = .explicit(
                    try IndexListCoding.readDeltaVarints(count: count, limit: layout.elementCount, from: &reader))
            default:
                throw PayloadDecodingError(offset: reader.offset - 2, expected: "an index tag 0…4")
            }
            specs[tensor] = spec
            let count = spec.resolve(layout).count(of: layout.elementCount)
            values[tensor] = try ValueCoding.decode(count: count, precision: precision, from: &reader)
        }
        guard reader.isAtEnd else {
            throw PayloadDecodingError(offset: reader.offset, expected: "the end of the payload")
        }
        return (version, specs, values)
    }
}
