// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Federation
import Radio
import SimKernel
import TinyTrain

/// One simulated device: its class, power life, radio link, availability, straggler factor and data; and the
/// participation it is in, if any. An idle device holds no model copy.
struct VirtualDevice {
    /// How the device reaches the server.
    enum Link {
        /// Through the run's shared LoRaWAN network.
        case lorawan(LoRaWANDeviceID)
        /// Through its own BLE connection to a hub.
        case ble(BLEConnection)
        /// Instantaneous and lossless (to compare learning alone).
        case ideal
    }

    /// The device id (row of `devices.csv`).
    let id: Int
    /// Its class's index in the manifest.
    let classIndex: Int
    /// Radio and MCU states, energy, battery and status.
    var power: PoweredDevice
    /// The link.
    var link: Link
    /// When it is online.
    var availability: AvailabilityCursor
    /// Its straggler factors.
    let straggler: StragglerAssignment
    /// Its float32 training throughput, in MAC/s (before the straggler's slowdown).
    let macsPerSecond: Double
    /// Its training examples.
    let examples: DatasetExamples
    /// The participation in progress.
    var participation: Participation?
    /// Participations it has begun.
    var participations = 0
    /// Whether a whole-model download has been delivered to it, so that it holds every frozen weight (what
    /// `strategy.subnet.frozen_weights: downloaded` waits for before sending only sub-networks).
    var holdsFrozenWeights = false
    /// After a link failure: when it asks for work again.
    var retryAt: SimTime?
}

/// One participation: download, local training, upload.
struct Participation {
    /// Its number in the run (increasing).
    let number: Int
    /// When it began.
    let start: SimTime
    /// The model version downloaded.
    let version: Int
    /// The FedAvg round it belongs to.
    let round: Int?
    /// What it trains and the parameters it starts from.
    let work: TrainingWork
    /// Where it stands.
    var phase: ParticipationPhase = .downloading
    /// Bytes of the download.
    var bytesDown = 0
    /// Whether its download is the whole model (every tensor).
    var downloadsWholeModel = false
    /// Bytes of the upload (known after training).
    var bytesUp = 0
    /// Radio time of its transfers so far (from their start to their end).
    var linkTime = SimTime.zero
    /// Transmit airtime so far (the device's own and the gateways' towards it).
    var airtime = SimTime.zero
    /// Local training time.
    var trainTime = SimTime.zero
    /// MACs of the local training.
    var macs = 0
    /// The device's energy when it began.
    let energyAtStart: ElectricalEnergy
    /// The training job.
    var ticket: TrainingPool<TrainingOutcome>.Ticket?
    /// The update, once trained.
    var update: ClientUpdate?
    /// The staleness at arrival (asynchronous) or 0 (synchronous).
    var staleness: Int?
}

/// What a participation trains.
struct TrainingWork: @unchecked Sendable {
    /// The parameters downloaded (shared copy-on-write arrays: one buffer per version).
    let base: [[Float]]
    /// The index descriptions of the downloaded and uploaded elements.
    let specs: [IndexSpec]
    /// The full-model sub-network it trains, or `nil` for a narrower model.
    let subNetwork: SubNetwork?
    /// The narrower model, for `width` and `rolling`.
    let sliced: SlicedModel?
    /// The compiled plan.
    let plan: TrainingPlan
    /// Parameters trained.
    let parametersTrained: Int
}

/// What a training job produced.
enum TrainingOutcome: Sendable {
    /// The update.
    case trained(ClientUpdate)
    /// Training diverged (a non-finite value).
    case diverged
    /// The engine refused (a bug or a data problem; reported with the run).
    case failed(String)
}
