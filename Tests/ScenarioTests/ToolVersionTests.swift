// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Scenario
import Testing

struct ToolVersionTests {
    /// The package's root directory (this file is `Tests/ScenarioTests/ToolVersionTests.swift`).
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().resolvingSymlinksInPath()

    /// What `git -C ROOT ARGUMENTS…` prints, or `nil` when git is missing or fails.
    private func git(_ arguments: String...) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "safe.directory=\(self.root.path)", "-C", self.root.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theRecordedCommitIsTheCheckoutsHeadMarkedDirtyWhenTheSourcesDifferFromIt() throws {
        let commit = ToolVersion.gitCommit
        guard let top = self.git("rev-parse", "--show-toplevel"),
            URL(fileURLWithPath: top).resolvingSymlinksInPath().path == self.root.path,
            let head = self.git("rev-parse", "HEAD"),
            let status = self.git(
                "status", "--porcelain", "--untracked-files=normal", "--", "Sources", "Plugins",
                "Package.swift")
        else {
            #expect(commit == "unknown")
            return
        }
        // The build compiled this checkout's sources (swift test builds first): its HEAD, and `-dirty` exactly
        // when files under Sources/ or Plugins/ or Package.swift differ from it.
        #expect(commit == head + (status.isEmpty ? "" : "-dirty"))
        #expect(head.count >= 40 && head.allSatisfy(\.isHexDigit))
    }
}
