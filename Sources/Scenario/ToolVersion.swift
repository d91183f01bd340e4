// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
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

    /// The git commit the running executable was built from: read from the `.git` directory of the checkout
    /// that holds the executable (`HEAD`, a loose ref or `packed-refs`); `unknown` outside a checkout.
    public static let gitCommit: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while directory.pathComponents.count > 1 {
            let git = directory.appendingPathComponent(".git")
            if let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8) {
                return Self.resolve(head.trimmingCharacters(in: .whitespacesAndNewlines), in: git)
            }
            directory.deleteLastPathComponent()
        }
        return "unknown"
    }()

    private static func resolve(_ head: String, in git: URL) -> String {
        guard head.hasPrefix("ref: ") else { return head }
        let reference = String(head.dropFirst(5))
        if let loose = try? String(contentsOf: git.appendingPathComponent(reference), encoding: .utf8) {
            return loose.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let packed = (try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8)) ?? ""
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + reference) {
            return String(line.prefix { $0 != " " })
        }
        return "unknown"
    }
}
