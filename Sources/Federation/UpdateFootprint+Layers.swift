// SPDX-License-Identifier: GPL-3.0-or-later

import TinyTrain

/// One (layer, role) entry of an ``UpdateFootprint``'s per-layer breakdown.
public struct LayerFootprint: Hashable, Sendable {
    /// The layer: a tensor name up to its last `.` (`conv1` for `conv1.out`), the whole name without one
    /// (`labels`); ``UpdateFootprint/placementLayer`` for the planner's placement overhead.
    public var layer: String
    /// What the tensors hold: a ``TensorRole`` raw value, or ``UpdateFootprint/placementRole``.
    public var role: String
    /// Padded bytes of the plan's tensors live at the plan's peak step (``TrainingPlan/peakStep``).
    public var staticBytesAtPeak: Int
    /// Bytes of the eager accounting's tensors.
    public var eagerBytes: Int
}

extension UpdateFootprint {
    /// The layer name of the placement-overhead row.
    public static let placementLayer = "(arena)"
    /// The role name of the placement-overhead row.
    public static let placementRole = "placement_overhead"

    /// The layer of a tensor name: everything before its last `.`, or the whole name.
    public static func layerName(ofTensor name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    /// The footprint per (layer, role), in the order the plan, then the eager accounting, first name them.
    ///
    /// The static column sums to ``staticPeakBytes``: the tensors live at the peak step sum to the plan's lower
    /// bound, and one more row (``placementLayer``, ``placementRole``) holds the arena bytes above it that the
    /// planner's placement could not avoid (present only when non-zero). The eager column sums to ``eagerBytes``.
    public var layers: [LayerFootprint] {
        var rows: [LayerFootprint] = []
        var index: [String: Int] = [:]
        func add(_ name: String, _ role: String, staticBytes: Int, eagerBytes: Int) {
            let key = name + "\u{0}" + role
            if let existing = index[key] {
                rows[existing].staticBytesAtPeak += staticBytes
                rows[existing].eagerBytes += eagerBytes
            } else {
                index[key] = rows.count
                rows.append(
                    LayerFootprint(layer: name, role: role, staticBytesAtPeak: staticBytes, eagerBytes: eagerBytes))
            }
        }
        let peak = self.plan.peakStep
        for tensor in self.plan.tensors where tensor.firstStep <= peak && peak <= tensor.lastStep {
            add(
                Self.layerName(ofTensor: tensor.name), tensor.role.rawValue, staticBytes: tensor.paddedBytes,
                eagerBytes: 0)
        }
        for tensor in self.eager.tensors {
            add(Self.layerName(ofTensor: tensor.name), tensor.role.rawValue, staticBytes: 0, eagerBytes: tensor.bytes)
        }
        let overhead = self.plan.arenaBytes - self.plan.lowerBoundBytes
        if overhead > 0 { add(Self.placementLayer, Self.placementRole, staticBytes: overhead, eagerBytes: 0) }
        return rows
    }
}
