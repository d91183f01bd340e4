// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Federation
import Radio
import SimKernel
import TinyTrain

extension World {
    /// An online device has nothing to do: an asynchronous server may give it work; FedAvg may open a round.
    func deviceIdle(_ index: Int) throws {
        guard self.stopReason == nil, self.devices[index].power.status == .online else { return }
        if let retryAt = self.devices[index].retryAt {
            // A device whose link just failed waits before asking again (`devices.link_retry_after`).
            if retryAt > self.simulator.now {
                try self.schedule(.retry(device: index), for: index, at: retryAt, participation: false)
                return
            }
            self.devices[index].retryAt = nil
        }
        switch self.server {
        case .asynchronous(var server):
            let assignments = server.deviceIdle(index)
            self.server = .asynchronous(server)
            try self.start(assignments)
        case .synchronous:
            try self.openRoundIfIdle()
        }
    }

    /// Starts the participations a server's event assigned.
    func start(_ assignments: [Assignment]) throws {
        for assignment in assignments {
            try self.startParticipation(
                assignment.device, version: assignment.version, parameters: assignment.parameters, round: nil)
        }
    }

    /// FedAvg: opens a round over the online, idle devices when none is open.
    func openRoundIfIdle() throws {
        guard self.stopReason == nil, self.openRound == nil, case .synchronous(var server) = self.server else {
            return
        }
        let now = self.simulator.now
        let available = self.devices.indices.filter {
            self.devices[$0].power.status == .online && (self.devices[$0].retryAt ?? now) <= now
        }
        let deadline = self.manifest.strategy.roundDeadline.map { self.simulator.now + $0.time }
        let action = server.openRound(available: available, deadline: deadline, stream: self.selection)
        self.server = .synchronous(server)
        guard case .opened(let round, let cohort) = action else { return }
        self.openRound = round
        self.roundOutstanding = Set(cohort)
        self.traces.event(self.simulator.now, "round_opened", device: nil, "round \(round), cohort \(cohort.count)")
        if let deadline {
            do {
                try self.simulator.schedule(.roundDeadline(round: round), at: deadline)
            } catch {
                throw SimulationError(message: "round \(round): \(error)")
            }
        }
        let model = server.model
        for device in cohort {
            try self.startParticipation(device, version: model.version, parameters: model.parameters, round: round)
        }
    }

    /// What a device of `classIndex` trains in this participation, cut from `parameters`.
    private func work(
        classIndex: Int, device: Int, round: Int?, parameters: [[Float]]
    ) throws -> TrainingWork? {
        let setup = self.setup
        let step = round ?? self.server.model.version
        switch setup.classTraining[classIndex] {
        case .outOfMemory:
            return nil
        case .fixed(let subNetwork, let plan):
            return TrainingWork(
                base: parameters, specs: subNetwork.specs, subNetwork: subNetwork, sliced: nil, plan: plan,
                parametersTrained: subNetwork.subset.parameterCount(in: setup.model.layout))
        case .sliced(let policy, let ratio, let plan):
            let specs = try policy.extract(
                layout: setup.model.layout, capacityRatio: ratio, step: step, stream: RandomStream(seed: 0))
            let sliced = try SlicedModel(model: setup.model, specs: specs)
            return TrainingWork(
                base: parameters, specs: specs, subNetwork: nil, sliced: sliced, plan: plan,
                parametersTrained: sliced.subset.parameterCount(in: setup.model.layout))
        case .randomIndex(let ratio, let plan):
            let stream = RandomStream(
                StreamKey(
                    masterSeed: self.manifest.seed, replication: UInt64(self.spec.replication),
                    entity: UInt64(1 + device), purpose: "subnet/\(self.devices[device].participations)"))
            let specs = try ExtractionPolicy.randomIndex(sharedSeed: true).extract(
                layout: setup.model.layout, capacityRatio: ratio, step: step, stream: stream)
            let subNetwork = setup.model.subNetwork(specs: specs)
            return TrainingWork(
                base: parameters, specs: specs, subNetwork: subNetwork, sliced: nil, plan: plan,
                parametersTrained: subNetwork.subset.parameterCount(in: setup.model.layout))
        }
    }

