// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import Testing

@testable import Datasets

struct PartitionTests {
    /// 10 classes × 600 samples, labels interleaved (sample i has label i % 10).
    static let labels: [Int32] = (0..<6_000).map { Int32($0 % 10) }

    static func stream(_ seed: UInt64 = 1) -> RandomStream {
        RandomStream(StreamKey(masterSeed: seed, entity: 0, purpose: "partition"))
    }

    /// Each partitioner under test, by name.
    static let partitioners: [(String, any Partitioner)] = [
        ("iid", IIDPartitioner()),
        ("dirichlet 0.5", DirichletPartitioner(alpha: 0.5)),
        ("dirichlet 1e-4", DirichletPartitioner(alpha: 1e-4)),
        ("dirichlet 1e4", DirichletPartitioner(alpha: 1e4)),
        (
            "dirichlet 0.5 skewed",
            DirichletPartitioner(alpha: 0.5, sizes: .drawn(.logNormal(mu: 0, sigma: 1), minimum: 5))
        ),
        ("shards 2", ShardPartitioner(shardsPerClient: 2)),
        ("quantity skew", QuantitySkewPartitioner(sizes: .logNormal(mu: 0, sigma: 1.5), minimumPerClient: 3)),
    ]

    static let names = partitioners.map(\.0)

    static func partitioner(_ name: String) -> any Partitioner {
        partitioners.first { $0.0 == name }!.1
    }

    static func split(_ name: String, clients: Int = 20, seed: UInt64 = 1) throws -> Partition {
        try partitioner(name).partition(labels: labels, classCount: 10, clientCount: clients, stream: stream(seed))
    }

    @Test(arguments: names)
    func everySampleGoesToExactlyOneClient(name: String) throws {
        let partition = try Self.split(name)
        #expect(partition.clientCount == 20)
        #expect(partition.clients.joined().sorted() == Array(0..<Self.labels.count))
        #expect(partition.clients.allSatisfy { $0 == $0.sorted() })
        #expect(partition.clients.allSatisfy { !$0.isEmpty })
    }

    @Test(arguments: names)
    func theSameSeedGivesTheSamePartitionAndAnotherSeedAnother(name: String) throws {
        #expect(try Self.split(name, seed: 3) == Self.split(name, seed: 3))
        #expect(try Self.split(name, seed: 3) != Self.split(name, seed: 4))
    }

    @Test func equalSizesDifferByAtMostOne() throws {
        let partition = try IIDPartitioner().partition(
            labels: Self.labels, classCount: 10, clientCount: 7, stream: Self.stream())
        #expect(partition.sizes == [858, 857, 857, 857, 857, 857, 857])
    }

    @Test func iidClientsFollowTheOverallLabelMix() throws {
        let partition = try Self.split("iid", clients: 10)
        let report = partition.report(labels: Self.labels, classCount: 10)
        // 600 draws without replacement per client; each label's share is 0.1 ± 0.012 (one sd), so ±0.06 is 5 sd.
        for row in report.counts {
            #expect(row.allSatisfy { abs(Double($0) / 600 - 0.1) < 0.06 })
        }
    }

    /// Share of a client's samples carrying its most common label.
    static func purity(_ counts: [Int]) -> Double {
        Double(counts.max() ?? 0) / Double(max(counts.reduce(0, +), 1))
    }

    @Test func dirichletWithAlphaNearZeroGivesSingleLabelClients() throws {
        let partition = try DirichletPartitioner(alpha: 1e-3).partition(
            labels: Self.labels, classCount: 10, clientCount: 10, stream: Self.stream())
        let report = partition.report(labels: Self.labels, classCount: 10)
        let purities = report.counts.map(Self.purity)
        #expect(purities.reduce(0, +) / 10 > 0.95, "\(purities)")
    }

    @Test func dirichletWithHugeAlphaGivesTheUniformLabelMix() throws {
        let partition = try DirichletPartitioner(alpha: 1e4).partition(
            labels: Self.labels, classCount: 10, clientCount: 10, stream: Self.stream())
        let report = partition.report(labels: Self.labels, classCount: 10)
        for row in report.counts {
            #expect(row.allSatisfy { abs(Double($0) / 600 - 0.1) < 0.06 }, "\(row)")
        }
    }

    /// Squared distance of a client's label counts from an even split of its samples.
    static func skew(_ counts: [Int]) -> Double {
        let even = Double(counts.reduce(0, +)) / Double(counts.count)
        return counts.reduce(0.0) { $0 + (Double($1) - even) * (Double($1) - even) }
    }

    /// With α = 100 a client's label shares vary by about √(0.09 / 101) ≈ 0.03; if later clients inherited
    /// the earlier deviations, the last client's skew would be some fifty times the average. Centring each
    /// draw on what is left keeps it near the average (about 1.6 times in expectation; 4 is far in the tail).
    @Test func theLastClientsAreNoMoreSkewedThanTheRest() throws {
        for seed: UInt64 in 1...3 {
            let counts = try DirichletPartitioner(alpha: 100).partition(
                labels: Self.labels, classCount: 10, clientCount: 50, stream: Self.stream(seed)
            ).report(labels: Self.labels, classCount: 10).counts
            let skews = counts.map(Self.skew)
            let average = skews.reduce(0, +) / Double(skews.count)
            #expect(skews.suffix(2).allSatisfy { $0 < 4 * average }, "seed \(seed): \(counts.suffix(2)), \(average)")
        }
    }

