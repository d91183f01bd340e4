// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import Testing

struct RandomStreamTests {
    func key(_ entity: UInt64, _ purpose: String = "shuffle", seed: UInt64 = 42, replication: UInt64 = 0) -> StreamKey {
        StreamKey(masterSeed: seed, replication: replication, entity: entity, purpose: purpose)
    }

    func draws(_ stream: RandomStream, _ count: Int = 1_000) -> [UInt64] {
        (0..<count).map { _ in stream.next() }
    }

    /// SplitMix64 reference outputs from Vigna's splitmix64.c seeded with 1234567 (the first output is
    /// the mixer applied to the seed; each later one to the seed plus k golden-ratio increments).
    @Test func splitMixMatchesTheReferenceImplementation() {
        #expect(splitMix64(1_234_567) == 6_457_827_717_110_365_317)
        #expect(splitMix64(1_234_567 &+ 0x9e37_79b9_7f4a_7c15) == 3_203_168_211_198_807_973)
    }

    /// FNV-1a 64-bit test vectors from the FNV reference (Fowler, Noll, Vo).
    @Test(arguments: [
        ("", UInt64(0xcbf2_9ce4_8422_2325)), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8),
    ])
    func fnvMatchesPublishedVectors(text: String, hash: UInt64) {
        #expect(fnv1a64(text) == hash)
    }

    @Test func theSameKeyGivesTheSameSequence() {
        #expect(draws(RandomStream(key(7))) == draws(RandomStream(key(7))))
        #expect(draws(RandomStream(seed: 5)) == draws(RandomStream(seed: 5)))
    }

    @Test func addingAnEntityDoesNotChangeAnotherEntitysDraws() {
        let alone = draws(RandomStream(key(7)))
        // A world with entity 8 too, whose draws interleave with entity 7's.
        let seven = RandomStream(key(7))
        let eight = RandomStream(key(8))
        var interleaved: [UInt64] = []
        for _ in 0..<1_000 {
            interleaved.append(seven.next())
            _ = eight.next()
        }
        #expect(interleaved == alone)
    }

    @Test func everyKeyComponentChangesTheStream() {
        let base = draws(RandomStream(key(7)), 4)
        #expect(draws(RandomStream(key(8)), 4) != base)
        #expect(draws(RandomStream(key(7, "link-loss")), 4) != base)
        #expect(draws(RandomStream(key(7, seed: 43)), 4) != base)
        #expect(draws(RandomStream(key(7, replication: 1)), 4) != base)
    }

    /// Independence of purposes: uniforms from two purposes of one entity are uncorrelated. With n = 100 000
    /// the sample correlation of independent streams has standard deviation 1/√n ≈ 0.0032.
    @Test func differentPurposesGiveUncorrelatedStreams() {
        let a = RandomStream(key(3, "availability"))
        let b = RandomStream(key(3, "battery"))
        let n = 100_000
        let x = (0..<n).map { _ in a.uniform() }
        let y = (0..<n).map { _ in b.uniform() }
        let mx = Statistics.mean(x)
        let my = Statistics.mean(y)
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for i in 0..<n {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        let correlation = sxy / (sxx * syy).squareRoot()
        #expect(abs(correlation) < 5 / Double(n).squareRoot())
    }

    /// 20 000 streams seeded from consecutive entities: no two start with the same 64-bit draw (a 32-bit
    /// seed would already show birthday collisions with probability ≈ 5 % here).
    @Test func manyStreamsDoNotCollide() {
        var firsts = Set<UInt64>()
        for entity in 0..<20_000 as Range<UInt64> { firsts.insert(RandomStream(key(entity)).next()) }
        #expect(firsts.count == 20_000)
    }

    @Test func integersAreUniformOverTheirRangeAndShuffleIsAPermutation() {
        let stream = RandomStream(seed: 11)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { counts[stream.integer(below: 10)] += 1 }
        // Chi-square with 9 degrees of freedom; 27.88 is the 0.999 quantile.
        let chiSquare = counts.reduce(0.0) { $0 + pow2(Double($1) - 10_000) / 10_000 }
        #expect(chiSquare < 27.88)
        var items = Array(0..<50)
        stream.shuffle(&items)
        #expect(items.sorted() == Array(0..<50))
        #expect(items != Array(0..<50))
    }
}

func pow2(_ x: Double) -> Double { x * x }
