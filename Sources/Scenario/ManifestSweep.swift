// SPDX-License-Identifier: GPL-3.0-or-later

import BoundedYAML
import Foundation
import SimKernel
import Yams

/// A 1-based line and column in a manifest file.
struct SourceLocation: Hashable, Sendable {
    var line: Int
    var column: Int
}

/// One run of a manifest: a point of its sweep and one replication.
public struct RunSpec: Sendable {
    /// The run's position in the expansion (0-based; shards and resume refer to it).
    public var index: Int
    /// A stable, readable id: the swept values, the replication and a short hash of the resolved manifest.
    public var id: String
    /// The replication index.
    public var replication: Int
    /// The swept keys and the value each takes in this run, in manifest order (rendered as flow YAML).
    public var parameters: [(key: String, value: String)]
    /// The resolved manifest.
    public var manifest: Manifest
    /// The resolved manifest as YAML (every default filled in).
    public var resolvedYAML: String
}

/// Expands a manifest file's `sweep:` (a grid: the cartesian product, first key slowest), `zip:` (lists of
/// equal length taken together, as one more dimension after the grid) and `replications:` (innermost) into
/// runs, each decoded and checked in full.
public struct ManifestSweep: Sendable {
    /// The manifest file.
    public var file: String
    /// The swept keys, in order (grid keys, then zip keys).
    public var sweptKeys: [String]
    /// Every run, in expansion order.
    public var runs: [RunSpec]
    /// Where each key path of the file stands (1-based line and column), for errors found after reading.
    var locations: [String: SourceLocation] = [:]

    /// Reads, expands and checks a manifest file.
    ///
    /// - Throws: ``ManifestError`` at the first problem in any run.
    public init(contentsOf path: String) throws(ManifestError) {
        let root: Node?
        do {
            root = try BoundedYAML.compose(contentsOf: path)
        } catch {
            throw ManifestError(error)
        }
        try self.init(root: root, file: path)
    }

    /// Expands a manifest given as text (`file` is the name errors cite).
    ///
    /// - Throws: ``ManifestError`` at the first problem in any run.
    public init(yaml: String, file: String) throws(ManifestError) {
        let root: Node?
        do {
            root = try BoundedYAML.compose(yaml: yaml, file: file)
        } catch {
            throw ManifestError(error)
        }
        try self.init(root: root, file: file)
    }

    private init(root: Node?, file: String) throws(ManifestError) {
        self.file = file
        if let root { Self.record(root, path: "", into: &self.locations) }
        guard let root, var pairs = root.mapping else {
            throw ManifestError(
                file: file, line: root?.mark?.line, column: root?.mark?.column, keyPath: "",
                message: "expected a mapping with name, devices, strategy, …")
        }
        let rootValue = ManifestValue(node: root, keyPath: "", file: file)
        _ = try rootValue.mapping(allowed: Manifest.keys)
        var dimensions: [[[Assignment]]] = []
        var keys: [String] = []
        if let sweep = pairs["sweep"] {
            let value = ManifestValue(node: sweep, keyPath: "sweep", file: file)
            guard let entries = sweep.mapping, !entries.isEmpty else {
                throw value.error("expected a mapping of dotted keys to lists of values")
            }
            for (keyNode, listNode) in entries {
                let key = try Self.sweptKey(keyNode, in: value)
                let items = try ManifestValue(node: listNode, keyPath: "sweep." + key, file: file).sequence(
                    expected: "values for \(key)")
                guard !items.isEmpty else { throw value.error("sweep.\(key) has no values; expected at least one") }
                dimensions.append(items.map { [Assignment(key: key, keyNode: keyNode, value: $0.node)] })
                keys.append(key)
            }
        }
        if let zip = pairs["zip"] {
            let value = ManifestValue(node: zip, keyPath: "zip", file: file)
            guard let entries = zip.mapping, !entries.isEmpty else {
                throw value.error("expected a mapping of dotted keys to lists of equal length")
            }
            var columns: [[Assignment]] = []
            for (keyNode, listNode) in entries {
                let key = try Self.sweptKey(keyNode, in: value)
                let items = try ManifestValue(node: listNode, keyPath: "zip." + key, file: file).sequence(
                    expected: "values for \(key)")
                if let first = columns.first, first.count != items.count {
                    throw ManifestValue(node: listNode, keyPath: "zip." + key, file: file).error(
                        "has \(items.count) values; expected \(first.count), as many as the first zip list")
                }
                guard !items.isEmpty else { throw value.error("zip.\(key) has no values; expected at least one") }
                columns.append(items.map { Assignment(key: key, keyNode: keyNode, value: $0.node) })
                keys.append(key)
            }
            dimensions.append((0..<columns[0].count).map { row in columns.map { $0[row] } })
        }
        if Set(keys).count != keys.count {
            throw rootValue.error("a key is swept twice (in sweep and zip); expected each key once")
        }
        pairs["sweep"] = nil
        pairs["zip"] = nil
        self.sweptKeys = keys
        var runs: [RunSpec] = []
        let points = dimensions.reduce([[Assignment]]([[]])) { partial, dimension in
            partial.flatMap { prefix in dimension.map { prefix + $0 } }
        }
        for point in points {
            var node = Node.mapping(pairs)
            for assignment in point {
                node = try Self.setting(
                    assignment.value, at: assignment.key, in: node, keyNode: assignment.keyNode, file: file)
            }
            let manifest = try Manifest(root: ManifestValue(node: node, keyPath: "", file: file))
            let resolved = Self.render(manifest)
            let rendered = point.map { ($0.key, Self.flow($0.value)) }
            for replication in 0..<manifest.replications {
                let id = Self.runID(
                    name: manifest.name, parameters: rendered, replication: replication, resolved: resolved)
                runs.append(
                    RunSpec(
                        index: runs.count, id: id, replication: replication, parameters: rendered, manifest: manifest,
                        resolvedYAML: resolved))
            }
        }
        self.runs = runs
    }

