// SPDX-License-Identifier: GPL-3.0-or-later

/// Assigns every tensor an offset in one arena so that tensors live at the same step never overlap.
///
/// Algorithm: greedy best-fit placement (Pisarchyk & Lee, "Efficient Memory Management for Deep Neural
/// Net Inference", 2020, §4.2 "greedy by size"), run under four placement orders, keeping the smallest arena.
/// For each tensor in order, the already placed tensors whose live ranges meet its own are sorted by offset;
/// among the gaps between them (and below the first) that are large enough, the smallest is chosen, at its
/// lowest address; if none fits, the tensor goes just above the highest of them. The orders are: largest
/// first; largest size × lifetime first; longest lifetime first; earliest first step first. Ties break by
/// earlier first step, then lower index, so the result is deterministic. The arena is the highest end. The
/// result is at least ``Liveness/peakBytes`` (the bytes live at the busiest step); the plan reports both so
/// the planner's overhead is visible.
public enum MemoryPlanner {
    /// One tensor to place: padded bytes and the inclusive span of steps at which it is live.
    public struct Request: Hashable, Sendable {
        /// Bytes it occupies.
        public var bytes: Int
        /// First live step.
        public var first: Int
        /// Last live step.
        public var last: Int

        /// A request.
        public init(bytes: Int, first: Int, last: Int) {
            self.bytes = bytes
            self.first = first
            self.last = last
        }
    }

    /// Offsets of the requests, in request order, and the arena size.
    public struct Placement: Hashable, Sendable {
        /// Byte offset of each request.
        public var offsets: [Int]
        /// Bytes of the arena: the highest end of any tensor.
        public var arenaBytes: Int
    }

    /// Places `requests` in one arena.
    /// - Complexity: O(n² log n) for n tensors (four passes).
    public static func place(_ requests: [Request]) -> Placement {
        let keys: [(Request) -> Int] = [
            { $0.bytes }, { $0.bytes * ($0.last - $0.first + 1) }, { $0.last - $0.first }, { -$0.first },
        ]
        var best: Placement?
        for key in keys {
            let order = requests.indices.sorted { a, b in
                let (x, y) = (key(requests[a]), key(requests[b]))
                if x != y { return x > y }
                if requests[a].bytes != requests[b].bytes { return requests[a].bytes > requests[b].bytes }
                if requests[a].first != requests[b].first { return requests[a].first < requests[b].first }
                return a < b
            }
            let placement = place(requests, order: order)
            if placement.arenaBytes < best?.arenaBytes ?? Int.max { best = placement }
        }
        return best ?? Placement(offsets: [], arenaBytes: 0)
    }

    /// Best-fit placement in the given order.
    static func place(_ requests: [Request], order: [Int]) -> Placement {
        var offsets = Array(repeating: 0, count: requests.count)
        var placed: [Int] = []
        var arenaBytes = 0
        for index in order {
            let request = requests[index]
            let conflicts =
                placed
                .filter { requests[$0].first <= request.last && request.first <= requests[$0].last }
                .sorted { offsets[$0] < offsets[$1] }
            var best: (offset: Int, gap: Int)?
            var cursor = 0
            for other in conflicts {
                let gap = offsets[other] - cursor
                if gap >= request.bytes, best.map({ gap < $0.gap }) ?? true { best = (cursor, gap) }
                cursor = max(cursor, offsets[other] + requests[other].bytes)
            }
            let offset = best?.offset ?? cursor
            offsets[index] = offset
            arenaBytes = max(arenaBytes, offset + request.bytes)
            placed.append(index)
        }
        return Placement(offsets: offsets, arenaBytes: arenaBytes)
    }
}
