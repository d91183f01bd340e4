// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import Foundation

/// A model's parameters on disk, as `ftte-sim train --save-weights` writes them and manifests'
/// `model.initial_weights` read them: the 8-byte magic `FTTEW001`, the model's name (u16 length + UTF-8), then
/// one ``PayloadCodec`` message that holds every tensor whole (float32).
public enum WeightsFile {
    static let magic = Array("FTTEW001".utf8)

    /// Writes `parameters` of `model` to `path` (atomically).
    ///
    /// - Throws: The file system's error.
    public static func save(_ parameters: [[Float]], of model: FederatedModel, to path: String) throws {
        try AtomicFile.write(Self.encode(parameters, of: model), to: path)
    }

    /// The bytes of the weights file of `parameters` of `model` (what ``save(_:of:to:)`` writes).
    ///
    /// - Returns: The magic, the model's name and one payload message holding every tensor whole.
    public static func encode(_ parameters: [[Float]], of model: FederatedModel) -> Data {
        var bytes = Self.magic
        let name = Array(model.graph.name.utf8)
        bytes.append(UInt8(truncatingIfNeeded: name.count))
        bytes.append(UInt8(truncatingIfNeeded: name.count >> 8))
        bytes += name
        bytes += PayloadCodec(layout: model.layout).encode(
            version: 0, specs: Array(repeating: .all, count: model.layout.tensors.count), values: parameters)
        return Data(bytes)
    }

    /// Reads the parameters of `model` from `path`.
    ///
    /// - Throws: ``WeightsFileError`` when the file cannot be read, is not a weights file, belongs to another
    ///   model, or does not hold every tensor whole.
    public static func load(for model: FederatedModel, from path: String) throws(WeightsFileError) -> [[Float]] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw WeightsFileError(
                path: path, message: "cannot read the file (\((error as NSError).localizedDescription))")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<8]) == Self.magic else {
            throw WeightsFileError(
                path: path, message: "not a weights file (expected one written by ftte-sim train --save-weights)")
        }
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        guard bytes.count >= 10 + length else { throw WeightsFileError(path: path, message: "truncated model name") }
        let name = String(decoding: bytes[10..<(10 + length)], as: UTF8.self)
        guard name == model.graph.name else {
            throw WeightsFileError(
                path: path, message: "holds weights of model '\(name)'; expected '\(model.graph.name)'")
        }
        let decoded: (version: Int, specs: [IndexSpec], values: [[Float]])
        do {
            decoded = try PayloadCodec(layout: model.layout).decode(Array(bytes[(10 + length)...]))
        } catch {
            throw WeightsFileError(path: path, message: "damaged: \(error)")
        }
        guard decoded.specs.allSatisfy({ $0 == .all }) else {
            throw WeightsFileError(path: path, message: "does not hold every tensor of \(name) whole")
        }
        return decoded.values
    }
}

/// A weights file that cannot be used.
public struct WeightsFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong.
    public var message: String

    public var description: String { "\(self.path): \(self.message)" }
}
