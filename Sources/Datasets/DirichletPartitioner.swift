// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Label skew by a Dirichlet draw per client (after Hsu, Qi & Brown 2019, "Measuring the effects of
/// non-identical data distribution for federated visual classification"): client `c` draws a label mix
/// `q[c] ~ Dirichlet(α · p)` and fills its quota (``sizes``) with samples whose label counts follow `q[c]`.
///
/// Small α gives clients dominated by one label (α → 0: single-label clients); large α gives every client
/// the data set's own mix (α → ∞: IID). α = 0.1 … 1 are the common non-IID settings.
///
/// Clients are filled one after another, without replacement, from per-label pools shuffled once. `p` is
/// the label distribution of the samples *not yet assigned* (the data set's own for the first client).
/// Centring each draw on what is left keeps the remaining pools in proportion — a client that took more
/// of a label than its share leaves later clients less of it in expectation — so the last clients are about
/// as skewed as the others instead of inheriting every earlier deviation. A client's label counts are its
/// quota times its mix, rounded by the largest-remainder method. When a label's pool cannot cover its count,
/// the shortfall is spread over the other labels by the same mix renormalised; when none of the mix's labels
/// is left, the client draws a fresh mix. So the partition is complete and disjoint.
public struct DirichletPartitioner: Partitioner {
    /// The concentration α > 0.
    public var alpha: Double
    /// How many samples each client receives.
    public var sizes: ClientSizes

    /// Creates the partitioner; equal client sizes by default.
    public init(alpha: Double, sizes: ClientSizes = .equal) {
        self.alpha = alpha
        self.sizes = sizes
    }

    /// `"dirichlet"`.
    public var name: String { "dirichlet" }

    /// Draw order: the sizes; one shuffle per label pool (label order); then per client (client order)
    /// its mix, and a fresh mix whenever its labels run out.
    public func partition(
        labels: [Int32], classCount: Int, clientCount: Int, stream: RandomStream
    ) throws(PartitionError) -> Partition {
        guard self.alpha > 0, self.alpha.isFinite else {
            throw PartitionError(
                partitioner: self.name, problem: "alpha must be positive and finite, got \(self.alpha)")
        }
        let sizes = try self.sizes.sizes(
            total: labels.count, clientCount: clientCount, stream: stream, partitioner: self.name)
        var pools = [[Int]](repeating: [], count: classCount)
        for (index, label) in labels.enumerated() {
            pools[Int(label)].append(index)
        }
        for label in pools.indices {
            stream.shuffle(&pools[label])
        }
        var clients: [[Int]] = []
        clients.reserveCapacity(clientCount)
        for size in sizes {
            var mix = self.drawMix(over: Self.proportions(pools), stream: stream)
            var taken: [Int] = []
            taken.reserveCapacity(size)
            var need = size
            while need > 0 {
                let available = pools.indices.filter { !pools[$0].isEmpty && mix[$0] > 0 }
                let mass = available.reduce(0.0) { $0 + mix[$1] }
                guard mass > 0 else {
                    let left = Self.proportions(pools)
                    mix = self.drawMix(over: left, stream: stream)
                    if !pools.indices.contains(where: { !pools[$0].isEmpty && mix[$0] > 0 }) {
                        mix = left  // the draw underflowed everywhere; take what is left as it is
                    }
                    continue
                }
                let counts = largestRemainder(available.map { Double(need) * (mix[$0] / mass) }, total: need)
                for (label, count) in zip(available, counts) {
                    let take = min(count, pools[label].count)
                    taken.append(contentsOf: pools[label].suffix(take))
                    pools[label].removeLast(take)
                    need -= take
                }
            }
            clients.append(taken.sorted())
        }
        return Partition(clients: clients)
    }

    /// Each pool's share of the samples left in all pools.
    private static func proportions(_ pools: [[Int]]) -> [Double] {
        let remaining = Double(pools.reduce(0) { $0 + $1.count })
        return pools.map { Double($0.count) / remaining }
    }

    /// `Dirichlet(α · p)` over the labels with `p > 0`; 0 for the others.
    private func drawMix(over distribution: [Double], stream: RandomStream) -> [Double] {
        let present = distribution.indices.filter { distribution[$0] > 0 }
        let draw = stream.dirichlet(present.map { self.alpha * distribution[$0] })
        var mix = [Double](repeating: 0, count: distribution.count)
        for (slot, label) in present.enumerated() where draw[slot].isFinite {
            mix[label] = draw[slot]
        }
        return mix
    }
}
