// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import Testing

struct SimulatorTests {
    enum Event: Equatable {
        case tick(Int)
        case spawn
    }

    @Test func runUntilHandlesEventsAtTheEndTimeAndLeavesLaterOnesPending() throws {
        var sim = Simulator<Event>()
        for second in 1...5 { try sim.schedule(.tick(second), at: .seconds(Int64(second))) }
        var seen: [Int] = []
        let outcome = sim.run(until: .seconds(3 as Int64)) { _, event in
            if case .tick(let n) = event { seen.append(n) }
        }
        #expect(outcome == .reachedEnd)
        #expect(seen == [1, 2, 3])
        #expect(sim.now == .seconds(3 as Int64))
        #expect(sim.pendingCount == 2)
        #expect(sim.eventCount == 3)
        let rest = sim.run(until: .seconds(10 as Int64)) { _, event in
            if case .tick(let n) = event { seen.append(n) }
        }
        #expect(rest == .queueEmpty)
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(sim.now == .seconds(10 as Int64), "an emptied queue still advances the clock to a finite end")
    }

    @Test func runWithoutAnEndStopsWhenTheQueueEmpties() throws {
        var sim = Simulator<Event>()
        try sim.schedule(.tick(1), at: .milliseconds(7))
        let outcome = sim.run { _, _ in }
        #expect(outcome == .queueEmpty)
        #expect(sim.now == .milliseconds(7))
    }

    @Test func stopPredicateEndsTheRunAfterTheEventThatSatisfiesIt() throws {
        var sim = Simulator<Event>()
        for second in 1...10 { try sim.schedule(.tick(second), at: .seconds(Int64(second))) }
        var last = 0
        let outcome = sim.run(stopWhen: { _ in last == 4 }) { _, event in
            if case .tick(let n) = event { last = n }
        }
        #expect(outcome == .stopped)
        #expect(sim.now == .seconds(4 as Int64))
        #expect(sim.pendingCount == 6)
    }

    @Test func schedulingIntoThePastIsAnError() throws {
        var sim = Simulator<Event>()
        try sim.schedule(.tick(1), at: .seconds(5 as Int64))
        _ = sim.step()
        #expect(throws: SchedulingError(now: .seconds(5 as Int64), requested: .seconds(4 as Int64))) {
            try sim.schedule(.tick(2), at: .seconds(4 as Int64))
        }
        #expect(throws: SchedulingError.self) { try sim.schedule(.tick(3), after: .milliseconds(-1)) }
        #expect(throws: Never.self) { try sim.schedule(.tick(4), at: .seconds(5 as Int64)) }
    }

    @Test func handlersScheduleFollowUpsThatRunAfterEqualTimeEventsAlreadyQueued() throws {
        var sim = Simulator<Event>()
        try sim.schedule(.spawn, at: .seconds(1 as Int64))
        try sim.schedule(.tick(1), at: .seconds(1 as Int64))
        var order: [Event] = []
        sim.run { sim, event in
            order.append(event)
            if event == .spawn { try! sim.schedule(.tick(2), after: .zero) }
        }
        #expect(order == [.spawn, .tick(1), .tick(2)])
    }

    @Test func cancelledEventsAreSkippedByRun() throws {
        var sim = Simulator<Event>()
        let doomed = try sim.schedule(.tick(1), at: .seconds(1 as Int64))
        try sim.schedule(.tick(2), at: .seconds(2 as Int64))
        let cancelled = sim.cancel(doomed)
        #expect(cancelled)
        var seen: [Event] = []
        sim.run { _, event in seen.append(event) }
        #expect(seen == [.tick(2)])
        #expect(sim.eventCount == 1)
    }

    /// Queueing theory: for M/M/1, Wq = ρ/(μ − λ) and W = 1/(μ − λ). Waits are strongly autocorrelated at
    /// ρ = 0.5, so the tolerance (5 %) is several standard errors for 400 000 customers.
    @Test func mm1QueueMatchesQueueingTheory() {
        let model = MM1Queue(arrivalRatePerSecond: 0.5, serviceRatePerSecond: 1.0)
        let result = model.simulate(customers: 400_000, seed: 2024)
        #expect(result.customers == 400_000)
        #expect(abs(result.meanWaitSeconds / model.analyticMeanWaitSeconds - 1) < 0.05)
        #expect(abs(result.meanSojournSeconds / model.analyticMeanSojournSeconds - 1) < 0.05)
    }

    @Test func mm1RunsAreDeterministicPerSeed() {
        let model = MM1Queue(arrivalRatePerSecond: 0.7, serviceRatePerSecond: 1.0)
        #expect(model.simulate(customers: 5_000, seed: 3) == model.simulate(customers: 5_000, seed: 3))
        #expect(model.simulate(customers: 5_000, seed: 3) != model.simulate(customers: 5_000, seed: 4))
    }
}
