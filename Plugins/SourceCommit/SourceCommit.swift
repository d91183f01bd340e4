// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import PackagePlugin

/// Records, at every build, the git commit of the sources being compiled: a prebuild command writes
/// `SourceCommit.swift` (`let sourceCommit = "<sha>"`). The commit is marked `-dirty` when files under
/// `Sources/` or `Plugins/` or `Package.swift` differ from it (new files not ignored included), and is `unknown`
/// when the package directory is not the top of a git checkout or git is missing. The file is rewritten only
/// when its text changes, so an unchanged tree recompiles nothing.
@main
struct SourceCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = #"""
            set -u
            package=$1
            out=$2
            mkdir -p "$out"
            # The checkout may belong to another user (a container, a shared cluster directory): trust it here.
            git() { command git -c safe.directory="$package" --no-optional-locks -C "$package" "$@"; }
            commit=unknown
            # Only the package's own checkout counts, not a repository it was unpacked into.
            top=$(git rev-parse --show-toplevel 2>/dev/null) &&
                [ "$(cd "$top" && pwd -P)" = "$(cd "$package" && pwd -P)" ] &&
                commit=$(git rev-parse HEAD 2>/dev/null) || commit=unknown
            if [ "$commit" != unknown ] &&
                [ -n "$(git status --porcelain --untracked-files=normal -- Sources Plugins Package.swift 2>/dev/null)" ]
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
        // The command runs with only the environment given here: git needs PATH, and HOME for its configuration.
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in ["PATH", "HOME"] { environment[key] = inherited[key] }
        return [
            .prebuildCommand(
                displayName: "Recording the source commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
                environment: environment,
                outputFilesDirectory: output)
        ]
    }
}
