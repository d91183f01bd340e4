// SPDX-License-Identifier: GPL-3.0-or-later

import BoundedYAML
import Foundation
import Yams

/// Loads models from YAML files (`Experiments/models/*.yaml`).
///
/// ```yaml
/// name: cnn-28
/// input: [1, 28, 28]            # channels, height, width
/// width_multiplier: 1.0         # optional: scales `out` of conv2d and inverted_residual (to a multiple of 8)
/// layers:                       # each layer reads the previous one unless it names `input` (or `inputs`)
///   - {op: conv2d, name: conv1, out: 8, kernel: 3, stride: 1, padding: 1, groups: 1, bias: true}
///   - {op: batchnorm, epsilon: 1.0e-5}          # frozen; folded into the conv before it
///   - {op: relu}                                # relu | relu6
///   - {op: maxpool, kernel: 2, stride: 2}       # maxpool | avgpool
///   - {op: inverted_residual, name: b1, expand: 6, out: 24, stride: 2, repeat: 2}
///   - {op: add, inputs: [b1, conv1]}            # residual sum of two named layers
///   - {op: global_avgpool}
///   - {op: flatten}
///   - {op: linear, name: fc, out: 10, bias: true}
/// output: fc                    # optional; the last layer by default (softmax cross-entropy logits)
/// ```
public enum ModelFile {
    /// Reads and builds a model file.
    /// - Throws: ``ModelError`` naming the file, line, column and key path of the first problem.
    public static func load(path: String) throws -> ModelGraph {
        let root: Node?
        do {
            root = try BoundedYAML.compose(contentsOf: path)
        } catch {
            throw ModelError(error)
        }
        return try self.build(root, file: path)
    }

    /// Builds a model from YAML text.
    /// - Parameters:
    ///   - yaml: the model description.
    ///   - file: the name errors cite.
    /// - Throws: ``ModelError`` naming the file, line, column and key path of the first problem.
    public static func parse(yaml: String, file: String) throws -> ModelGraph {
        let root: Node?
        do {
            root = try BoundedYAML.compose(yaml: yaml, file: file)
        } catch {
            throw ModelError(error)
        }
        return try self.build(root, file: file)
    }

    private static func build(_ root: Node?, file: String) throws -> ModelGraph {
        var reader = Reader(file: file)
        guard let root, root.mapping != nil else {
            throw reader.error(root, "", "expected a mapping with name, input and layers")
        }
        return try reader.model(root)
    }
}

extension ModelError {
    /// The loader's refusal of a model file's text (bad bytes, syntax, nesting, aliases, duplicate keys).
    init(_ error: YAMLInputError) {
        self.init(
            file: error.file, line: error.line, column: error.column, keyPath: error.keyPath, message: error.message)
    }
}

/// Walks a composed YAML tree, remembering marks for error messages.
private struct Reader {
    let file: String

    init(file: String) { self.file = file }

    func error(_ node: Node?, _ keyPath: String, _ message: String) -> ModelError {
        ModelError(file: file, line: node?.mark?.line, column: node?.mark?.column, keyPath: keyPath, message: message)
    }

    func require(_ node: Node, _ key: String, _ path: String) throws -> Node {
        guard let value = node[key] else { throw error(node, path + key, "missing required key '\(key)'") }
        return value
    }

    func int(_ node: Node, _ key: String, _ path: String, default fallback: Int? = nil, minimum: Int = 1) throws -> Int
    {
        guard let value = node[key] else {
            if let fallback { return fallback }
            throw error(node, path + key, "missing required key '\(key)' (an integer ≥ \(minimum))")
        }
        guard let number = value.int, number >= minimum else {
            throw error(value, path + key, "expected an integer ≥ \(minimum)")
        }
        return number
    }

    func bool(_ node: Node, _ key: String, _ path: String, default fallback: Bool) throws -> Bool {
        guard let value = node[key] else { return fallback }
        guard let flag = value.bool else { throw error(value, path + key, "expected true or false") }
        return flag
    }

    func string(_ node: Node, _ key: String, _ path: String) throws -> String? {
        guard let value = node[key] else { return nil }
        guard let text = value.scalar?.string, !text.isEmpty else { throw error(value, path + key, "expected a name") }
        return text
    }

    /// Keys a model file may use at the top level.
    static let modelKeys: Set<String> = ["name", "input", "width_multiplier", "layers", "output"]

    /// Keys each operation accepts (besides `op`, `name` and `input`).
    static let operationKeys: [String: Set<String>] = [
        "conv2d": ["out", "kernel", "stride", "padding", "groups", "bias"], "linear": ["out", "bias"],
        "batchnorm": ["epsilon"], "relu": [], "relu6": [], "maxpool": ["kernel", "stride"],
        "avgpool": ["kernel", "stride"], "global_avgpool": [], "flatten": [], "add": ["inputs"],
        "inverted_residual": ["expand", "out", "stride", "repeat"],
    ]