    @Test func smallerAlphaMeansPurerClients() throws {
        func meanPurity(_ alpha: Double) throws -> Double {
            let counts = try DirichletPartitioner(alpha: alpha).partition(
                labels: Self.labels, classCount: 10, clientCount: 30, stream: Self.stream()
            ).report(labels: Self.labels, classCount: 10).counts
            return counts.map(Self.purity).reduce(0, +) / Double(counts.count)
        }
        let purities = try [0.05, 0.5, 5, 50].map(meanPurity)
        #expect(purities == purities.sorted(by: >), "\(purities)")
    }

    @Test func shardsGiveEachClientAtMostItsShardCountOfLabels() throws {
        // 6 000 samples / (30 clients × 2 shards) = shards of 100, which divide each label's 600 exactly.
        let partition = try ShardPartitioner(shardsPerClient: 2).partition(
            labels: Self.labels, classCount: 10, clientCount: 30, stream: Self.stream())
        let report = partition.report(labels: Self.labels, classCount: 10)
        #expect(partition.sizes.allSatisfy { $0 == 200 })
        #expect(report.counts.allSatisfy { $0.filter { $0 > 0 }.count <= 2 })
        #expect(report.counts.allSatisfy { $0.allSatisfy { $0 % 100 == 0 } })
    }

    @Test func quantitySkewRespectsTheMinimumAndSpreadsSizes() throws {
        let partition = try QuantitySkewPartitioner(sizes: .logNormal(mu: 0, sigma: 1.5), minimumPerClient: 25)
            .partition(labels: Self.labels, classCount: 10, clientCount: 50, stream: Self.stream())
        let sizes = partition.sizes
        #expect(sizes.reduce(0, +) == 6_000)
        #expect(sizes.allSatisfy { $0 >= 25 })
        #expect(sizes.max()! > 4 * sizes.min()!, "\(sizes)")
    }

    @Test func constantWeightsGiveEqualSizes() throws {
        let skew = try QuantitySkewPartitioner(sizes: .constant(2)).partition(
            labels: Self.labels, classCount: 10, clientCount: 7, stream: Self.stream())
        #expect(skew.sizes == [858, 857, 857, 857, 857, 857, 857])
    }

    @Test func allZeroSizeWeightsAreAnError() {
        let error = #expect(throws: PartitionError.self) {
            try QuantitySkewPartitioner(sizes: .constant(0)).partition(
                labels: Self.labels, classCount: 10, clientCount: 3, stream: Self.stream())
        }
        #expect(error?.problem.contains("every weight drawn from constant was 0") == true)
    }

    @Test func aDatasetPartitionsByItsOwnLabels() throws {
        let dataset = try EmbeddedDataset.load(.test)
        let partition = try dataset.partition(
            using: ShardPartitioner(shardsPerClient: 1), clientCount: 10, stream: Self.stream())
        // 1 000 samples sorted by label into 10 shards of 100: one whole class per client.
        let counts = partition.report(labels: dataset.labels, classCount: dataset.classCount).counts
        #expect(counts.allSatisfy { $0.sorted() == [0, 0, 0, 0, 0, 0, 0, 0, 0, 100] })
        #expect(Set(counts.map { $0.firstIndex(of: 100) }).count == 10)
    }

    @Test func largestRemainderKeepsTheTotal() {
        #expect(largestRemainder([1.5, 1.5, 1.0], total: 4) == [2, 1, 1])
        #expect(largestRemainder([0.2, 0.7, 2.1], total: 3) == [0, 1, 2])
    }

    @Test func impossibleRequestsAreErrors() {
        let labels: [Int32] = [0, 1, 0]
        let stream = Self.stream()
        #expect(throws: PartitionError.self) {
            try IIDPartitioner().partition(labels: labels, classCount: 2, clientCount: 4, stream: stream)
        }
        #expect(throws: PartitionError.self) {
            try IIDPartitioner().partition(labels: labels, classCount: 2, clientCount: 0, stream: stream)
        }
        #expect(throws: PartitionError.self) {
            try DirichletPartitioner(alpha: 0).partition(labels: labels, classCount: 2, clientCount: 1, stream: stream)
        }
        #expect(throws: PartitionError.self) {
            try ShardPartitioner(shardsPerClient: 2).partition(
                labels: labels, classCount: 2, clientCount: 2, stream: stream)
        }
        let error = #expect(throws: PartitionError.self) {
            try QuantitySkewPartitioner(sizes: .exponential(mean: -1)).partition(
                labels: labels, classCount: 2, clientCount: 1, stream: stream)
        }
        #expect(error?.partitioner == "quantity-skew")
    }
}
