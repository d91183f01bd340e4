// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// How a data set is split among clients: one list of sample indices per client, into the shared
/// ``Dataset`` (no client holds a copy of the samples).
///
/// Partitioners produce lists that are pairwise disjoint, cover every sample, and are sorted ascending;
/// a training loop shuffles its own list each epoch.
public struct Partition: Equatable, Sendable {
    /// `clients[c]` holds client `c`'s sample indices, ascending.
    public var clients: [[Int]]

    /// Creates a partition from index lists.
    public init(clients: [[Int]]) {
        self.clients = clients
    }

    /// The number of clients.
    public var clientCount: Int { self.clients.count }

    /// The number of samples each client holds.
    public var sizes: [Int] { self.clients.map(\.count) }

    /// Counts each client's samples by label.
    ///
    /// - Precondition: every index is valid for `labels`, and every label is in `0..<classCount`.
    public func report(labels: [Int32], classCount: Int) -> PartitionReport {
        PartitionReport(partition: self, labels: labels, classCount: classCount)
    }
}

/// A rule for splitting a labelled data set among clients, deterministic given the random stream.
///
/// This is an extension point: a new non-IID scheme is a new conforming type. Every draw must come from
/// `stream`, so the same labels, client count and stream state give the same partition.
public protocol Partitioner: Sendable {
    /// A short name for errors and traces ("iid", "dirichlet", …).
    var name: String { get }

    /// Splits the samples whose labels are `labels` among `clientCount` clients.
    ///
    /// - Parameters:
    ///   - labels: one label per sample, each in `0..<classCount`.
    ///   - classCount: the number of classes.
    ///   - clientCount: the number of clients, at least 1.
    ///   - stream: the source of every random draw (derive it from a `StreamKey` whose purpose names the partition).
    /// - Returns: disjoint, complete, ascending index lists, one per client.
    /// - Throws: ``PartitionError`` when the parameters cannot be met (more clients than samples, …).
    func partition(
        labels: [Int32], classCount: Int, clientCount: Int, stream: RandomStream
    ) throws(PartitionError) -> Partition
}

/// A partitioner's parameters cannot be met for this data set.
public struct PartitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The partitioner's name.
    public var partitioner: String
    /// What was wrong and what would work.
    public var problem: String

    /// Creates the error.
    public init(partitioner: String, problem: String) {
        self.partitioner = partitioner
        self.problem = problem
    }

    public var description: String { "\(self.partitioner) partition: \(self.problem)" }
}

extension Dataset {
    /// Splits this data set among `clientCount` clients with `partitioner`, drawing from `stream`.
    ///
    /// - Throws: ``PartitionError`` when the partitioner's parameters cannot be met.
    public func partition(
        using partitioner: some Partitioner, clientCount: Int, stream: RandomStream
    ) throws(PartitionError) -> Partition {
        try partitioner.partition(
            labels: self.labels, classCount: self.classCount, clientCount: clientCount, stream: stream)
    }
}

/// Checks what every partitioner needs: at least one client, and at least as many samples as clients
/// (each client gets one or more samples).
func validateCounts(
    _ partitioner: String, samples: Int, clientCount: Int, minimumPerClient: Int = 1
) throws(PartitionError) {
    guard clientCount >= 1 else {
        throw PartitionError(partitioner: partitioner, problem: "needs at least 1 client, got \(clientCount)")
    }
    guard samples >= clientCount * minimumPerClient else {
        throw PartitionError(
            partitioner: partitioner,
            problem: "\(samples) samples cannot give \(clientCount) clients \(minimumPerClient) or more each")
    }
}
