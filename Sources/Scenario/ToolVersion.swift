// SPDX-License-Identifier: GPL-3.0-or-later

import BuildInfo
import TinyTrain

/// The tool's version, printed by `--version` and recorded in every resolved manifest with the source commit.
public enum ToolVersion {
    /// The release version.
    public static let string = "0.2.0"

    /// The instruction-set level of the training kernels this process selected (``KernelISA/selected``):
    /// recorded with every run, although every level gives the same bits.
    public static var kernelISA: String { KernelISA.selected.rawValue }

    /// What `--version` prints: the release version and the kernel level, e.g. `0.2.0 (kernels: x86-64-v4)`.
    public static var versionLine: String { "\(string) (kernels: \(kernelISA))" }

    /// The git commit of the sources this executable was compiled from, recorded at build time
    /// (``BuildInfo/BuildInfo/commit``): `<sha>`, `<sha>-dirty` when the tracked sources differed from it, or
    /// `unknown` when built outside a git checkout.
    public static var gitCommit: String { BuildInfo.commit }
}
