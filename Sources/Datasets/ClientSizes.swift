// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// How many samples each client receives.
public enum ClientSizes: Equatable, Sendable {
    /// As equal as possible: sizes differ by at most one, the larger ones first.
    case equal
    /// Quantity skew: client `c` draws a weight `w[c]` from the distribution (negative draws count as 0)
    /// and receives `minimum` samples plus a share of the rest proportional to `w[c]`, rounded by the
    /// largest-remainder method (ties to the lower client id), so the sizes sum exactly to the sample count.
    case drawn(Distribution, minimum: Int)

    /// The sizes for `total` samples among `clientCount` clients; draws (for ``drawn(_:minimum:)``) come
    /// from `stream`, one per client in client order.
    ///
    /// - Throws: ``PartitionError`` when the distribution is invalid, the minimum cannot be met, or every
    ///   weight is zero.
    public func sizes(
        total: Int, clientCount: Int, stream: RandomStream, partitioner: String
    ) throws(PartitionError) -> [Int] {
        switch self {
        case .equal:
            try validateCounts(partitioner, samples: total, clientCount: clientCount)
            let base = total / clientCount
            let extra = total % clientCount
            return (0..<clientCount).map { base + ($0 < extra ? 1 : 0) }
        case .drawn(let distribution, let minimum):
            do {
                try distribution.validate()
            } catch {
                throw PartitionError(partitioner: partitioner, problem: "client sizes: \(error)")
            }
            guard minimum >= 0 else {
                throw PartitionError(partitioner: partitioner, problem: "minimum client size \(minimum) is negative")
            }
            try validateCounts(partitioner, samples: total, clientCount: clientCount, minimumPerClient: max(minimum, 1))
            let weights = (0..<clientCount).map { _ in max(0, distribution.sample(stream)) }
            let weightSum = weights.reduce(0, +)
            guard weightSum > 0, weightSum.isFinite else {
                throw PartitionError(
                    partitioner: partitioner,
                    problem: "client sizes: every weight drawn from \(distribution.name) was 0 (or not finite)")
            }
            let spare = total - clientCount * minimum
            return largestRemainder(weights.map { Double(spare) * $0 / weightSum }, total: spare).map { $0 + minimum }
        }
    }
}

/// Rounds non-negative quotas that sum to `total` into integers with the same sum: floors first, then one
/// more to the largest fractional parts (ties to the lower index).
func largestRemainder(_ quotas: [Double], total: Int) -> [Int] {
    var sizes = quotas.map { Int($0.rounded(.down)) }
    var left = total - sizes.reduce(0, +)
    let order = quotas.indices.sorted { a, b in
        let fa = quotas[a] - quotas[a].rounded(.down)
        let fb = quotas[b] - quotas[b].rounded(.down)
        return fa != fb ? fa > fb : a < b
    }
    var position = 0
    while left > 0 {
        sizes[order[position % order.count]] += 1
        left -= 1
        position += 1
    }
    while left < 0 {  // floating-point excess (quotas summing a hair above total): take from the largest
        guard let index = sizes.indices.max(by: { sizes[$0] < sizes[$1] }) else { break }
        sizes[index] -= 1
        left += 1
    }
    return sizes
}
