// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Foundation
import SimKernel
import Testing

struct AvailabilityTests {
    func key(_ entity: UInt64, purpose: String = "availability") -> StreamKey {
        StreamKey(masterSeed: 2026, replication: 0, entity: entity, purpose: purpose)
    }

    /// The acceptance test: long-run fraction online = mean_on / (mean_on + mean_off).
    @Test(arguments: [(3_600.0, 600.0), (60.0, 240.0), (10.0, 10.0)])
    func longRunOnlineFractionIsMeanOnOverMeanOnPlusMeanOff(meanOnSeconds: Double, meanOffSeconds: Double) {
        let model = MarkovAvailability(meanOnline: .seconds(meanOnSeconds), meanOffline: .seconds(meanOffSeconds))
        var process = AvailabilityProcess(model: model, stream: RandomStream(self.key(1)))
        let horizon = SimTime.seconds((meanOnSeconds + meanOffSeconds) * 100_000)
        var online = SimTime.zero
        var last = SimTime.zero
        var wasOnline = process.isOnline
        while process.nextChange < horizon {
            let (time, isOnline) = process.advance()
            if wasOnline { online = online + (time - last) }
            last = time
            wasOnline = isOnline
        }
        if wasOnline { online = online + (horizon - last) }
        let fraction = online.seconds / horizon.seconds
        // 10⁵ on/off cycles: the estimate's standard deviation is below 0.002, so 0.01 is over 5σ.
        #expect(abs(fraction - model.longRunOnlineFraction) < 0.01)
    }

    @Test func aStationaryStartIsOnlineWithTheLongRunProbability() {
        let model = MarkovAvailability(meanOnline: .seconds(3_600 as Int64), meanOffline: .seconds(600 as Int64))
        var online = 0
        let devices = 20_000
        for device in 0..<devices {
            if AvailabilityProcess(model: model, stream: RandomStream(self.key(UInt64(device)))).isOnline {
                online += 1
            }
        }
        // Binomial(20 000, 6/7): σ ≈ 0.0025 in the fraction.
        #expect(abs(Double(online) / Double(devices) - 6.0 / 7.0) < 0.0125)
        let offline = MarkovAvailability(
            meanOnline: .seconds(1 as Int64), meanOffline: .seconds(1 as Int64), start: .offline)
        #expect(!AvailabilityProcess(model: offline, stream: RandomStream(self.key(0))).isOnline)
    }

    @Test func aDevicesPathDependsOnlyOnItsOwnStreamKey() {
        let model = MarkovAvailability(meanOnline: .minutes(30), meanOffline: .minutes(5))
        func path(_ entity: UInt64) -> [SimTime] {
            var process = AvailabilityProcess(model: model, stream: RandomStream(self.key(entity)))
            return (0..<200).map { _ in process.advance().time }
        }
        let first = path(7)
        _ = path(8)  // another device drawing in between changes nothing for device 7
        #expect(path(7) == first)
        #expect(path(8) != first)
        #expect(zip(first, first.dropFirst()).allSatisfy { $0 < $1 }, "changes strictly advance")
        #expect(throws: AvailabilityError.self) {
            try MarkovAvailability(meanOnline: .zero, meanOffline: .seconds(1 as Int64)).validate()
        }
    }

    @Test func aTraceReplaysItsWindowsHalfOpen() throws {
        let text = "device_id,start_s,end_s\r\n3,7200,10800.25\r\n3,0,3600\r\n\r\n12, 0.5 ,1\r\n"
        let trace = try AvailabilityTrace(csv: text, file: "trace.csv")
        #expect(trace.devices == [3, 12])
        #expect(
            trace.windows(for: 3) == [
                AvailabilityWindow(start: .zero, end: .seconds(3_600 as Int64)),
                AvailabilityWindow(start: .seconds(7_200 as Int64), end: .milliseconds(10_800_250)),
            ])
        #expect(trace.isOnline(3, at: .zero) == true)
        #expect(trace.isOnline(3, at: .seconds(3_600 as Int64) - .nanoseconds(1)) == true)
        #expect(trace.isOnline(3, at: .seconds(3_600 as Int64)) == false)
        #expect(trace.isOnline(3, at: .seconds(7_200 as Int64)) == true)
        #expect(trace.isOnline(3, at: .seconds(20_000 as Int64)) == false)
        #expect(trace.isOnline(12, at: .milliseconds(500)) == true)
        #expect(trace.isOnline(99, at: .zero) == nil)
    }

    @Test(arguments: [
        ("", 1, "the header"),
        ("id,start,end\n", 1, "the header"),
        ("device_id,start_s,end_s\n1,0,10\nx,0,1\n", 3, "device_id as a non-negative integer"),
        ("device_id,start_s,end_s\n1,0\n", 2, "3 fields"),
        ("device_id,start_s,end_s\n1,5,5\n", 2, "end_s > start_s"),
        ("device_id,start_s,end_s\n1,1e3,2000\n", 2, "start_s as non-negative decimal seconds"),
        ("device_id,start_s,end_s\n1,-1,2\n", 2, "start_s as non-negative decimal seconds"),
        ("device_id,start_s,end_s\n1,0,100\n2,0,1\n1,50,150\n", 4, "not to overlap (lines 2 and 4 do)"),
    ])
    func aBadTraceLineIsReportedWithFileLineAndWhatWasExpected(text: String, line: Int, expected: String) {
        do {
            _ = try AvailabilityTrace(csv: text, file: "churn.csv")
            Issue.record("accepted a bad trace")
        } catch {
            #expect(error.file == "churn.csv")
            #expect(error.line == line)
            #expect(error.expected.contains(expected), "\(error)")
        }
    }

    @Test func aTraceFileIsLoadedFromDiskAndAMissingOneIsATypedError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("energy-trace-\(getpid()).csv").path
        try "device_id,start_s,end_s\n0,1,2\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try AvailabilityTrace.load(path: path).windows(for: 0)?.count == 1)
        #expect(throws: TraceError.self) { try AvailabilityTrace.load(path: path + ".missing") }
    }
}

