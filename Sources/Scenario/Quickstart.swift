// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// The built-in quickstart manifest (`ftte-sim run` with no manifest); `Experiments/quickstart.yaml` is the same
/// text.
public enum Quickstart {
    /// The name errors and the resolved manifest cite.
    public static let fileName = "quickstart.yaml"

    /// The manifest's text.
    ///
    /// - Throws: The file system's error if the resource bundle is missing.
    public static func text() throws -> String {
        guard let url = Bundle.module.url(forResource: "quickstart", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "quickstart.yaml"])
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
