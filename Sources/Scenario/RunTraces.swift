// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// The CSV traces of one run; their columns are documented in the README ("Outputs").
struct RunTraces {
    /// `global.csv`: one row per evaluation of the global model (the initial model, then every
    /// `evaluation.every_aggregations` server steps, and the model at the end).
    var global = CSVTable(header: [
        "time_s", "model_version", "event", "updates_in_step", "mean_staleness", "test_accuracy", "test_loss",
        "updates_received", "updates_dropped", "cum_bytes_down", "cum_bytes_up", "cum_energy_J", "devices_alive",
        "devices_online",
    ])
    /// `devices.csv`: one row per participation (and one `oom` row per device excluded for its memory).
    var devices = CSVTable(header: [
        "time_s", "start_s", "device_id", "device_class", "participation", "round", "base_version", "staleness",
        "params_trained", "bytes_down", "bytes_up", "link_s", "airtime_s", "train_s", "macs", "energy_mJ",
        "peak_memory_bytes", "outcome",
    ])
    /// `events.csv` (only when `traces.events` is on): one row per simulation event.
    var events: CSVTable?

    init(events: Bool) {
        if events { self.events = CSVTable(header: ["time_s", "event", "device_id", "detail"]) }
    }

    /// Records an event when the event trace is on.
    mutating func event(_ time: SimTime, _ name: String, device: Int?, _ detail: String = "") {
        guard self.events != nil else { return }
        self.events?.append([CSVField.seconds(time), name, CSVField.integer(device), detail])
    }
}
