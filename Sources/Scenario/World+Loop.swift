// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Federation
import Radio
import SimKernel

/// A fault of the simulator itself (never of the user's input): a state machine refused a transition the run
/// loop asked for. Reported with the run; the command line exits 70.
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var message: String
    public var description: String { self.message }
}

extension World {
    /// Runs the world until a stop condition and returns the run's files and summary.
    ///
    /// - Throws: ``SimulationError`` for an internal fault.
    func run() throws -> RunResult {
        try self.start()
        while self.stopReason == nil {
            guard let next = self.simulator.nextEventTime() else {
                self.stopReason = "no_events"
                break
            }
            guard next <= self.maximumTime else {
                self.stopReason = "max_sim_time"
                break
            }
            guard let event = self.simulator.step() else { break }
            try self.handle(event)
        }
        let end = self.stopReason == "max_sim_time" ? self.maximumTime : self.simulator.now
        return try self.finish(at: end)
    }

    /// Sets the fleet up at time 0: exclusions, availability and battery events, the first evaluation and the
    /// server's first work.
    private func start() throws {
        try self.evaluate(event: "initial", updatesInStep: 0, meanStaleness: nil)
        try self.schedulePeriodicEvaluation()
        for index in self.devices.indices {
            let id = UInt64(index)
            if let next = self.devices[index].availability.nextChange {
                try self.schedule(.availability(device: index), for: index, at: next, participation: false)
            }
            try self.book.updateCutoff(
                of: self.devices[index].power, event: .battery(device: index), on: &self.simulator)
            if case .outOfMemory(let required) = self.setup.classTraining[self.devices[index].classIndex],
                self.manifest.devices.outOfMemory == "exclude"
            {
                let deviceClass = self.manifest.devices.classes[self.devices[index].classIndex]
                self.traces.devices.append([
                    "0", "0", String(index), deviceClass.name, "", "", "", "", "", "", "", "", "", "", "", "",
                    String(required), ParticipationOutcome.outOfMemory.rawValue,
                ])
                let actions = try self.lifecycle(index) {
                    try $0.excluded(reason: "plan needs \(required) bytes, cap \(deviceClass.sramBytes)", at: .zero)
                }
                try self.apply(actions, to: index)
                _ = id
            }
        }
        switch self.server {
        case .synchronous: try self.openRoundIfIdle()
        case .asynchronous:
            for index in self.devices.indices where self.devices[index].power.status == .online {
                try self.deviceIdle(index)
            }
        }
    }

    /// Schedules the next periodic evaluation, when the manifest asks for them.
    private func schedulePeriodicEvaluation() throws {
        guard let every = self.manifest.evaluation.every?.time else { return }
        do {
            try self.simulator.schedule(.evaluate, at: self.simulator.now + every)
        } catch {
            throw SimulationError(message: "periodic evaluation: \(error)")
        }
    }

    /// Dispatches one event.
    private func handle(_ event: WorldEvent) throws {
        switch event {
        case .lorawan(let radioEvent):
            guard var network = self.network else { return }
            let report = network.handle(radioEvent, in: &self.simulator) { .lorawan($0) }
            self.network = network
            if let report {
                try self.transferEnded(
                    self.loraDevices[report.device.index], delivered: report.delivered, start: report.start,
                    end: report.end, airtime: report.uplinkAirtime + report.downlinkAirtime)
            }
        case .ble(let index, let bleEvent):
            guard case .ble(var connection) = self.devices[index].link else { return }
            let report = connection.handle(bleEvent)
            self.devices[index].link = .ble(connection)
            if let report {
                try self.transferEnded(
                    index, delivered: report.delivered, start: report.start, end: report.end,
                    airtime: report.end - report.start)
            }
        case .resume(let index, let number, let phase):
            guard self.devices[index].participation?.number == number else { return }
            try self.continueParticipation(index, after: phase)
        case .trainingDone(let index, let number):
            guard self.devices[index].participation?.number == number else { return }
            try self.trainingDone(index)
        case .availability(let index):
            try self.availabilityChanged(index)
        case .battery(let index):
            guard self.devices[index].power.isAlive else { return }
            try self.account(index, to: self.simulator.now)
        case .retry(let index):
            self.devices[index].retryAt = nil
            try self.deviceIdle(index)
        case .evaluate:
            try self.evaluate(event: "periodic", updatesInStep: 0, meanStaleness: nil)
            try self.schedulePeriodicEvaluation()
        case .roundDeadline(let round):
            guard case .synchronous(var server) = self.server else { return }
            let action = server.deadlinePassed(round: round)
            self.server = .synchronous(server)
            if case .closed(let closed) = action { try self.roundClosed(closed) }
        }
    }

