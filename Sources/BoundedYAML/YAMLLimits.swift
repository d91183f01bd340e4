// SPDX-License-Identifier: GPL-3.0-or-later

/// Bounds on what a YAML text may expand to before anything reads it.
///
/// A recursive reader (and a tree's recursive deallocation) overflows the stack on deep enough nesting, and
/// anchors and aliases can expand a short text into an exponential tree ("billion laughs"). Every YAML text
/// the simulator reads — manifests and model files alike — is checked against these bounds first.
public struct YAMLLimits: Hashable, Sendable {
    /// The deepest nesting of sequences and mappings (the root container is depth 1).
    public var maximumDepth: Int
    /// The most nodes the document may hold with every alias expanded.
    public var maximumExpandedNodes: Int
    /// The largest text, in bytes.
    public var maximumBytes: Int

    /// Creates limits.
    public init(maximumDepth: Int = 64, maximumExpandedNodes: Int = 1_000_000, maximumBytes: Int = 16 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumExpandedNodes = maximumExpandedNodes
        self.maximumBytes = maximumBytes
    }

    /// The defaults: depth 64, a million expanded nodes, 16 MiB — far beyond any manifest or model file.
    public static let standard = YAMLLimits()
}
