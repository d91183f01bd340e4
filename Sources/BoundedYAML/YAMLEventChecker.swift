// SPDX-License-Identifier: GPL-3.0-or-later

import CYaml

/// One streaming pass over libyaml's parse events that enforces ``YAMLLimits`` and the loader's rules
/// with an explicit stack (depth costs heap, never call stack).
struct YAMLEventChecker {
    /// An open sequence or mapping.
    private struct Frame {
        /// Whether it is a mapping.
        var isMapping: Bool
        /// Its anchor, if it has one.
        var anchor: String?
        /// Nodes below it so far, aliases expanded.
        var expandedNodes = 0
        /// Sequence: the index of the next item. Mapping: how many keys and values have been seen.
        var position = 0
        /// Mapping: the scalar keys seen, with the line they were seen on.
        var keys: [String: Int] = [:]
        /// Mapping: the key whose value comes next (when it is a scalar).
        var currentKey: String?
    }

    let file: String
    let limits: YAMLLimits
    private var stack: [Frame] = []
    /// Expanded node count of every anchor defined so far.
    private var anchors: [String: Int] = [:]
    private var documents = 0
    private var total = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    /// Runs the pass over `yaml`.
    ///
    /// - Throws: ``YAMLInputError`` at the first violation.
    mutating func check(_ yaml: String) throws(YAMLInputError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw self.error(nil, nil, "the YAML parser could not start (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(yaml.utf8)
        if bytes.isEmpty { bytes.append(0x0A) }
        try bytes.withUnsafeBufferPointer { buffer throws(YAMLInputError) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var finished = false
            while !finished {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw self.syntaxError(parser)
                }
                defer { yaml_event_delete(&event) }
                finished = try self.handle(event)
            }
        }
    }

    /// Handles one event; returns `true` at the end of the stream.
    private mutating func handle(_ event: yaml_event_t) throws(YAMLInputError) -> Bool {
        let mark = event.start_mark
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            self.documents += 1
            guard self.documents == 1 else {
                throw self.error(mark, "", "a second YAML document; expected exactly one document per file")
            }
        case YAML_SCALAR_EVENT:
            let value = Self.string(event.data.scalar.value, length: event.data.scalar.length)
            try self.addNode(count: 1, at: mark, scalarKey: value)
            if let anchor = Self.string(event.data.scalar.anchor) { self.anchors[anchor] = 1 }
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let size = self.anchors[name] else {
                throw self.error(mark, self.keyPath(), "alias *\(name) names no anchor defined before it")
            }
            try self.addNode(count: size, at: mark, scalarKey: nil)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            guard self.stack.count < self.limits.maximumDepth else {
                throw self.error(
                    mark, self.keyPath(),
                    "nesting deeper than \(self.limits.maximumDepth) levels; expected a flatter document")
            }
            self.stack.append(Frame(isMapping: isMapping, anchor: Self.string(anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = self.stack.popLast() else { break }
            let size = frame.expandedNodes + 1
            if let anchor = frame.anchor { self.anchors[anchor] = size }
            try self.addNode(count: size, at: mark, scalarKey: nil, alreadyCounted: frame.expandedNodes)
        default:
            break
        }
        return false
    }

    /// Accounts one finished node of `count` expanded nodes in its parent; checks a mapping key.
    ///
    /// `alreadyCounted` is the part of `count` that has already been added to the running total (a
    /// container's children were counted as they arrived).
    private mutating func addNode(
        count: Int, at mark: yaml_mark_t, scalarKey: String?, alreadyCounted: Int = 0
    ) throws(YAMLInputError) {
        self.total += count - alreadyCounted
        guard self.total <= self.limits.maximumExpandedNodes else {
            throw self.error(
                mark, self.keyPath(),
                "the document expands to more than \(self.limits.maximumExpandedNodes) nodes "
                    + "(aliases counted as copies); expected a smaller document")
        }
        guard let top = self.stack.indices.last else { return }
        self.stack[top].expandedNodes += count
        if self.stack[top].isMapping {
            let isKey = self.stack[top].position % 2 == 0
            if isKey {
                self.stack[top].currentKey = scalarKey
                if let key = scalarKey {
                    if let firstLine = self.stack[top].keys[key] {
                        throw self.error(
                            mark, self.keyPath(appending: key),
                            "duplicate key (first given on line \(firstLine)); expected each key once")
                    }
                    self.stack[top].keys[key] = Int(mark.line) + 1
                }
            }
        }
        self.stack[top].position += 1
    }

    /// The dotted key path of the node about to be read.
    private func keyPath(appending last: String? = nil) -> String {
        var path = ""
        for frame in self.stack {
            if frame.isMapping {
                // An odd position means the key has been read and its value is being read.
                if frame.position % 2 == 1, let key = frame.currentKey { path += path.isEmpty ? key : "." + key }
            } else {
                path += "[\(frame.position)]"
            }
        }
        if let last { path += path.isEmpty ? last : "." + last }
        return path
    }

    private func error(_ mark: yaml_mark_t?, _ keyPath: String?, _ message: String) -> YAMLInputError {
        YAMLInputError(
            file: self.file, line: mark.map { Int($0.line) + 1 }, column: mark.map { Int($0.column) + 1 },
            keyPath: keyPath ?? "", message: message)
    }

    private func syntaxError(_ parser: yaml_parser_t) -> YAMLInputError {
        let problem = Self.string(parser.problem) ?? "unreadable YAML"
        var message = "not valid YAML: \(problem)"
        if let context = Self.string(parser.context) {
            message += " \(context) (line \(parser.context_mark.line + 1))"
        }
        return self.error(parser.problem_mark, self.keyPath(), message)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?, length: Int) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