    /// Begins a participation: the device is busy and its download starts.
    func startParticipation(_ index: Int, version: Int, parameters: [[Float]], round: Int?) throws {
        let now = self.simulator.now
        try self.account(index, to: now)
        guard self.devices[index].power.status == .online else { return }
        let actions = try self.lifecycle(index) { try $0.participationStarted(at: now) }
        if !actions.isEmpty {
            try self.apply(actions, to: index)
            return
        }
        let classIndex = self.devices[index].classIndex
        let work = try self.work(classIndex: classIndex, device: index, round: round, parameters: parameters)
        self.participationCounter += 1
        var participation = Participation(
            number: self.participationCounter, start: now, version: version, round: round,
            work: work
                ?? TrainingWork(
                    base: parameters, specs: [], subNetwork: nil, sliced: nil, plan: self.setup.evaluationPlan,
                    parametersTrained: 0),
            energyAtStart: self.devices[index].power.ledger.totalEnergy)
        // A device that cannot train still downloads the model first (`out_of_memory: fail`); so does one that
        // must fetch its frozen weights over the link before it holds them (`frozen_weights: downloaded`).
        let fetchesFrozen =
            self.manifest.strategy.subnet.frozenWeights == "downloaded" && !self.devices[index].holdsFrozenWeights
        var specs = Array(repeating: IndexSpec.all, count: self.setup.model.layout.tensors.count)
        var values = parameters
        if let work, !fetchesFrozen {
            specs = work.specs
            values = (work.subNetwork?.subset ?? work.sliced?.subset)?.gather(parameters) ?? parameters
        }
        participation.downloadsWholeModel = specs.allSatisfy { $0 == .all }
        participation.bytesDown = self.setup.codec.encode(version: version, specs: specs, values: values).count
        self.devices[index].participation = participation
        self.devices[index].participations += 1
        self.traces.event(now, "download_started", device: index, "\(participation.bytesDown) bytes, v\(version)")
        try self.startTransfer(index, bytes: participation.bytesDown, direction: .downlink)
    }

    /// Starts a transfer on the device's link; an ideal link delivers at once.
    private func startTransfer(_ index: Int, bytes: Int, direction: LinkDirection) throws {
        let now = self.simulator.now
        let number = self.devices[index].participation?.number ?? 0
        switch self.devices[index].link {
        case .lorawan(let id):
            do {
                try self.network?.startTransfer(
                    device: id, bytes: bytes, direction: direction, at: now, in: &self.simulator
                ) { .lorawan($0) }
            } catch {
                throw SimulationError(message: "device \(index): \(error)")
            }
        case .ble(var connection):
            connection.startTransfer(bytes: bytes, direction: direction, at: now, in: &self.simulator) {
                .ble(device: index, $0)
            }
            self.devices[index].link = .ble(connection)
        case .ideal:
            let phase: ParticipationPhase = direction == .downlink ? .downloading : .uploading
            try self.schedule(
                .resume(device: index, participation: number, phase: phase), for: index, at: now, participation: true)
        }
    }

    /// A transfer ended: a lost one ends the participation; otherwise the next phase begins (after a link
    /// straggler's extra wait: the transfer's duration times its slowdown minus one).
    func transferEnded(_ index: Int, delivered: Bool, start: SimTime, end: SimTime, airtime: SimTime) throws {
        guard var participation = self.devices[index].participation else { return }
        participation.linkTime = participation.linkTime + (end - start)
        participation.airtime = participation.airtime + airtime
        self.devices[index].participation = participation
        guard delivered else {
            try self.finishParticipation(index, .droppedLink)
            return
        }
        let slowdown =
            self.manifest.devices.stragglers.appliesTo == "compute" ? 1 : self.devices[index].straggler.linkSlowdown
        let extra = SimTime.seconds(Double((end - start).nanoseconds) / 1e9 * max(0, slowdown - 1))
        if extra > .zero {
            try self.schedule(
                .resume(device: index, participation: participation.number, phase: participation.phase), for: index,
                at: self.simulator.now + extra, participation: true)
        } else {
            try self.continueParticipation(index, after: participation.phase)
        }
    }