    /// A device's availability changed.
    private func availabilityChanged(_ index: Int) throws {
        guard self.devices[index].power.isAlive else { return }
        let now = self.simulator.now
        guard let change = self.devices[index].availability.advance() else { return }
        try self.account(index, to: now)
        guard self.devices[index].power.isAlive else { return }
        let actions: [DeviceLifecycle.Action]
        if change.isOnline {
            self.traces.event(now, "online", device: index)
            actions = try self.lifecycle(index) { try $0.cameOnline(at: now) }
        } else {
            self.traces.event(now, "offline", device: index)
            actions = try self.lifecycle(index) { try $0.wentOffline(at: now) }
        }
        if let next = self.devices[index].availability.nextChange, self.devices[index].power.isAlive {
            try self.schedule(.availability(device: index), for: index, at: next, participation: false)
        }
        try self.apply(actions, to: index)
        if !change.isOnline, case .asynchronous(var server) = self.server {
            let assignments = server.deviceOffline(index)
            self.server = .asynchronous(server)
            try self.start(assignments)
        }
    }

    /// Performs a status event's actions, in order.
    func apply(_ actions: [DeviceLifecycle.Action], to index: Int) throws {
        let now = self.simulator.now
        for action in actions {
            switch action {
            case .participationEnded(let outcome):
                try self.participationEnded(index, outcome: outcome)
            case .cancelParticipationEvents:
                // In the action's place: a later `.available` may already schedule the next participation's
                // events (on an ideal link at once), which a cancellation performed after the loop would remove.
                self.book.perform([action], for: UInt64(index), on: &self.simulator)
            case .cancelAllEvents:
                break
            case .sleep:
                self.cancelTransfer(index)
            case .available:
                try self.deviceIdle(index)
            case .died(let death):
                self.book.perform([action], for: UInt64(index), on: &self.simulator)
                self.traces.event(now, "died", device: index, "\(death.cause)")
                self.cancelTransfer(index)
                // Its work goes to another device while the run goes on; not once it has stopped (the final
                // accounting up to the end may find deaths, and other devices are already accounted there).
                if self.stopReason == nil, case .asynchronous(var server) = self.server {
                    let assignments = server.deviceLost(index)
                    self.server = .asynchronous(server)
                    try self.start(assignments)
                }
                if self.devices.allSatisfy({ !$0.power.isAlive }) { self.stopReason = "fleet_dead" }
            }
        }
    }

    /// Runs a status event on the device's power model and keeps its battery event at the predicted cutoff.
    func lifecycle(
        _ index: Int, _ body: (inout PoweredDevice) throws -> [DeviceLifecycle.Action]
    ) throws -> [DeviceLifecycle.Action] {
        let actions: [DeviceLifecycle.Action]
        do {
            actions = try body(&self.devices[index].power)
        } catch {
            throw SimulationError(message: "device \(index): \(error)")
        }
        try self.updateCutoff(index)
        return actions
    }

    func updateCutoff(_ index: Int) throws {
        do {
            try self.book.updateCutoff(
                of: self.devices[index].power, event: .battery(device: index), on: &self.simulator)
        } catch {
            throw SimulationError(message: "device \(index): battery event: \(error)")
        }
    }

    /// Schedules a device's event: a participation's (cancelled when the participation ends) or a lasting one.
    func schedule(_ event: WorldEvent, for index: Int, at time: SimTime, participation: Bool) throws {
        do {
            if participation {
                try self.book.scheduleParticipation(event, for: UInt64(index), at: time, on: &self.simulator)
            } else {
                try self.book.schedule(event, for: UInt64(index), at: time, on: &self.simulator)
            }
        } catch {
            throw SimulationError(message: "device \(index): \(error)")
        }
    }

    /// Accounts a device up to `time`, handling a battery death found on the way: its radio activity up to `time`
    /// goes into its power model (each interval from its start, never ahead of the clock), then the power model
    /// advances to `time` in the last interval's state. Only then is the battery event re-predicted: a prediction
    /// from the last interval's start could fall before `time` when the battery runs out inside that interval.
    func account(_ index: Int, to time: SimTime) throws {
        guard self.devices[index].power.isAlive else { return }
        let intervals: [RadioInterval]
        switch self.devices[index].link {
        case .lorawan(let id):
            intervals = self.network?.drainActivity(of: id, until: time) ?? []
        case .ble(var connection):
            intervals = connection.drainActivity(until: time)
            self.devices[index].link = .ble(connection)
        case .ideal:
            intervals = []
        }
        var death: Death?
        for interval in intervals where death == nil {
            do {
                death = try self.devices[index].power.enter(interval.state, at: interval.start)
            } catch {
                throw SimulationError(message: "device \(index): radio \(interval.state): \(error)")
            }
        }
        if death == nil {
            do {
                death = try self.devices[index].power.advance(to: time)
            } catch {
                throw SimulationError(message: "device \(index): \(error)")
            }
        }
        try self.updateCutoff(index)
        if let death { try self.apply(death.actions, to: index) }
    }

    /// Stops the device's radio transfer in progress, if any.
    func cancelTransfer(_ index: Int) {
        let now = self.simulator.now
        switch self.devices[index].link {
        case .lorawan(let id):
            _ = self.network?.cancelTransfer(device: id, at: now)
        case .ble(var connection):
            _ = connection.cancelTransfer(at: now)
            self.devices[index].link = .ble(connection)
        case .ideal:
            break
        }
    }
}
