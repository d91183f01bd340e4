// SPDX-License-Identifier: GPL-3.0-or-later

import TinyTrain

extension ClientTrainer {
    /// The mini-batches of one participation, epoch by epoch: positions `start..<end` into the epoch's shuffled
    /// order, ⌈n / B⌉ per epoch (the last one smaller when B does not divide n), stopping after `stepLimit`
    /// steps when it is given (FedProx-style partial work; epochs with no step left are omitted).
    public func batchSchedule(exampleCount: Int, stepLimit: Int? = nil) -> [[Range<Int>]] {
        var schedule: [[Range<Int>]] = []
        var remaining = stepLimit ?? Int.max
        for _ in 0..<self.epochs where remaining > 0 {
            var epoch: [Range<Int>] = []
            var start = 0
            while start < exampleCount, remaining > 0 {
                let end = Swift.min(start + self.batchSize, exampleCount)
                epoch.append(start..<end)
                remaining -= 1
                start = end
            }
            schedule.append(epoch)
        }
        return schedule
    }

    /// The SGD steps of one participation over `exampleCount` examples (see ``batchSchedule(exampleCount:stepLimit:)``).
    public func steps(exampleCount: Int, stepLimit: Int? = nil) -> Int {
        self.batchSchedule(exampleCount: exampleCount, stepLimit: stepLimit).reduce(0) { $0 + $1.count }
    }

    /// The multiply-accumulates ``train(model:subNetwork:plan:base:baseVersion:clientID:examples:shuffle:noise:stepLimit:)``
    /// performs over `exampleCount` examples with `plan`, known before training (a simulation schedules the
    /// training's end from it): per sample the plan's forward and pruned backward MACs, per step the SGD update
    /// (doubled with momentum).
    ///
    /// - Parameters:
    ///   - plan: The compiled plan.
    ///   - exampleCount: The client's examples.
    ///   - stepLimit: The most steps taken (partial work), if limited.
    public func macs(plan: TrainingPlan, exampleCount: Int, stepLimit: Int? = nil) -> Int {
        let updateMACs = plan.trainableParameterCount * (plan.options.momentum ? 2 : 1)
        let perSampleMACs = (plan.forwardMACs + plan.backwardMACs - updateMACs) / plan.options.batch
        return self.batchSchedule(exampleCount: exampleCount, stepLimit: stepLimit).joined().reduce(0) {
            $0 + perSampleMACs * $1.count + updateMACs
        }
    }
}