    /// The phase after `phase`.
    func continueParticipation(_ index: Int, after phase: ParticipationPhase) throws {
        switch phase {
        case .downloading:
            // The download was delivered: after a whole-model one the device holds every frozen weight.
            if self.devices[index].participation?.downloadsWholeModel == true {
                self.devices[index].holdsFrozenWeights = true
            }
            try self.startTraining(index)
        case .uploading: try self.arrived(index)
        case .training, .arrived: break
        }
    }

    /// Local training starts: the MCU runs for MACs ÷ rate × slowdown; the real training runs on the pool.
    private func startTraining(_ index: Int) throws {
        let now = self.simulator.now
        guard var participation = self.devices[index].participation else { return }
        let classIndex = self.devices[index].classIndex
        if case .outOfMemory = self.setup.classTraining[classIndex] {
            try self.finishParticipation(index, .outOfMemory)
            return
        }
        let device = self.devices[index]
        let trainer = self.setup.trainer
        let work = participation.work
        let stragglers = self.manifest.devices.stragglers
        let computeSlowdown = stragglers.appliesTo == "link" ? 1 : device.straggler.computeSlowdown
        var stepLimit: Int?
        var slowdown = computeSlowdown
        if stragglers.partialWork, device.straggler.isStraggler {
            // FedProx-style partial work: a straggler takes 1/slowdown of its steps, at full speed.
            let all = trainer.steps(exampleCount: device.examples.exampleCount)
            stepLimit = max(1, Int((Double(all) / computeSlowdown).rounded(.up)))
            slowdown = 1
        }
        participation.macs = trainer.macs(
            plan: work.plan, exampleCount: device.examples.exampleCount, stepLimit: stepLimit)
        let limit = stepLimit
        let cost: TrainingCost
        do {
            cost = try TrainingCost(
                macs: Int64(participation.macs), macsPerSecond: device.macsPerSecond, slowdown: slowdown)
        } catch {
            throw SimulationError(message: "device \(index): \(error)")
        }
        participation.trainTime = cost.duration
        participation.phase = .training
        let seed = self.manifest.seed
        let replication = UInt64(self.spec.replication)
        let entity = UInt64(1 + index)
        let count = device.participations
        let model = self.setup.model
        let examples = device.examples
        let version = participation.version
        participation.ticket = self.pool.submit {
            let shuffle = RandomStream(
                StreamKey(masterSeed: seed, replication: replication, entity: entity, purpose: "shuffle/\(count)"))
            let noise = RandomStream(
                StreamKey(masterSeed: seed, replication: replication, entity: entity, purpose: "dp-noise/\(count)"))
            do {
                let result: ClientTrainingResult
                if let sliced = work.sliced {
                    result = try sliced.train(
                        with: trainer, capBytes: nil, base: work.base, baseVersion: version, clientID: index,
                        examples: examples, shuffle: shuffle, noise: noise, stepLimit: limit)
                } else if let subNetwork = work.subNetwork {
                    result = try trainer.train(
                        model: model, subNetwork: subNetwork, plan: work.plan, base: work.base, baseVersion: version,
                        clientID: index, examples: examples, shuffle: shuffle, noise: noise, stepLimit: limit)
                } else {
                    return .failed("device \(index) has nothing to train")
                }
                return .trained(result.update)
            } catch is NonFiniteUpdateError {
                return .diverged
            } catch {
                return .failed("device \(index): \(error)")
            }
        }
        self.devices[index].participation = participation
        try self.account(index, to: now)
        guard self.devices[index].power.isAlive else { return }
        try self.enterMCU(index, .active)
        self.traces.event(now, "training_started", device: index, "\(participation.macs) MACs")
        try self.schedule(
            .trainingDone(device: index, participation: participation.number), for: index,
            at: now + participation.trainTime, participation: true)
    }

    /// Moves the device's MCU to `state` now.
    private func enterMCU(_ index: Int, _ state: MCUState) throws {
        let death: Death?
        do {
            death = try self.devices[index].power.enter(state, at: self.simulator.now)
        } catch {
            throw SimulationError(message: "device \(index): MCU \(state): \(error)")
        }
        try self.updateCutoff(index)
        if let death { try self.apply(death.actions, to: index) }
    }