struct AvailabilityCursorTests {
    let trace: AvailabilityTrace

    init() throws {
        self.trace = try AvailabilityTrace(
            csv: "device_id,start_s,end_s\n1,10,20\n1,20,30\n1,50,60\n2,0,5\n", file: "cursor.csv")
    }

    func changes(_ cursor: inout AvailabilityCursor) -> [(SimTime, Bool)] {
        var changes: [(SimTime, Bool)] = []
        while let change = cursor.advance() { changes.append((change.time, change.isOnline)) }
        return changes
    }

    @Test func aTraceCursorReportsEachWindowEdgeOnceAndMergesTouchingWindows() throws {
        var cursor = try AvailabilityCursor(model: .trace(self.trace, absent: .error), device: 1, stream: nil)
        #expect(!cursor.isOnline)
        let changes = self.changes(&cursor)
        let seconds = changes.map { ($0.0.seconds, $0.1) }
        #expect(seconds.map(\.0) == [10, 30, 50, 60])
        #expect(seconds.map(\.1) == [true, false, true, false])
        #expect(cursor.nextChange == nil)

        var late = try AvailabilityCursor(
            model: .trace(self.trace, absent: .error), device: 1, stream: nil, start: .seconds(25 as Int64))
        #expect(late.isOnline)
        #expect(self.changes(&late).map(\.0) == [.seconds(30 as Int64), .seconds(50 as Int64), .seconds(60 as Int64)])
    }

    @Test func aDeviceAbsentFromTheTraceFollowsThePolicy() throws {
        #expect(try AvailabilityCursor(model: .trace(self.trace, absent: .online), device: 9, stream: nil).isOnline)
        #expect(try !AvailabilityCursor(model: .trace(self.trace, absent: .offline), device: 9, stream: nil).isOnline)
        #expect(throws: AvailabilityError.self) {
            try AvailabilityCursor(model: .trace(self.trace, absent: .error), device: 9, stream: nil)
        }
        var always = try AvailabilityCursor(model: .alwaysOnline, device: 9, stream: nil)
        let change = always.advance()
        #expect(always.isOnline && always.nextChange == nil && change == nil)
    }

    @Test func aMarkovCursorFollowsTheDevicesProcess() throws {
        let markov = MarkovAvailability(meanOnline: .minutes(20), meanOffline: .minutes(10))
        let key = StreamKey(masterSeed: 1, entity: 4, purpose: "availability")
        var cursor = try AvailabilityCursor(model: .markov(markov), device: 4, stream: RandomStream(key))
        var process = AvailabilityProcess(model: markov, stream: RandomStream(key))
        #expect(cursor.isOnline == process.isOnline)
        for _ in 0..<100 {
            let next = cursor.advance()
            let change = try #require(next)
            let expected = process.advance()
            #expect(change.time == expected.time && change.isOnline == expected.isOnline)
        }
        #expect(throws: AvailabilityError.self) {
            try AvailabilityCursor(model: .markov(markov), device: 4, stream: nil)
        }
    }
}
