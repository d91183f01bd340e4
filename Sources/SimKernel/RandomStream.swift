// SPDX-License-Identifier: GPL-3.0-or-later

import CGSL

/// A named, independent source of random numbers backed by GSL's MT19937 generator.
///
/// Make one per (entity, purpose) from a ``StreamKey``; never share one between entities. The
/// generator's full 624-word state is filled from the key's 64-bit seed by iterating SplitMix64 (two
/// 32-bit words per step), so distinct keys do not collide the way 32-bit `gsl_rng_set` seeds would
/// after about 65 000 streams (birthday bound). The sequence is a pure function of the key.
///
/// A stream is a reference type (it owns the C generator) and is not thread-safe: one owner at a
/// time. Pass it to another task with `sending`, or derive a separate stream for that task.
///
/// It conforms to `RandomNumberGenerator`, so lower layers that must not depend on this module
/// (weight initialisation, shuffling) can take `inout some RandomNumberGenerator`.
public final class RandomStream: RandomNumberGenerator {
    /// The key this stream was made from (`nil` for a stream made from a bare seed).
    public let key: StreamKey?
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>

    /// MT19937's word count in GSL's `mt_state_t { unsigned long mt[624]; int mti; }` (gsl/rng/mt.c).
    private static let mtWords = 624

    /// Creates the stream named by `key`.
    public convenience init(_ key: StreamKey) {
        self.init(seed: key.seed, key: key)
    }

    /// Creates a stream from a bare 64-bit seed (for tools and tests; simulations use ``init(_:)``).
    public convenience init(seed: UInt64) {
        self.init(seed: seed, key: nil)
    }

    private init(seed: UInt64, key: StreamKey?) {
        GSL.configure()
        guard let rng = gsl_rng_alloc(ftte_gsl_rng_mt19937()) else {
            fatalError("GSL could not allocate an MT19937 generator (out of memory)")
        }
        self.rng = rng
        self.key = key
        Self.fillState(rng, seed: seed)
    }

    deinit { gsl_rng_free(self.rng) }

    private static func fillState(_ rng: UnsafeMutablePointer<gsl_rng>, seed: UInt64) {
        let wordSize = MemoryLayout<CUnsignedLong>.stride
        let expected = (mtWords * wordSize + MemoryLayout<CInt>.size + wordSize - 1) / wordSize * wordSize
        precondition(
            gsl_rng_size(rng) == expected,
            "GSL's MT19937 state is \(gsl_rng_size(rng)) bytes, expected \(expected); this GSL build is not supported")
        let state = gsl_rng_state(rng)!
        let words = state.bindMemory(to: CUnsignedLong.self, capacity: mtWords)
        var z = seed
        var index = 0
        while index < mtWords {
            z = splitMix64(z)
            words[index] = CUnsignedLong(z & 0xffff_ffff)
            words[index + 1] = CUnsignedLong(z >> 32)
            index += 2
        }
        // An all-zero state would make MT19937 emit only zeros; SplitMix64 never yields 312 zeros in a row,
        // but keep the guarantee explicit (the top bit of word 0 is the only one MT19937 uses from it).
        words[0] |= 0x8000_0000
        let mti = (state + mtWords * wordSize).bindMemory(to: CInt.self, capacity: 1)
        mti.pointee = CInt(mtWords)  // forces a full regeneration before the first draw, as gsl_rng_set does
    }

    /// 64 random bits (two 32-bit MT19937 outputs, high word first).
    @inlinable
    public func next() -> UInt64 {
        let high = UInt64(gsl_rng_get(self.rng))
        let low = UInt64(gsl_rng_get(self.rng))
        return (high << 32) | low
    }

    /// A uniform double in [0, 1) (`gsl_rng_uniform`, 32 bits of resolution).
    @inlinable
    public func uniform() -> Double { gsl_rng_uniform(self.rng) }

    /// A uniform double in (0, 1), never 0 (`gsl_rng_uniform_pos`).
    @inlinable
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(self.rng) }

    /// A uniform integer in `0..<upperBound` without modulo bias (`gsl_rng_uniform_int`).
    ///
    /// - Precondition: `0 < upperBound <= 2^32`.
    @inlinable
    public func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0 && upperBound <= 1 << 32, "integer(below:) needs 0 < n <= 2^32, got \(upperBound)")
        return Int(gsl_rng_uniform_int(self.rng, CUnsignedLong(upperBound)))
    }

    /// Shuffles `array` in place (Fisher–Yates with ``integer(below:)``; same result as `gsl_ran_shuffle`
    /// would give for the same draws).
    @inlinable
    public func shuffle<T>(_ array: inout [T]) {
        var index = array.count - 1
        while index > 0 {
            let other = self.integer(below: index + 1)
            array.swapAt(index, other)
            index -= 1
        }
    }
}
