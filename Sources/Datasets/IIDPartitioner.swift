// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// Independent and identically distributed: shuffle all samples, then deal consecutive runs of the
/// shuffled order to the clients, sized by ``sizes``. Every client's label mix follows the data set's.
public struct IIDPartitioner: Partitioner {
    /// How many samples each client receives.
    public var sizes: ClientSizes

    /// Creates the partitioner; equal sizes by default.
    public init(sizes: ClientSizes = .equal) {
        self.sizes = sizes
    }

    /// `"iid"`.
    public var name: String { "iid" }

    /// Draws the sizes first, then one Fisher–Yates shuffle of all indices.
    public func partition(
        labels: [Int32], classCount: Int, clientCount: Int, stream: RandomStream
    ) throws(PartitionError) -> Partition {
        let sizes = try self.sizes.sizes(
            total: labels.count, clientCount: clientCount, stream: stream, partitioner: self.name)
        var order = Array(labels.indices)
        stream.shuffle(&order)
        var clients: [[Int]] = []
        clients.reserveCapacity(clientCount)
        var start = 0
        for size in sizes {
            clients.append(order[start..<(start + size)].sorted())
            start += size
        }
        return Partition(clients: clients)
    }
}

/// Quantity skew: labels IID, client sizes drawn from a distribution (e.g. log-normal), so a few clients
/// hold much of the data. The same as ``IIDPartitioner`` with ``ClientSizes/drawn(_:minimum:)``.
public struct QuantitySkewPartitioner: Partitioner {
    /// The distribution of the relative client sizes.
    public var distribution: Distribution
    /// Samples every client receives at least.
    public var minimumPerClient: Int

    /// Creates the partitioner.
    public init(sizes distribution: Distribution, minimumPerClient: Int = 1) {
        self.distribution = distribution
        self.minimumPerClient = minimumPerClient
    }

    /// `"quantity-skew"`.
    public var name: String { "quantity-skew" }

    /// Draws one weight per client, then deals a shuffled order as ``IIDPartitioner`` does.
    public func partition(
        labels: [Int32], classCount: Int, clientCount: Int, stream: RandomStream
    ) throws(PartitionError) -> Partition {
        do {
            return try IIDPartitioner(sizes: .drawn(self.distribution, minimum: self.minimumPerClient))
                .partition(labels: labels, classCount: classCount, clientCount: clientCount, stream: stream)
        } catch {
            throw PartitionError(partitioner: self.name, problem: error.problem)
        }
    }
}
