// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import PackagePlugin

/// Records, at every build, the git commit of the sources being compiled: a prebuild command writes
/// `SourceCommit.swift` (`let sourceCommit = "<sha>"`, with `-dirty` when tracked files under `Sources/` or
/// `Package.swift` differ from it, `unknown` when the package directory is not the top of a git checkout). The file is rewritten only when its text
/// changes, so an unchanged tree does not recompile anything.
@main
struct SourceCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = #"""
            set -u
            package=$1
            out=$2
            mkdir -p "$out"
            commit=unknown
            # Only the package's own checkout counts (not a repository it was unpacked into).
            top=$(git -C "$package" rev-parse --show-toplevel 2>/dev/null) &&
                [ "$(cd "$top" && pwd -P)" = "$(cd "$package" && pwd -P)" ] &&
                commit=$(git -C "$package" rev-parse HEAD 2>/dev/null) || commit=unknown
            if [ "$commit" != unknown ] &&
                [ -n "$(git -C "$package" status --porcelain --untracked-files=no -- Sources Package.swift 2>/dev/null)" ]
            then
                commit="$commit-dirty"
            fi
            printf '// Generated at build time by the SourceCommit plugin.\nlet sourceCommit = "%s"\n' "$commit" \
                >"$out/SourceCommit.swift.tmp"
            if cmp -s "$out/SourceCommit.swift.tmp" "$out/SourceCommit.swift"; then
                rm -f "$out/SourceCommit.swift.tmp"
            else
                mv "$out/SourceCommit.swift.tmp" "$out/SourceCommit.swift"
            fi
            """#
        return [
            .prebuildCommand(
                displayName: "Recording the source commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output)
        ]
    }
}
