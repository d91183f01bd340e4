// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Pathological label skew by shards (McMahan et al. 2017, "Communication-efficient learning of deep
/// networks from decentralized data"): sort the samples by label, cut them into `clientCount × shardsPerClient`
/// equal shards (sizes differ by at most one), and give each client `shardsPerClient` shards at random.
///
/// A client then holds at most `shardsPerClient` labels when every label's sample count is a multiple of
/// the shard size (e.g. MNIST-style 60 000 samples, 100 clients, 2 shards of 300); otherwise a shard may
/// straddle two labels.
public struct ShardPartitioner: Partitioner {
    /// Shards (and so, roughly, labels) per client.
    public var shardsPerClient: Int

    /// Creates the partitioner.
    public init(shardsPerClient: Int) {
        self.shardsPerClient = shardsPerClient
    }

    /// `"shards"`.
    public var name: String { "shards" }

    /// Draw order: one shuffle of all indices (the order within each label), then one shuffle of the shard ids.
    public func partition(
        labels: [Int32], classCount: Int, clientCount: Int, stream: RandomStream
    ) throws(PartitionError) -> Partition {
        guard self.shardsPerClient >= 1 else {
            throw PartitionError(
                partitioner: self.name, problem: "shards per client must be at least 1, got \(self.shardsPerClient)")
        }
        try validateCounts(
            self.name, samples: labels.count, clientCount: clientCount, minimumPerClient: self.shardsPerClient)
        var order = Array(labels.indices)
        stream.shuffle(&order)
        var byLabel = [[Int]](repeating: [], count: classCount)
        for index in order {
            byLabel[Int(labels[index])].append(index)
        }
        let sorted = byLabel.flatMap { $0 }
        let shardCount = clientCount * self.shardsPerClient
        let base = sorted.count / shardCount
        let extra = sorted.count % shardCount
        var starts: [Int] = [0]
        for shard in 0..<shardCount {
            starts.append(starts[shard] + base + (shard < extra ? 1 : 0))
        }
        var shardIDs = Array(0..<shardCount)
        stream.shuffle(&shardIDs)
        var clients: [[Int]] = []
        clients.reserveCapacity(clientCount)
        for client in 0..<clientCount {
            var indices: [Int] = []
            for slot in (client * self.shardsPerClient)..<((client + 1) * self.shardsPerClient) {
                let shard = shardIDs[slot]
                indices.append(contentsOf: sorted[starts[shard]..<starts[shard + 1]])
            }
            clients.append(indices.sorted())
        }
        return Partition(clients: clients)
    }
}
