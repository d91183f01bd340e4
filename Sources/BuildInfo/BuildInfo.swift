// SPDX-License-Identifier: GPL-3.0-or-later

/// Facts about the build of this executable, recorded when it was compiled.
public enum BuildInfo {
    /// The git commit of the sources this build compiled (`<sha>-dirty` when files under `Sources/` or `Plugins/`
    /// or `Package.swift` differed from it; `unknown` when the package is not the top of a git checkout). Written
    /// at build time by the `SourceCommit` plugin, so moving the checkout afterwards does not change it.
    public static let commit: String = sourceCommit
}
