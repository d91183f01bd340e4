// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Scenario
import Testing

struct ToolVersionTests {
    /// `git rev-parse HEAD` of the checkout the tests were built in, or `nil` without git or a checkout.
    private func head() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "-C", URL(fileURLWithPath: #filePath).deletingLastPathComponent().path,
            "rev-parse", "HEAD",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theRecordedCommitIsTheCheckoutsHeadAtBuildTime() throws {
        let commit = ToolVersion.gitCommit
        guard let head = self.head() else {
            #expect(commit == "unknown")
            return
        }
        // The build compiled this checkout's sources: its HEAD, marked dirty when tracked sources differed.
        #expect(commit == head || commit == head + "-dirty")
        #expect(head.count == 40 && head.allSatisfy(\.isHexDigit))
    }
}
