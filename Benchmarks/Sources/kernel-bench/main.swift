// SPDX-License-Identifier: GPL-3.0-or-later
//
// The hold model (Jones 1986; Vaucher & Duval 1975): with n events pending, repeatedly pop the earliest
// and schedule one at now + Exp(1). The pending count stays n, so events per second at each n measures
// the priority queue and the dispatch loop. Prints CSV: implementation,pending,events,seconds,events_per_s.
//
// Usage: kernel-bench [OPERATIONS] [PENDING...]

import HeapModule
import SimKernel

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let operations = arguments.first ?? 2_000_000
let sizes = arguments.count > 1 ? Array(arguments.dropFirst()) : [1_000, 10_000, 100_000, 1_000_000]

func wallSeconds(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// The simulator as models use it: `run` with a handler that schedules the next event.
func holdSimulator(pending: Int, operations: Int) -> Double {
    let stream = RandomStream(seed: 1)
    var sim = Simulator<Int>()
    for index in 0..<pending { try! sim.schedule(index, at: .seconds(stream.exponential(mean: 1))) }
    let end = sim.eventCount + operations
    return wallSeconds {
        sim.run(stopWhen: { $0.eventCount >= end }) { sim, event in
            try! sim.schedule(event, after: .seconds(stream.exponential(mean: 1)))
        }
    }
}

/// The same model on swift-collections' min-max `Heap`, keyed by (time, sequence): the alternative the
/// event queue was measured against.
struct HeapEntry: Comparable {
    var time: Int64
    var sequence: UInt64
    var payload: Int
    static func < (a: HeapEntry, b: HeapEntry) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }
    static func == (a: HeapEntry, b: HeapEntry) -> Bool { a.time == b.time && a.sequence == b.sequence }
}

func holdCollectionsHeap(pending: Int, operations: Int) -> Double {
    let stream = RandomStream(seed: 1)
    var heap = Heap<HeapEntry>()
    var sequence: UInt64 = 0
    for index in 0..<pending {
        sequence += 1
        heap.insert(
            HeapEntry(
                time: SimTime.seconds(stream.exponential(mean: 1)).nanoseconds, sequence: sequence, payload: index))
    }
    return wallSeconds {
        for _ in 0..<operations {
            let top = heap.removeMin()
            sequence += 1
            let next = top.time + SimTime.seconds(stream.exponential(mean: 1)).nanoseconds
            heap.insert(HeapEntry(time: next, sequence: sequence, payload: top.payload))
        }
    }
}

print("implementation,pending,events,seconds,events_per_s")
for pending in sizes {
    for (name, body) in [("ftte-sim Simulator", holdSimulator), ("swift-collections Heap", holdCollectionsHeap)] {
        _ = body(pending, min(operations, 100_000))  // warm caches and the allocator
        let seconds = body(pending, operations)
        print("\(name),\(pending),\(operations),\(seconds),\(Double(operations) / seconds)")
    }
}
