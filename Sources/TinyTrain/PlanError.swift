// SPDX-License-Identifier: GPL-3.0-or-later

/// A training plan that cannot be compiled or executed.
public enum PlanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The plan's SRAM arena does not fit the cap.
    case exceedsCap(requiredBytes: Int, availableBytes: Int)
    /// The update specification does not fit the model.
    case invalidUpdate(String)
    /// The model cannot be compiled for training (for example a batch norm that follows no conv2d or linear layer).
    case unsupportedModel(String)
    /// Compile options out of range.
    case invalidOptions(String)
    /// Data handed to the executor does not match the plan.
    case invalidData(String)

    /// What went wrong and what was expected.
    public var description: String {
        switch self {
        case .exceedsCap(let required, let available):
            "the training plan needs \(required) bytes of SRAM but the cap is \(available) bytes"
        case .invalidUpdate(let message): "update specification: \(message)"
        case .unsupportedModel(let message): "model: \(message)"
        case .invalidOptions(let message): "options: \(message)"
        case .invalidData(let message): "data: \(message)"
        }
    }
}