    /// Records the position of every node below `node` by key path (the loader bounds the depth).
    private static func record(_ node: Node, path: String, into locations: inout [String: SourceLocation]) {
        if let mark = node.mark { locations[path] = SourceLocation(line: mark.line, column: mark.column) }
        if let pairs = node.mapping {
            for (key, value) in pairs {
                guard let name = key.string else { continue }
                Self.record(value, path: path.isEmpty ? name : path + "." + name, into: &locations)
            }
        } else if let items = node.sequence {
            for (index, item) in items.enumerated() { Self.record(item, path: "\(path)[\(index)]", into: &locations) }
        }
    }

    /// `error` with the file position of its key path (or of the nearest enclosing entry the file spells) when
    /// it has none: errors found while building a run name a key path only.
    public func locate(_ error: ManifestError) -> ManifestError {
        guard error.line == nil else { return error }
        var path = error.keyPath
        while !path.isEmpty {
            if let location = self.locations[path] {
                var located = error
                located.line = location.line
                located.column = location.column
                return located
            }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = String(path[..<cut])
        }
        return error
    }

    /// A dotted key of `sweep:` or `zip:` (`strategy.subnet.capacity_ratio`, `devices.classes[0].sram`).
    private static func sweptKey(_ node: Node, in parent: ManifestValue) throws(ManifestError) -> String {
        guard let key = node.string, !key.isEmpty,
            key.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty })
        else {
            throw ManifestValue(node: node, keyPath: parent.keyPath, file: parent.file).error(
                "expected a dotted key such as strategy.kind")
        }
        guard !["sweep", "zip", "replications", "name"].contains(String(key.split(separator: ".")[0])) else {
            throw ManifestValue(node: node, keyPath: parent.keyPath + "." + key, file: parent.file).error(
                "cannot be swept; expected a key of dataset, model, devices, strategy, client, evaluation, stop, "
                    + "traces or seed")
        }
        return key
    }

    /// One swept key's value in one run.
    private struct Assignment {
        var key: String
        var keyNode: Node
        var value: Node
    }

    /// `node` with the value at the dotted `path` replaced (mappings on the way are created when absent).
    static func setting(_ value: Node, at path: String, in node: Node, keyNode: Node, file: String)
        throws(ManifestError) -> Node
    {
        var components: [(key: String, index: Int?)] = []
        for part in path.split(separator: ".") {
            if let open = part.firstIndex(of: "["), part.hasSuffix("]"),
                let index = Int(part[part.index(after: open)..<part.index(before: part.endIndex)])
            {
                components.append((String(part[..<open]), index))
            } else {
                components.append((String(part), nil))
            }
        }
        return try self.setting(value, components[...], in: node, keyNode: keyNode, file: file, path: "")
    }

    private static func setting(
        _ value: Node, _ components: ArraySlice<(key: String, index: Int?)>, in node: Node, keyNode: Node,
        file: String, path: String
    ) throws(ManifestError) -> Node {
        guard let first = components.first else { return value }
        let here = path.isEmpty ? first.key : path + "." + first.key
        guard var mapping = node.mapping else {
            throw ManifestValue(node: keyNode, keyPath: "sweep." + here, file: file).error(
                "\(path) is not a mapping, so it has no key \(first.key)")
        }
        // A key the manifest does not spell yet is added carrying the sweep key's position, so a misspelt
        // swept key is reported where the sweep names it.
        let key = Node.scalar(Node.Scalar(first.key, .implicit, .plain, keyNode.mark))
        let child = mapping[key] ?? Node.mapping(Node.Mapping([], .implicit, .any, keyNode.mark))
        if let index = first.index {
            guard var items = child.sequence, items.indices.contains(index) else {
                throw ManifestValue(node: keyNode, keyPath: "sweep." + here, file: file).error(
                    "\(here) has no item [\(index)]; expected an index into an existing list")
            }
            items[index] = try self.setting(
                value, components.dropFirst(), in: items[index], keyNode: keyNode, file: file,
                path: here + "[\(index)]")
            mapping[key] = Node.sequence(items)
        } else {
            mapping[key] = try self.setting(
                value, components.dropFirst(), in: child, keyNode: keyNode, file: file, path: here)
        }
        return Node.mapping(mapping)
    }

    /// A swept value as one line of flow YAML (`0.25`, `ftte`, `{fn: hinge, a: 10, b: 4}`).
    static func flow(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .sequence(let items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { "\(flow($0.key)): \(flow($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// The resolved manifest as YAML, keys in declaration order.
    static func render(_ manifest: Manifest) -> String {
        let text: String
        do {
            text = try YAMLEncoder().encode(manifest)
        } catch {
            // Every field is a string, number, boolean, list or mapping: encoding cannot fail.
            return "# resolved manifest could not be encoded: \(error)\n"
        }
        // Yams writes every floating-point value in scientific notation (0.5 as 5e-1); write the shortest
        // decimal that reads back to the same value instead. Strings that look like numbers are quoted by
        // Yams, so only plain numeric scalars change.
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let separator = line.range(of: ": ", options: .backwards) ?? line.range(of: "- ") else {
                return String(line)
            }
            let value = line[separator.upperBound...]
            guard value.contains("e"), value.first.map({ $0.isNumber || $0 == "-" }) == true, let number = Double(value)
            else { return String(line) }
            return String(line[..<separator.upperBound]) + CSVField.number(number)
        }.joined(separator: "\n")
    }

    /// `name_key-value_…_rN_hash8`: readable swept values, the replication, and 32 bits of FNV-1a of the
    /// resolved manifest (so two manifests that differ anywhere get different ids).
    static func runID(name: String, parameters: [(String, String)], replication: Int, resolved: String) -> String {
        var parts = [name]
        for (key, value) in parameters {
            let last = key.split(separator: ".").last.map(String.init) ?? key
            parts.append(Self.sanitise(last) + "-" + Self.sanitise(value))
        }
        parts.append("r\(replication)")
        let hash = fnv1a64(resolved)
        parts.append(String(hash >> 32, radix: 16).leftPadded(to: 8))
        return parts.joined(separator: "_")
    }

    private static func sanitise(_ text: String) -> String {
        var result = ""
        for character in text {
            if character.isLetter || character.isNumber || character == "." || character == "-" {
                result.append(character)
            } else if !result.isEmpty, result.last != "-" {
                result.append("-")
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result.isEmpty ? "x" : result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}

extension ManifestSweep {
    /// The same sweep with every run's master seed replaced (`run --seed`): resolved manifests and ids follow.
    public func withSeed(_ seed: UInt64) -> ManifestSweep {
        var copy = self
        copy.runs = self.runs.map { run in
            var run = run
            run.manifest.seed = seed
            run.resolvedYAML = Self.render(run.manifest)
            run.id = Self.runID(
                name: run.manifest.name, parameters: run.parameters, replication: run.replication,
                resolved: run.resolvedYAML)
            return run
        }
        return copy
    }

    /// Checks every distinct run without running it: the data are there, the model plans under every class's
    /// cap, the fleet can be built (profiles, radios, batteries, availability).
    ///
    /// - Throws: ``ManifestError`` for the first run that cannot be built.
    public func check() throws(ManifestError) {
        var seen: Set<String> = []
        for run in self.runs where seen.insert(run.resolvedYAML).inserted {
            do {
                _ = try World(spec: run, file: self.file, threads: 1)
            } catch {
                throw self.locate(error)
            }
        }
    }
}
