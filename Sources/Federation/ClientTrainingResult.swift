// SPDX-License-Identifier: GPL-3.0-or-later

/// What one client's local training produced.
public struct ClientTrainingResult: Sendable {
    /// The update to send: Δ = trained − downloaded on the sub-network's elements.
    public var update: ClientUpdate
    /// Multiply-accumulates of all steps, from the plan's counts (forward, pruned backward, SGD update).
    public var macs: Int
    /// The planner's SRAM arena bytes: the device's peak training memory.
    public var peakMemoryBytes: Int
    /// The planner's bytes of frozen parameters, read from flash.
    public var flashBytes: Int
    /// SGD steps taken.
    public var steps: Int
    /// Mean training loss over the examples of the last epoch (measured before each step's update).
    public var lastEpochMeanLoss: Double
    /// The update's L2 norm before clipping, when differential privacy is on.
    public var normBeforeClipping: Double?
}
