// SPDX-License-Identifier: GPL-3.0-or-later

import TinyTrain

extension ClientTrainer {
    /// The SGD steps of one participation over `exampleCount` examples: ⌈n / B⌉ per epoch (or fewer, when
    /// `stepLimit` caps them).
    public func steps(exampleCount: Int, stepLimit: Int? = nil) -> Int {
        let all = self.epochs * ((exampleCount + self.batchSize - 1) / self.batchSize)
        return stepLimit.map { Swift.min($0, all) } ?? all
    }

    /// The multiply-accumulates ``train(model:subNetwork:plan:base:baseVersion:clientID:examples:shuffle:noise:)``
    /// performs over `exampleCount` examples with `plan`, known before training (a simulation schedules the
    /// training's end from it): per sample the plan's forward and pruned backward MACs, per step the SGD update
    /// (doubled with momentum); the last batch of an epoch may be smaller.
    ///
    /// - Parameters:
    ///   - plan: The compiled plan.
    ///   - exampleCount: The client's examples.
    ///   - stepLimit: The most steps taken (partial work), if limited.
    public func macs(plan: TrainingPlan, exampleCount: Int, stepLimit: Int? = nil) -> Int {
        let updateMACs = plan.trainableParameterCount * (plan.options.momentum ? 2 : 1)
        let perSampleMACs = (plan.forwardMACs + plan.backwardMACs - updateMACs) / plan.options.batch
        var macs = 0
        var taken = 0
        let limit = self.steps(exampleCount: exampleCount, stepLimit: stepLimit)
        for _ in 0..<self.epochs {
            var start = 0
            while start < exampleCount, taken < limit {
                let end = Swift.min(start + self.batchSize, exampleCount)
                macs += perSampleMACs * (end - start) + updateMACs
                taken += 1
                start = end
            }
        }
        return macs
    }
}
