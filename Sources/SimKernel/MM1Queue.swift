// SPDX-License-Identifier: GPL-3.0-or-later

/// An M/M/1 queue simulated on the event kernel: Poisson arrivals, exponential service, one server.
///
/// It is the kernel's reference model: queueing theory gives its exact long-run averages, so it checks
/// the event ordering, the clock and the exponential sampler together, and it is the CLI's kernel demo.
public struct MM1Queue: Sendable {
    /// Arrivals per second (λ).
    public var arrivalRatePerSecond: Double
    /// Services per second (μ); must exceed λ for a stable queue.
    public var serviceRatePerSecond: Double

    /// Creates the model.
    ///
    /// - Precondition: 0 < λ < μ.
    public init(arrivalRatePerSecond: Double, serviceRatePerSecond: Double) {
        precondition(
            arrivalRatePerSecond > 0 && arrivalRatePerSecond < serviceRatePerSecond,
            "M/M/1 needs 0 < arrival rate < service rate")
        self.arrivalRatePerSecond = arrivalRatePerSecond
        self.serviceRatePerSecond = serviceRatePerSecond
    }

    /// Utilisation ρ = λ/μ.
    public var utilisation: Double { self.arrivalRatePerSecond / self.serviceRatePerSecond }

    /// Analytic mean wait in the queue, Wq = ρ / (μ − λ), in seconds.
    public var analyticMeanWaitSeconds: Double {
        self.utilisation / (self.serviceRatePerSecond - self.arrivalRatePerSecond)
    }

    /// Analytic mean time in the system, W = 1 / (μ − λ), in seconds.
    public var analyticMeanSojournSeconds: Double { 1 / (self.serviceRatePerSecond - self.arrivalRatePerSecond) }

    /// What one simulation measured.
    public struct Result: Equatable, Sendable {
        /// Customers that completed service.
        public var customers: Int
        /// Mean wait in the queue (seconds).
        public var meanWaitSeconds: Double
        /// Mean time in the system (seconds).
        public var meanSojournSeconds: Double
        /// Simulated time at the last departure.
        public var endTime: SimTime
        /// Events the kernel handled.
        public var events: Int
    }

    private enum Event {
        case arrival
        case departure
    }

    /// Simulates until `customers` have been served.
    ///
    /// - Parameters:
    ///   - customers: How many customers to serve (positive).
    ///   - seed: Master seed; arrivals and services use separate streams of entity 0.
    ///   - replication: Replication index.
    public func simulate(customers: Int, seed: UInt64, replication: UInt64 = 0) -> Result {
        precondition(customers > 0, "simulate needs at least one customer")
        let arrivals = RandomStream(
            StreamKey(masterSeed: seed, replication: replication, entity: 0, purpose: "arrivals"))
        let services = RandomStream(
            StreamKey(masterSeed: seed, replication: replication, entity: 0, purpose: "service"))
        let meanInterarrival = 1 / self.arrivalRatePerSecond
        let meanService = 1 / self.serviceRatePerSecond

        var sim = Simulator<Event>()
        var waiting: [SimTime] = []  // arrival times of customers in the queue, FIFO
        var waitingHead = 0
        var inService: (arrived: SimTime, started: SimTime)? = nil  // the customer being served
        var served = 0
        var totalWait = 0.0
        var totalSojourn = 0.0

        func startService(arrivedAt: SimTime, sim: inout Simulator<Event>) {
            inService = (arrivedAt, sim.now)
            try! sim.schedule(.departure, after: .seconds(services.exponential(mean: meanService)))
        }

        try! sim.schedule(.arrival, at: .seconds(arrivals.exponential(mean: meanInterarrival)))
        sim.run(stopWhen: { _ in served >= customers }) { sim, event in
            switch event {
            case .arrival:
                if inService == nil {
                    startService(arrivedAt: sim.now, sim: &sim)
                } else {
                    waiting.append(sim.now)
                }
                try! sim.schedule(.arrival, after: .seconds(arrivals.exponential(mean: meanInterarrival)))
            case .departure:
                let customer = inService!
                served += 1
                totalWait += (customer.started - customer.arrived).seconds
                totalSojourn += (sim.now - customer.arrived).seconds
                inService = nil
                if waitingHead < waiting.count {
                    startService(arrivedAt: waiting[waitingHead], sim: &sim)
                    waitingHead += 1
                }
            }
        }
        return Result(
            customers: served,
            meanWaitSeconds: totalWait / Double(served),
            meanSojournSeconds: totalSojourn / Double(served),
            endTime: sim.now,
            events: sim.eventCount)
    }
}
