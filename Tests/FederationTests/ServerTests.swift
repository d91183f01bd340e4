// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing

struct ServerTests {
    func update(_ device: Int, base: Int, _ deltas: [[Float]]) -> ClientUpdate {
        ClientUpdate(clientID: device, baseVersion: base, subset: .full(linearLayout), deltas: deltas, exampleCount: 1)
    }

    @Test func asynchronousServerHonoursItsConcurrencyLimitAndReleasesSnapshots() throws {
        let model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        var server = try AsynchronousServer(
            model: model, rule: .fedAsync(FedAsyncAggregator(alpha: 1, staleness: StalenessDecay.constant)),
            concurrency: 2)
        #expect(server.deviceIdle(0)?.version == 0)
        #expect(server.deviceIdle(1)?.version == 0)
        #expect(server.deviceIdle(2) == nil, "both slots are taken")
        #expect(server.deviceIdle(0) == nil, "a training device is not given work twice")
        #expect(server.heldVersions == [0])
        let outcome = server.updateArrived(update(0, base: 0, [[1, 1, 1], [1]]))
        #expect(outcome == .stepped(version: 1, updates: 1, meanStaleness: 0))
        #expect(server.deviceIdle(2)?.version == 1)
        #expect(server.heldVersions == [0, 1])
        let lost = server.deviceLost(1)
        #expect(lost)
        #expect(server.heldVersions == [1])
        let lostAgain = server.deviceLost(1)
        #expect(!lostAgain)
        #expect(server.updateArrived(update(1, base: 0, [[1, 1, 1], [1]])) == nil, "a lost device's update is stray")
    }

    /// Two devices download version 0; the second arrives after the first moved the model, so FedAsync mixes
    /// its x_base + Δ with x_base the version-0 snapshot: x = (1 − w)·x₁ + w·(x₀ + Δ), w = α·s(1).
    @Test func fedAsyncThroughTheServerMixesAgainstTheSnapshotTheClientTrainedFrom() throws {
        let model = GlobalModel(layout: linearLayout, parameters: [[1, 2, 3], [4]])
        var server = try AsynchronousServer(
            model: model, rule: .fedAsync(FedAsyncAggregator(alpha: 0.5, staleness: StalenessDecay.polynomial(a: 1))),
            concurrency: 10)
        _ = server.deviceIdle(0)
        _ = server.deviceIdle(1)
        _ = server.updateArrived(update(0, base: 0, [[2, 2, 2], [2]]))
        // τ = 0, w = 0.5: x₁ = 0.5·x₀ + 0.5·(x₀ + 2) = x₀ + 1.
        #expect(server.model.parameters == [[2, 3, 4], [5]])
        let outcome = server.updateArrived(update(1, base: 0, [[4, 0, -4], [8]]))
        // τ = 1, s = 1/2, w = 0.25: x₂ = 0.75·x₁ + 0.25·(x₀ + Δ).
        #expect(outcome == .stepped(version: 2, updates: 1, meanStaleness: 1))
        // 0.75·(2, 3, 4; 5) + 0.25·(5, 2, −1; 12)
        let expected: [[Float]] = [[2.75, 2.75, 2.75], [6.75]]
        #expect(server.model.parameters == expected)
        #expect(server.heldVersions.isEmpty)
    }

    @Test func ftteServerStepsWhenItsBufferFills() throws {
        let model = GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]])
        var server = try AsynchronousServer(
            model: model, rule: .ftte(FTTEAggregator(bufferSize: 2, staleness: StalenessDecay.constant)),
            concurrency: 2)
        _ = server.deviceIdle(0)
        _ = server.deviceIdle(1)
        #expect(server.updateArrived(update(0, base: 0, [[1, -1, 1], [-1]])) == .buffered(count: 1))
        #expect(
            server.updateArrived(update(1, base: 0, [[1, -1, 1], [-1]]))
                == .stepped(version: 1, updates: 2, meanStaleness: 0))
        #expect(server.model.parameters == [[1, -1, 1], [-1]])
    }

    @Test func synchronousServerClosesRoundsByCountOrDeadlineAndCountsLateUpdates() throws {
        var server = SynchronousServer(model: GlobalModel(layout: linearLayout, parameters: [[0, 0, 0], [0]]))
        let stream = RandomStream(seed: 3)
        let cohort = try server.openRound(
            available: Array(0..<6), fraction: 0.5, deadline: .seconds(60 as Int64), stream: stream)
        #expect(cohort.count == 3)
        #expect(server.updateArrived(update(cohort[0], base: 0, [[3, 0, 0], [0]])) == nil)
        #expect(server.updateArrived(update(cohort[1], base: 0, [[1, 0, 0], [0]])) == nil)
        #expect(server.updateArrived(update(99, base: 0, [[1, 0, 0], [0]])) == nil, "not in the cohort")
        #expect(server.lateUpdates == 1)
        // Deadline with two of three: the average of the two arrived (equal example counts).
        #expect(server.deadlinePassed() == .stepped(version: 1, updates: 2, meanStaleness: 0))
        #expect(server.model.parameters == [[2, 0, 0], [0]])
        #expect(server.updateArrived(update(cohort[2], base: 0, [[9, 9, 9], [9]])) == nil)
        #expect(server.lateUpdates == 2)
        // A round that closes by deadline with nothing leaves the model unchanged.
        _ = try server.openRound(available: Array(0..<6), fraction: 0.5, stream: stream)
        #expect(server.deadlinePassed() == nil)
        #expect(server.model.version == 1)
        #expect(server.roundsClosed == 2)
        // A round that gets all its updates closes by itself.
        let third = try server.openRound(available: [4], fraction: 1, stream: stream)
        #expect(
            server.updateArrived(update(third[0], base: 1, [[0, 0, 0], [5]]))
                == .stepped(version: 2, updates: 1, meanStaleness: 0))
        #expect(server.round == nil)
    }
}