    /// Local training ended: the update goes up (its real values from the pool).
    func trainingDone(_ index: Int) throws {
        let now = self.simulator.now
        try self.account(index, to: now)
        guard self.devices[index].power.isAlive, var participation = self.devices[index].participation,
            let ticket = participation.ticket
        else { return }
        try self.enterMCU(index, .sleep)
        guard self.devices[index].power.isAlive else { return }
        switch self.pool.result(of: ticket) {
        case .trained(let update):
            participation.ticket = nil
            participation.update = update
            participation.phase = .uploading
            participation.bytesUp =
                self.setup.codec.encode(
                    version: participation.version, specs: participation.work.specs, values: update.deltas
                )
                .count
            self.devices[index].participation = participation
            self.traces.event(now, "upload_started", device: index, "\(participation.bytesUp) bytes")
            try self.startTransfer(index, bytes: participation.bytesUp, direction: .uplink)
        case .diverged:
            try self.finishParticipation(index, .numericalFailure)
        case .failed(let message):
            throw SimulationError(message: message)
        }
    }

    /// The update arrived at the server.
    private func arrived(_ index: Int) throws {
        let now = self.simulator.now
        guard var participation = self.devices[index].participation, let update = participation.update else { return }
        participation.phase = .arrived
        self.updatesReceived += 1
        self.bytesDown += participation.bytesDown
        self.bytesUp += participation.bytesUp
        var closed: SynchronousServer.ClosedRound?
        var stepped: AggregationOutcome?
        var assignments: [Assignment] = []
        switch self.server {
        case .synchronous(var server):
            participation.staleness = server.model.version - update.baseVersion
            let action = server.updateArrived(update, round: participation.round ?? -1)
            self.server = .synchronous(server)
            switch action {
            case .ignored: self.updatesDropped += 1
            case .accepted: break
            case .closed(let round): closed = round
            }
        case .asynchronous(var server):
            participation.staleness = server.model.version - update.baseVersion
            let action = server.updateArrived(update)
            self.server = .asynchronous(server)
            switch action {
            case .ignored: self.updatesDropped += 1
            case .aggregated(let outcome, let next):
                assignments = next
                switch outcome {
                case .dropped, .rejected: self.updatesDropped += 1
                case .buffered: break
                case .stepped: stepped = outcome
                }
            }
        }
        self.devices[index].participation = participation
        self.traces.event(now, "update_arrived", device: index, "staleness \(participation.staleness ?? 0)")
        try self.finishParticipation(index, .completed)
        if let stepped { try self.stepped(stepped) }
        if let closed { try self.roundClosed(closed) }
        try self.start(assignments)
        if let maximum = self.manifest.stop.maximumUpdates, self.updatesReceived >= maximum, self.stopReason == nil {
            self.stopReason = "max_updates"
        }
    }

    /// Ends the device's participation now with `outcome` (a status event: its radio is accounted first); when
    /// the battery died on the way the death already ended it.
    func finishParticipation(_ index: Int, _ outcome: ParticipationOutcome) throws {
        let now = self.simulator.now
        try self.account(index, to: now)
        guard self.devices[index].power.isAlive else { return }
        let actions = try self.lifecycle(index) { try $0.participationEnded(outcome, at: now) }
        try self.apply(actions, to: index)
    }

