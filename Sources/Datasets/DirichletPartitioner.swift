// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Label skew by a Dirichlet draw per client (Hsu, Qi & Brown 2019, "Measuring the effects of
/// non-identical data distribution for federated visual classification"): client `c` draws a label mix
/// `q[c] ~ Dirichlet(α · p)`, where `p` is the data set's label distribution, and fills its quota
/// (``sizes``) with samples whose label counts follow `q[c]`.
///
/// Small α gives clients dominated by one label (α → 0: single-label clients); large α gives every client
/// the data set's own mix (α → ∞: IID). α = 0.1 … 1 are the common non-IID settings.
///
/// Clients are filled one after another from per-label pools shuffled once, without replacement. A client's
/// label counts are its quota times its mix, rounded by the largest-remainder method (no per-sample
/// sampling noise, so what is left for later clients keeps the data set's proportions when α is large).
/// When a label's pool cannot cover its count, the shortfall is spread over the other labels by the same
/// mix renormalised; when no label of the mix is left, the client draws a fresh mix
/// `Dirichlet(α · p′)` over what remains (`p′`). So the partition is complete and disjoint; the last clients,
/// meeting the emptiest pools, deviate most from their first draw (more so for mid-range α and few samples
/// per label).
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
        let total = Double(labels.count)
        let prior = pools.map { Double($0.count) / total }
        var clients: [[Int]] = []
        clients.reserveCapacity(clientCount)
        for size in sizes {
            var mix = self.drawMix(over: prior, stream: stream)
            var taken: [Int] = []
            taken.reserveCapacity(size)
            var need = size
            while need > 0 {
                let available = pools.indices.filter { !pools[$0].isEmpty && mix[$0] > 0 }
                let mass = available.reduce(0.0) { $0 + mix[$1] }
                guard mass > 0 else {
                    let remaining = Double(pools.reduce(0) { $0 + $1.count })
                    let left = pools.map { Double($0.count) / remaining }
                    mix = self.drawMix(over: left, stream: stream)
                    if !pools.indices.contains(where: { !pools[$0].isEmpty && mix[$0] > 0 }) {
                        mix = left  // the draw underflowed everywhere; take what is left as it is
                    }
                    continue
                }
                let counts = largestRemainder(available.map { Double(need) * mix[$0] / mass }, total: need)
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
