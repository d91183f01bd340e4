// SPDX-License-Identifier: GPL-3.0-or-later

import Radio

/// Everything that can happen in a run, as the event queue carries it (an enum: no allocation per event).
enum WorldEvent {
    /// A LoRaWAN network event (frames, receive windows, transfer ends).
    case lorawan(LoRaWANEvent)
    /// A BLE connection's transfer ended.
    case ble(device: Int, BLEEvent)
    /// A participation's next phase begins (after an ideal link's transfer, or a link straggler's extra wait).
    case resume(device: Int, participation: Int, phase: ParticipationPhase)
    /// A device finished its local training.
    case trainingDone(device: Int, participation: Int)
    /// A device's availability changes.
    case availability(device: Int)
    /// A device's battery reaches its cutoff (predicted).
    case battery(device: Int)
    /// A device whose link failed asks for work again.
    case retry(device: Int)
    /// The periodic evaluation (`evaluation.every`).
    case evaluate
    /// A FedAvg round's deadline.
    case roundDeadline(round: Int)
}

/// Where a participation stands.
enum ParticipationPhase: String, Sendable {
    /// The model (or sub-network) is coming down.
    case downloading
    /// Local training.
    case training
    /// The update is going up.
    case uploading
    /// The update has arrived.
    case arrived
}
