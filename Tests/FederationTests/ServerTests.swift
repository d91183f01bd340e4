// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing

/// Builds a dense update of the linear model.
func linearUpdate(_ device: Int, base: Int, _ deltas: [[Float]], examples: Int = 1) -> ClientUpdate {
    ClientUpdate(
        clientID: device, baseVersion: base, subset: .full(linearLayout), deltas: deltas, exampleCount: examples)
}

/// The assignments an action carries, as (device, version) pairs.
func handedOut(_ action: AsynchronousServer.UpdateAction) -> [Int]? {
    guard case .aggregated(_, let assignments) = action else { return nil }
    return assignments.map(\.device)
}

struct ServerTests {
    let zero: [[Float]] = [[0, 0, 0], [0]]

    /// Hand trace with concurrency 2 and five devices (FedBuff, K = 2, η_g = 1, s = 1): idle devices beyond the
    /// two slots queue in idle order, a repeated idle event is a no-op, an offline device leaves the queue, and
    /// each freed slot goes to the head of the queue with the version current after the event.
    @Test func asynchronousServerQueuesIdleDevicesInArrivalOrderAndAssignsFreedSlots() throws {
        var server = try AsynchronousServer(
            model: GlobalModel(layout: linearLayout, parameters: zero),
            rule: .fedBuff(FedBuffAggregator(bufferSize: 2, staleness: StalenessDecay.constant)), concurrency: 2)
        #expect(server.deviceIdle(0) == [Assignment(device: 0, version: 0, parameters: zero)])
        #expect(server.deviceIdle(1) == [Assignment(device: 1, version: 0, parameters: zero)])
        #expect(server.deviceIdle(2).isEmpty)
        #expect(server.deviceIdle(3).isEmpty)
        #expect(server.deviceIdle(2).isEmpty, "already waiting: nothing changes")
        #expect(server.deviceIdle(0).isEmpty, "already training: nothing changes")
        #expect(server.deviceIdle(4).isEmpty)
        #expect(server.waiting == [2, 3, 4])
        #expect(server.deviceOffline(3).isEmpty, "a waiting device frees no slot")
        #expect(server.waiting == [2, 4])

        let first = server.updateArrived(linearUpdate(0, base: 0, [[1, 1, 1], [1]]))
        #expect(
            first
                == .aggregated(.buffered(count: 1), assignments: [Assignment(device: 2, version: 0, parameters: zero)]))
        #expect(server.deviceLost(1) == [Assignment(device: 4, version: 0, parameters: zero)])
        #expect(server.waiting.isEmpty)
        #expect(server.inFlight == [2: 0, 4: 0])

        // The buffer fills: x = 0 + (1 + 3)/2.
        let second = server.updateArrived(linearUpdate(2, base: 0, [[3, 3, 3], [3]]))
        #expect(second == .aggregated(.stepped(version: 1, updates: 2, meanStaleness: 0), assignments: []))
        let one: [[Float]] = [[2, 2, 2], [2]]
        #expect(server.deviceIdle(0) == [Assignment(device: 0, version: 1, parameters: one)])
        #expect(server.deviceIdle(1).isEmpty)
        #expect(server.deviceIdle(3).isEmpty)
        #expect(server.waiting == [1, 3])

