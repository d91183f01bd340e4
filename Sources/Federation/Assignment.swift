// SPDX-License-Identifier: GPL-3.0-or-later

/// Work the asynchronous server hands out: device `device` downloads version `version` and trains from
/// `parameters`.
///
/// `parameters` is the server model's own copy-on-write arrays at that version: handing it to many devices
/// shares one buffer, and the server's next step copies only the tensors it changes.
public struct Assignment: Equatable, Sendable {
    /// The device id.
    public var device: Int
    /// The model version it trains from.
    public var version: Int
    /// The parameters of that version, one flat array per tensor.
    public var parameters: [[Float]]

    /// Creates an assignment.
    ///
    /// - Parameters:
    ///   - device: The device id.
    ///   - version: The model version.
    ///   - parameters: Its parameters.
    public init(device: Int, version: Int, parameters: [[Float]]) {
        self.device = device
        self.version = version
        self.parameters = parameters
    }
}
