// SPDX-License-Identifier: GPL-3.0-or-later
//
// Training throughput of the engine: full-update SGD steps on the shipped MLP, 28×28 CNN and CIFAR-10 CNN at
// batch 1 and 32, single thread. Inputs are uniform random pixels and labels: throughput does not depend on
// the values. Each configuration runs for at least MIN_SECONDS after one warm-up step.
// Prints CSV: implementation,model,batch,steps,seconds,samples_per_s,gmacs_per_s; the kernels' instruction-set
// level (KernelISA.selected) goes to standard error.
//
// Usage: train-bench [MIN_SECONDS] [MODEL...]

import SimKernel
import TinyTrain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let minimumSeconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 2.0
let chosenModels = Array(CommandLine.arguments.dropFirst(2))

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

fputs("train-bench: kernels \(KernelISA.selected.rawValue)\n", stderr)
print("implementation,model,batch,steps,seconds,samples_per_s,gmacs_per_s")
for name in chosenModels.isEmpty ? ["mlp-28", "cnn-28", "cnn-cifar"] : chosenModels {
    for batch in [1, 32] {
        let plan = try TrainingPlan.compile(ModelZoo.model(named: name), options: CompileOptions(batch: batch))
        var generator = SplitMix64(seed: 1)
        let session = try TrainingSession(plan: plan, weights: plan.initialWeights(using: &generator))
        let elements = plan.model.inputShape.elementCount * batch
        let inputs = (0..<elements).map { _ in Float.random(in: 0..<1, using: &generator) }
        let labels = (0..<batch).map { _ in Int.random(in: 0..<plan.model.classes, using: &generator) }
        try session.trainStep(inputs: inputs, labels: labels, learningRate: 0.01)
        var steps = 0
        let clock = ContinuousClock()
        let start = clock.now
        while seconds(clock.now - start) < minimumSeconds {
            try session.trainStep(inputs: inputs, labels: labels, learningRate: 0.01)
            steps += 1
        }
        let elapsed = seconds(clock.now - start)
        let samplesPerSecond = Double(steps * batch) / elapsed
        let gmacs = Double(steps) * Double(plan.forwardMACs + plan.backwardMACs) / elapsed / 1e9
        print("ftte-sim,\(name),\(batch),\(steps),\(elapsed),\(samplesPerSecond),\(gmacs)")
    }
}
