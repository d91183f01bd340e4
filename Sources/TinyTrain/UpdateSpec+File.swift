// SPDX-License-Identifier: GPL-3.0-or-later

import BoundedYAML
import Foundation
import Yams

extension UpdateSpec {
    /// Reads an update specification from a YAML file: a `rules` list of compact clauses (see
    /// ``init(parsing:)``), applied in order.
    ///
    /// ```yaml
    /// rules:
    ///   - bias-only
    ///   - last:2@0.5
    ///   - conv3=w[0;5;9]
    /// ```
    /// - Throws: ``PlanError/invalidUpdate(_:)`` naming the file, line and rule index of the first problem.
    public init(file path: String) throws {
        let root: Node?
        do {
            root = try BoundedYAML.compose(contentsOf: path)
        } catch {
            throw PlanError.invalidUpdate(error.description)
        }
        guard let rulesNode = root?["rules"], let items = rulesNode.sequence, !items.isEmpty else {
            throw PlanError.invalidUpdate("\(path): expected a non-empty 'rules' list of clauses")
        }
        var rules: [UpdateRule] = []
        for (index, item) in items.enumerated() {
            let line = item.mark.map { ":\($0.line)" } ?? ""
            guard let clause = item.string else {
                throw PlanError.invalidUpdate("\(path)\(line): rules[\(index)]: expected a clause such as last:2")
            }
            do {
                rules += try UpdateSpec(parsing: clause).rules
            } catch PlanError.invalidUpdate(let message) {
                throw PlanError.invalidUpdate("\(path)\(line): rules[\(index)]: \(message)")
            }
        }
        self.init(rules: rules)
    }

    /// `full`, a compact SPEC, or a YAML file (a path ending in `.yaml` or `.yml`).
    /// - Throws: ``PlanError/invalidUpdate(_:)``.
    public static func resolve(_ specOrPath: String) throws -> UpdateSpec {
        if specOrPath.hasSuffix(".yaml") || specOrPath.hasSuffix(".yml") { return try UpdateSpec(file: specOrPath) }
        return try UpdateSpec(parsing: specOrPath)
    }
}