    /// A participation ended (any outcome): its row, its radio, and what the server does about it.
    func participationEnded(_ index: Int, outcome: ParticipationOutcome) throws {
        guard let participation = self.devices[index].participation else { return }
        let now = self.simulator.now
        self.devices[index].participation = nil
        self.cancelTransfer(index)
        if outcome == .droppedLink {
            self.devices[index].retryAt = now + self.manifest.devices.linkRetryAfter.time
        }
        let device = self.devices[index]
        let energy = device.power.ledger.totalEnergy.zeptojoules - participation.energyAtStart.zeptojoules
        let peak = self.setup.classTraining[device.classIndex].peakMemoryBytes
        let trained = outcome == .completed || participation.phase == .uploading
        self.traces.devices.append([
            CSVField.seconds(now), CSVField.seconds(participation.start), String(index),
            self.manifest.devices.classes[device.classIndex].name, String(participation.number),
            CSVField.integer(participation.round), String(participation.version),
            CSVField.integer(participation.staleness), String(participation.work.parametersTrained),
            String(participation.bytesDown), trained ? String(participation.bytesUp) : "",
            CSVField.seconds(participation.linkTime), CSVField.seconds(participation.airtime),
            participation.phase == .downloading ? "" : CSVField.seconds(participation.trainTime),
            participation.phase == .downloading ? "" : String(participation.macs),
            CSVField.number(Double(energy) / 1e18), CSVField.integer(peak), outcome.rawValue,
        ])
        self.traces.event(now, "participation_ended", device: index, outcome.rawValue)
        guard outcome != .completed else {
            self.completedParticipations += 1
            return
        }
        switch self.server {
        case .asynchronous(var server):
            let assignments = outcome == .droppedOffline ? server.deviceOffline(index) : server.deviceLost(index)
            self.server = .asynchronous(server)
            try self.start(assignments)
        case .synchronous:
            if participation.round == self.openRound { try self.cohortMemberDone(index) }
        }
    }

    /// FedAvg: a cohort member is done; when none is left running the round closes with what arrived.
    private func cohortMemberDone(_ index: Int) throws {
        self.roundOutstanding.remove(index)
        guard self.roundOutstanding.isEmpty, let round = self.openRound, case .synchronous(var server) = self.server
        else { return }
        let action = server.deadlinePassed(round: round)
        self.server = .synchronous(server)
        if case .closed(let closed) = action { try self.roundClosed(closed) }
    }

    /// FedAvg: a round closed; the next one opens over the devices idle now.
    func roundClosed(_ closed: SynchronousServer.ClosedRound) throws {
        self.openRound = nil
        self.roundOutstanding = []
        self.traces.event(
            self.simulator.now, "round_closed", device: nil, "round \(closed.round), \(closed.updates) updates")
        if let step = closed.step { try self.stepped(step) }
        try self.openRoundIfIdle()
    }

    /// The server stepped: evaluate when due, check the target.
    func stepped(_ outcome: AggregationOutcome) throws {
        guard case .stepped(_, let updates, let meanStaleness) = outcome else { return }
        self.steps += 1
        guard self.steps % self.manifest.evaluation.everyAggregations == 0 else { return }
        try self.evaluate(event: "step", updatesInStep: updates, meanStaleness: meanStaleness)
    }

    /// Evaluates the global model and appends a `global.csv` row.
    func evaluate(event: String, updatesInStep: Int, meanStaleness: Double?, at time: SimTime? = nil) throws {
        let model = self.server.model
        let result: (accuracy: Double, loss: Double)
        do {
            result = try self.setup.evaluate(model.parameters)
        } catch {
            throw SimulationError(message: "evaluation: \(error)")
        }
        self.last = result
        self.lastEvaluatedVersion = model.version
        self.best = max(self.best ?? 0, result.accuracy)
        let now = time ?? self.simulator.now
        let energy = self.devices.reduce(Int128(0)) { $0 + $1.power.ledger.totalEnergy.zeptojoules }
        self.traces.global.append([
            CSVField.seconds(now), String(model.version), event, String(updatesInStep), CSVField.number(meanStaleness),
            CSVField.number(result.accuracy), CSVField.number(result.loss), String(self.updatesReceived),
            String(self.updatesDropped), String(self.bytesDown), String(self.bytesUp),
            CSVField.number(Double(energy) / 1e21),
            String(self.devices.count { $0.power.isAlive }),
            String(self.devices.count { $0.power.status != .offline && $0.power.isAlive }),
        ])
        guard let target = self.manifest.stop.targetAccuracy, self.reachedTarget == nil else { return }
        if result.accuracy >= target {
            if self.targetStreak.count == 0 { self.targetStreak.start = now }
            self.targetStreak.count += 1
        } else {
            self.targetStreak.count = 0
        }
        if self.targetStreak.count >= self.manifest.stop.requiredTargetEvaluations {
            self.reachedTarget = self.targetStreak.start
            if self.stopReason == nil { self.stopReason = "target_accuracy" }
        }
    }
}