    /// Rejects keys outside `allowed` (a misspelt key would otherwise be silently ignored).
    func checkKeys(_ node: Node, allowed: Set<String>, _ path: String) throws {
        guard let mapping = node.mapping else { return }
        for key in mapping.keys {
            guard let text = key.string, allowed.contains(text) else {
                throw error(
                    key, path + (key.string ?? "?"),
                    "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    mutating func model(_ root: Node) throws -> ModelGraph {
        try checkKeys(root, allowed: Self.modelKeys, "")
        let name = try string(root, "name", "") ?? "model"
        let inputNode = try require(root, "input", "")
        guard let dims = inputNode.sequence?.compactMap({ $0.int }), dims.count == 3, dims.allSatisfy({ $0 > 0 }) else {
            throw error(inputNode, "input", "expected [channels, height, width] of positive integers")
        }
        var width = 1.0
        if let node = root["width_multiplier"] {
            guard let value = node.float, value > 0 else {
                throw error(node, "width_multiplier", "expected a positive number")
            }
            width = value
        }
        let scale = { (channels: Int) in
            width == 1 ? channels : ModelBuilder.divisibleChannels(Double(channels) * width)
        }
        var builder = ModelBuilder(name: name, input: TensorShape(channels: dims[0], height: dims[1], width: dims[2]))
        var named: [String: NodeID] = ["input": builder.input]
        let layersNode = try require(root, "layers", "")
        guard let layers = layersNode.sequence, !layers.isEmpty else {
            throw error(layersNode, "layers", "expected a non-empty list of layers")
        }
        var previous = builder.input
        for (index, layer) in layers.enumerated() {
            let path = "layers[\(index)]."
            guard layer.mapping != nil else { throw error(layer, "layers[\(index)]", "expected a mapping with 'op'") }
            let opNode = try require(layer, "op", path)
            guard let op = opNode.string else { throw error(opNode, path + "op", "expected an operation name") }
            if let allowed = Self.operationKeys[op] {
                try checkKeys(layer, allowed: allowed.union(["op", "name", "input"]), path)
            }
            let layerName = try string(layer, "name", path)
            func reference(_ node: Node, _ key: String) throws -> NodeID {
                guard let text = node.string, let id = named[text] else {
                    throw error(node, path + key, "expected the name of an earlier layer (or 'input')")
                }
                return id
            }
            let x = try layer["input"].map { try reference($0, "input") } ?? previous
            let next: NodeID
            do {
                switch op {
                case "conv2d":
                    next = try builder.conv2d(
                        x, out: scale(try int(layer, "out", path)), kernel: try int(layer, "kernel", path),
                        stride: try int(layer, "stride", path, default: 1),
                        padding: try int(layer, "padding", path, default: 0, minimum: 0),
                        groups: try groups(layer, path, input: builder.shape(of: x).channels),
                        bias: try bool(layer, "bias", path, default: true), name: layerName)
                case "linear":
                    next = try builder.linear(
                        x, out: try int(layer, "out", path), bias: try bool(layer, "bias", path, default: true),
                        name: layerName)
                case "batchnorm":
                    var epsilon = BatchNormParameters.defaultEpsilon
                    if let node = layer["epsilon"] {
                        guard let value = node.float, value > 0 else {
                            throw error(node, path + "epsilon", "expected a positive number")
                        }
                        epsilon = value
                    }
                    next = try builder.batchNorm(x, epsilon: epsilon, name: layerName)
                case "relu": next = try builder.relu(x, name: layerName)
                case "relu6": next = try builder.relu6(x, name: layerName)
                case "maxpool", "avgpool":
                    let kernel = try int(layer, "kernel", path)
                    let stride = try int(layer, "stride", path, default: kernel)
                    next =
                        op == "maxpool"
                        ? try builder.maxPool(x, kernel: kernel, stride: stride, name: layerName)
                        : try builder.avgPool(x, kernel: kernel, stride: stride, name: layerName)
                case "global_avgpool": next = try builder.globalAvgPool(x, name: layerName)
                case "flatten": next = try builder.flatten(x, name: layerName)
                case "add":
                    let inputsNode = try require(layer, "inputs", path)
                    guard let items = inputsNode.sequence, items.count == 2 else {
                        throw error(inputsNode, path + "inputs", "expected a list of two layer names")
                    }
                    next = try builder.add(
                        try reference(items[0], "inputs[0]"), try reference(items[1], "inputs[1]"), name: layerName)
                case "inverted_residual":
                    guard let blockName = layerName else {
                        throw error(layer, path + "name", "an inverted_residual needs a name (its nodes' prefix)")
                    }
                    let repeats = try int(layer, "repeat", path, default: 1)
                    var y = x
                    for r in 0..<repeats {
                        y = try builder.invertedResidual(
                            y, expand: try int(layer, "expand", path), out: scale(try int(layer, "out", path)),
                            stride: r == 0 ? try int(layer, "stride", path, default: 1) : 1,
                            name: repeats == 1 ? blockName : "\(blockName).\(r + 1)")
                    }
                    next = y
                default:
                    throw error(
                        opNode, path + "op",
                        "unknown operation '\(op)'; expected conv2d, linear, batchnorm, relu, relu6, maxpool, avgpool, "
                            + "global_avgpool, add, flatten or inverted_residual")
                }
            } catch var modelError as ModelError where modelError.file == nil {
                modelError.file = file
                modelError.line = layer.mark?.line
                modelError.column = layer.mark?.column
                modelError.keyPath = "layers[\(index)] (\(modelError.keyPath))"
                throw modelError
            }
            if let layerName { named[layerName] = next }
            previous = next
        }
        var output = previous
        if let node = root["output"] {
            guard let text = node.string, let id = named[text] else {
                throw error(node, "output", "expected the name of a layer")
            }
            output = id
        }
        do {
            return try builder.build(output: output)
        } catch var modelError as ModelError {
            modelError.file = file
            modelError.line = root["layers"]?.mark?.line
            throw modelError
        }
    }

    /// `groups`: an integer, or `depthwise` (one group per input channel).
    func groups(_ layer: Node, _ path: String, input: Int) throws -> Int {
        guard let node = layer["groups"] else { return 1 }
        if node.string == "depthwise" { return input }
        guard let value = node.int, value > 0 else {
            throw error(node, path + "groups", "expected a positive integer or 'depthwise'")
        }
        return value
    }
}
