// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing

struct SynchronousServerTests {
    let zero: [[Float]] = [[0, 0, 0], [0]]

    func server(fraction: Double = 1) throws -> SynchronousServer {
        try SynchronousServer(
            model: GlobalModel(layout: linearLayout, parameters: zero), selection: CohortSelection(fraction: fraction))
    }

    func cohort(_ action: SynchronousServer.OpenAction) throws -> (round: Int, cohort: [Int]) {
        guard case .opened(let round, let cohort) = action else {
            Issue.record("expected a round to open, got \(action)")
            throw CancellationError()
        }
        return (round, cohort)
    }

    @Test func roundsCloseByCountOrDeadlineAndLateUpdatesAreCounted() throws {
        var server = try self.server(fraction: 0.5)
        let stream = RandomStream(seed: 3)
        let (round, cohort) = try self.cohort(
            server.openRound(available: Array(0..<6), deadline: .seconds(60 as Int64), stream: stream))
        #expect(round == 0 && cohort.count == 3)
        #expect(
            server.updateArrived(linearUpdate(cohort[0], base: 0, [[3, 0, 0], [0]]), round: 0) == .accepted(waiting: 2))
        #expect(
            server.updateArrived(linearUpdate(cohort[1], base: 0, [[1, 0, 0], [0]]), round: 0) == .accepted(waiting: 1))
        #expect(
            server.updateArrived(linearUpdate(99, base: 0, [[1, 0, 0], [0]]), round: 0)
                == .ignored(.notInCohort(client: 99)))
        #expect(server.strayUpdates == 1)
        // Deadline with two of three: the average of the two arrived (equal example counts).
        let closed = SynchronousServer.ClosedRound(
            round: 0, cause: .deadline, updates: 2, step: .stepped(version: 1, updates: 2, meanStaleness: 0))
        #expect(server.deadlinePassed(round: 0) == .closed(closed))
        #expect(server.model.parameters == [[2, 0, 0], [0]])
        #expect(
            server.updateArrived(linearUpdate(cohort[2], base: 0, [[9, 9, 9], [9]]), round: 0)
                == .ignored(.late(round: 0)))
        #expect(server.lateUpdates == 1)
        #expect(
            server.updateArrived(linearUpdate(cohort[2], base: 0, [[9, 9, 9], [9]]), round: 5)
                == .ignored(.unknownRound(round: 5)))
        #expect(server.openRound(available: [], stream: stream) == .noDeviceAvailable)
        #expect(server.nextRound == 1, "no round number is used when nobody is available")
    }

    /// Round 0 closes by deadline with nothing, so round 1 serves the same model version 0 to the same device.
    /// The device's update for round 0 arrives afterwards: it is late, not counted towards round 1.
    @Test func lateUpdateAfterAnEmptyDeadlineRoundIsNotTakenForTheNextRound() throws {
        var server = try self.server()
        let stream = RandomStream(seed: 1)
        #expect(try self.cohort(server.openRound(available: [5], stream: stream)) == (0, [5]))
        #expect(server.deadlinePassed(round: 0) == .closed(.init(round: 0, cause: .deadline, updates: 0, step: nil)))
        #expect(server.model.version == 0)
        #expect(try self.cohort(server.openRound(available: [5], stream: stream)) == (1, [5]))
        #expect(
            server.updateArrived(linearUpdate(5, base: 0, [[1, 1, 1], [1]]), round: 0) == .ignored(.late(round: 0)))
        #expect(server.lateUpdates == 1)
        #expect(server.round?.received.isEmpty == true)
        let closed = server.updateArrived(linearUpdate(5, base: 0, [[2, 2, 2], [2]]), round: 1)
        #expect(
            closed
                == .closed(
                    .init(
                        round: 1, cause: .requiredUpdatesArrived, updates: 1,
                        step: .stepped(version: 1, updates: 1, meanStaleness: 0))))
        #expect(server.model.parameters == [[2, 2, 2], [2]])
    }

    /// Round 0 closes by count; its deadline event, still scheduled, fires while round 1 is open and must not
    /// close round 1.
    @Test func staleDeadlineOfARoundClosedByCountIsIgnored() throws {
        var server = try self.server()
        let stream = RandomStream(seed: 2)
        _ = try self.cohort(server.openRound(available: [1], deadline: .seconds(10 as Int64), stream: stream))
        guard case .closed = server.updateArrived(linearUpdate(1, base: 0, [[1, 0, 0], [0]]), round: 0) else {
            Issue.record("the only required update closes round 0")
            return
        }
        _ = try self.cohort(server.openRound(available: [1, 2], deadline: .seconds(20 as Int64), stream: stream))
        #expect(server.openRound(available: [1, 2], stream: stream) == .alreadyOpen(round: 1))
        #expect(server.deadlinePassed(round: 0) == .ignored(staleRound: 0))
        #expect(server.round?.number == 1)
        #expect(server.roundsClosed == 1)
        #expect(server.model.version == 1)
    }

    /// A client sending twice in one round is counted once: the average is (3 + 1)/2, not (3 + 3 + 1)/3.
    @Test func duplicateUpdateFromOneClientIsRejectedAndCounted() throws {
        var server = try self.server()
        _ = try self.cohort(server.openRound(available: [0, 1, 2], stream: RandomStream(seed: 4)))
        #expect(server.updateArrived(linearUpdate(0, base: 0, [[3, 0, 0], [0]]), round: 0) == .accepted(waiting: 2))
        #expect(
            server.updateArrived(linearUpdate(0, base: 0, [[3, 0, 0], [0]]), round: 0)
                == .ignored(.duplicate(client: 0)))
        #expect(server.duplicateUpdates == 1)
        #expect(server.updateArrived(linearUpdate(1, base: 0, [[1, 0, 0], [0]]), round: 0) == .accepted(waiting: 1))
        _ = server.deadlinePassed(round: 0)
        #expect(server.model.parameters == [[2, 0, 0], [0]])
    }
}
