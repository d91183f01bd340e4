// SPDX-License-Identifier: GPL-3.0-or-later

/// The identity of one random stream: (master seed, replication, entity, purpose).
///
/// Every random draw in a simulation comes from a stream named by such a key, so a device's draws
/// depend only on its own key: adding device 8 never changes device 7's numbers, and the "link-loss"
/// stream of a device is independent of its "battery" stream.
///
/// ## Derivation (stable; changing it changes every published result)
/// 1. `purposeHash` = 64-bit FNV-1a of the purpose's UTF-8 bytes
///    (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
/// 2. `h = mix(masterSeed)`, then `h = mix(h ^ replication)`, `h = mix(h ^ entity)`,
///    `h = mix(h ^ purposeHash)`, where `mix` is the SplitMix64 finaliser
///    (Steele, Lea & Flood, OOPSLA 2014): `z += 0x9e3779b97f4a7c15;
///    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9; z = (z ^ (z >> 27)) * 0x94d049bb133111eb; z ^ (z >> 31)`.
/// 3. ``seed`` = `h`, a 64-bit value that seeds the stream's generator (see ``RandomStream``).
@frozen
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    /// The experiment's master seed.
    public var masterSeed: UInt64
    /// The replication index (0, 1, 2, …) of a repeated run.
    public var replication: UInt64
    /// The entity the stream belongs to: a device id, or a reserved id for the server or the world.
    public var entity: UInt64
    /// What the draws are for ("shuffle", "link-loss", "availability", …).
    public var purpose: String

    /// Creates a key.
    public init(masterSeed: UInt64, replication: UInt64 = 0, entity: UInt64, purpose: String) {
        self.masterSeed = masterSeed
        self.replication = replication
        self.entity = entity
        self.purpose = purpose
    }

    /// The 64-bit seed derived from the key, as documented on the type.
    public var seed: UInt64 {
        var h = splitMix64(self.masterSeed)
        h = splitMix64(h ^ self.replication)
        h = splitMix64(h ^ self.entity)
        h = splitMix64(h ^ fnv1a64(self.purpose))
        return h
    }

    public var description: String {
        "stream(seed \(self.masterSeed), replication \(self.replication), entity \(self.entity), \"\(self.purpose)\")"
    }
}

/// The SplitMix64 output function: a bijective 64-bit mixer with full avalanche.
@inlinable
public func splitMix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
}

/// SplitMix64 as a `RandomNumberGenerator`: the state advances by the golden-ratio increment and each
/// output is ``splitMix64(_:)`` of the previous state, so the first output for seed s is `splitMix64(s)`.
///
/// Small, fast and seedable, for tools and tests that need plain deterministic bits; simulations draw from
/// ``RandomStream``s instead.
@frozen
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state.
    public var state: UInt64

    /// Creates the generator with `seed` as its state.
    @inlinable
    public init(seed: UInt64) { self.state = seed }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        defer { self.state &+= 0x9e37_79b9_7f4a_7c15 }
        return splitMix64(self.state)
    }
}

/// 64-bit FNV-1a of a string's UTF-8 bytes.
@inlinable
public func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return hash
}