        // Device 4 (version 0, τ = 1) is buffered; its slot goes to device 1, first in the queue.
        let third = server.updateArrived(linearUpdate(4, base: 0, [[1, 0, 0], [0]]))
        #expect(
            third == .aggregated(.buffered(count: 1), assignments: [Assignment(device: 1, version: 1, parameters: one)])
        )
        #expect(server.heldVersions.isEmpty, "FedBuff holds no snapshot")
        #expect(server.updateArrived(linearUpdate(4, base: 0, [[1, 0, 0], [0]])) == .ignored(.notTraining(device: 4)))
        #expect(
            server.updateArrived(linearUpdate(0, base: 0, [[1, 0, 0], [0]]))
                == .ignored(.wrongBaseVersion(expected: 1, got: 0)))

        // End of run: the partial buffer of one update is applied with its own divisor 1.
        #expect(server.flush() == .applied(.stepped(version: 2, updates: 1, meanStaleness: 1)))
        #expect(server.model.parameters == [[3, 2, 2], [2]])
        #expect(server.flush() == .empty)
    }

    @Test func asynchronousServerKeepsSnapshotsOnlyForFedAsyncAndReleasesThem() throws {
        var server = try AsynchronousServer(
            model: GlobalModel(layout: linearLayout, parameters: zero),
            rule: .fedAsync(try FedAsyncAggregator(alpha: 1, staleness: StalenessDecay.constant)), concurrency: 2)
        _ = server.deviceIdle(0)
        _ = server.deviceIdle(1)
        #expect(server.heldVersions == [0])
        let arrived = server.updateArrived(linearUpdate(0, base: 0, [[1, 1, 1], [1]]))
        #expect(arrived == .aggregated(.stepped(version: 1, updates: 1, meanStaleness: 0), assignments: []))
        #expect(server.deviceIdle(2).map(\.version) == [1])
        #expect(server.heldVersions == [0, 1])
        #expect(server.deviceLost(1).isEmpty)
        #expect(server.heldVersions == [1])
        #expect(server.deviceLost(1).isEmpty)
        #expect(server.updateArrived(linearUpdate(1, base: 0, [[1, 1, 1], [1]])) == .ignored(.notTraining(device: 1)))
        #expect(server.flush() == .empty)
    }

    /// Two devices download version 0; the second arrives after the first moved the model, so FedAsync mixes
    /// its x_base + Δ with x_base the version-0 snapshot: x = (1 − w)·x₁ + w·(x₀ + Δ), w = α·s(1).
    @Test func fedAsyncThroughTheServerMixesAgainstTheSnapshotTheClientTrainedFrom() throws {
        let model = GlobalModel(layout: linearLayout, parameters: [[1, 2, 3], [4]])
        var server = try AsynchronousServer(
            model: model,
            rule: .fedAsync(try FedAsyncAggregator(alpha: 0.5, staleness: StalenessDecay.polynomial(a: 1))),
            concurrency: 10)
        _ = server.deviceIdle(0)
        _ = server.deviceIdle(1)
        _ = server.updateArrived(linearUpdate(0, base: 0, [[2, 2, 2], [2]]))
        // τ = 0, w = 0.5: x₁ = 0.5·x₀ + 0.5·(x₀ + 2) = x₀ + 1.
        #expect(server.model.parameters == [[2, 3, 4], [5]])
        let outcome = server.updateArrived(linearUpdate(1, base: 0, [[4, 0, -4], [8]]))
        // τ = 1, s = 1/2, w = 0.25: x₂ = 0.75·x₁ + 0.25·(x₀ + Δ).
        #expect(outcome == .aggregated(.stepped(version: 2, updates: 1, meanStaleness: 1), assignments: []))
        // 0.75·(2, 3, 4; 5) + 0.25·(5, 2, −1; 12)
        let expected: [[Float]] = [[2.75, 2.75, 2.75], [6.75]]
        #expect(server.model.parameters == expected)
        #expect(server.heldVersions.isEmpty)
    }

    @Test func ftteServerStepsWhenItsBufferFills() throws {
        var server = try AsynchronousServer(
            model: GlobalModel(layout: linearLayout, parameters: zero),
            rule: .ftte(try FTTEAggregator(bufferSize: 2, staleness: StalenessDecay.constant)), concurrency: 2)
        _ = server.deviceIdle(0)
        _ = server.deviceIdle(1)
        #expect(
            server.updateArrived(linearUpdate(0, base: 0, [[1, -1, 1], [-1]]))
                == .aggregated(.buffered(count: 1), assignments: []))
        #expect(
            server.updateArrived(linearUpdate(1, base: 0, [[1, -1, 1], [-1]]))
                == .aggregated(.stepped(version: 1, updates: 2, meanStaleness: 0), assignments: []))
        #expect(server.model.parameters == [[1, -1, 1], [-1]])
        #expect(server.heldVersions.isEmpty, "FTTE holds no snapshot")
    }
}
