// SPDX-License-Identifier: GPL-3.0-or-later

/// The tool's version, printed by `--version` and recorded in every resolved manifest.
enum ToolVersion {
    static let string = "0.1.0"
}
