// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import SimKernel

/// `ftte-sim kernel-demo`: an M/M/1 queue on the event kernel, compared with queueing theory.
struct KernelDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel-demo",
        abstract: "Simulate an M/M/1 queue on the event kernel and compare it with the analytic result."
    )

    @Option(name: .customLong("arrival-rate"), help: "Arrivals per second (λ).")
    var arrivalRatePerSecond: Double = 0.8

    @Option(name: .customLong("service-rate"), help: "Services per second (μ); must exceed the arrival rate.")
    var serviceRatePerSecond: Double = 1.0

    @Option(help: "Customers to serve.")
    var customers: Int = 1_000_000

    @Option(help: "Master seed of the random streams.")
    var seed: UInt64 = 1

    func validate() throws {
        guard arrivalRatePerSecond > 0, arrivalRatePerSecond.isFinite else {
            throw ValidationError("--arrival-rate must be a positive number")
        }
        guard serviceRatePerSecond > arrivalRatePerSecond, serviceRatePerSecond.isFinite else {
            throw ValidationError("--service-rate must exceed --arrival-rate (the queue is unstable otherwise)")
        }
        guard customers > 0 else { throw ValidationError("--customers must be positive") }
    }

    func run() throws {
        let model = MM1Queue(arrivalRatePerSecond: arrivalRatePerSecond, serviceRatePerSecond: serviceRatePerSecond)
        let clock = ContinuousClock()
        var result: MM1Queue.Result!
        let elapsed = clock.measure { result = model.simulate(customers: customers, seed: seed) }
        let wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("M/M/1 queue: λ = \(arrivalRatePerSecond)/s, μ = \(serviceRatePerSecond)/s, ρ = \(model.utilisation)")
        print("customers served        \(result.customers)")
        print("simulated time          \(result.endTime)")
        print(
            "mean wait in queue      \(fixed(result.meanWaitSeconds)) s   (analytic \(fixed(model.analyticMeanWaitSeconds)) s)"
        )
        print(
            "mean time in system     \(fixed(result.meanSojournSeconds)) s   (analytic \(fixed(model.analyticMeanSojournSeconds)) s)"
        )
        print("events handled          \(result.events) in \(fixed(wallSeconds)) s wall time")
    }
}
