// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import Testing

struct EventQueueTests {
    @Test func equalTimesComeOutInInsertionOrder() {
        var queue = EventQueue<Int>()
        for index in 0..<100 { queue.insert(index, at: .seconds(Int64(index % 3))) }
        var popped: [(SimTime, Int)] = []
        while let next = queue.popFirst() { popped.append((next.time, next.event)) }
        let expected = (0..<100).sorted { ($0 % 3, $0) < ($1 % 3, $1) }
        #expect(popped.map(\.1) == expected)
        #expect(popped.map(\.0) == expected.map { SimTime.seconds(Int64($0 % 3)) })
    }

    @Test func matchesASortedReferenceUnderRandomInsertsPopsAndCancels() {
        var generator = SplitMix64(seed: 7)
        var queue = EventQueue<Int>()
        var reference: [(time: Int64, sequence: Int, handle: EventHandle)] = []
        var sequence = 0
        for step in 0..<20_000 {
            let action = generator.next() % 10
            if action < 5 {
                let time = Int64(generator.next() % 1_000)
                let handle = queue.insert(sequence, at: SimTime(nanoseconds: time))
                reference.append((time, sequence, handle))
                sequence += 1
            } else if action < 8 {
                let expected = reference.min { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
                let actual = queue.popFirst()
                #expect(actual?.event == expected?.sequence)
                #expect(actual?.time.nanoseconds == expected?.time)
                if let expected { reference.removeAll { $0.sequence == expected.sequence } }
            } else if !reference.isEmpty {
                let victim = reference.remove(at: Int(generator.next() % UInt64(reference.count)))
                let cancelled = queue.cancel(victim.handle)
                #expect(cancelled)
            }
            #expect(queue.count == reference.count)
            if step % 1_000 == 0 { queue.checkInvariants() }
        }
        queue.checkInvariants()
    }

    @Test func cancelledEventsNeverFire() {
        var queue = EventQueue<String>()
        let a = queue.insert("a", at: .seconds(1 as Int64))
        let b = queue.insert("b", at: .seconds(2 as Int64))
        queue.insert("c", at: .seconds(3 as Int64))
        let firstCancel = queue.cancel(b)
        let secondCancel = queue.cancel(b)
        #expect(firstCancel)
        #expect(!secondCancel, "a second cancel reports that nothing was pending")
        #expect(queue.count == 2)
        let popA = queue.popFirst()?.event
        let lateCancel = queue.cancel(a)
        let popC = queue.popFirst()?.event
        let popNone = queue.popFirst()
        #expect(popA == "a")
        #expect(!lateCancel, "a fired event cannot be cancelled")
        #expect(popC == "c")
        #expect(popNone == nil)
        #expect(queue.isEmpty)
    }

    @Test func staleHandlesDoNotCancelTheEventThatReusedTheirSlot() {
        var queue = EventQueue<String>()
        let first = queue.insert("first", at: .zero)
        _ = queue.popFirst()
        let second = queue.insert("second", at: .zero)  // reuses the freed slot
        let staleCancel = queue.cancel(first)
        #expect(!staleCancel)
        #expect(queue.isPending(second))
        let popped = queue.popFirst()?.event
        #expect(popped == "second")
    }

    @Test func ordersTimesAcrossTheWholeSignedRange() {
        var queue = EventQueue<Int64>()
        let times: [Int64] = [5, -3, .max, 0, .min, -1, 1, .max - 1, .min + 1]
        for time in times { queue.insert(time, at: SimTime(nanoseconds: time)) }
        var popped: [Int64] = []
        while let next = queue.popFirst() {
            #expect(next.time.nanoseconds == next.event)
            popped.append(next.event)
        }
        #expect(popped == times.sorted())
    }

    @Test func nextTimeSkipsCancelledEvents() {
        var queue = EventQueue<Int>()
        let early = queue.insert(1, at: .milliseconds(5))
        queue.insert(2, at: .milliseconds(9))
        queue.cancel(early)
        let next = queue.nextTime()
        #expect(next == .milliseconds(9))
    }
}
