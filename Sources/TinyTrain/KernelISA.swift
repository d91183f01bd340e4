// SPDX-License-Identifier: GPL-3.0-or-later

import CTinyKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The instruction-set level of the float32 matrix-product kernels.
///
/// The kernels are compiled once per level and the highest level the CPU (and operating system) supports is
/// chosen at start-up, so the default build uses the vector units the machine has and never executes an
/// instruction it lacks. Every level computes every output element with the same multiplications and additions
/// in the same order (no fused multiply-add; products vectorised across independent outputs; dot products in 8
/// logical lanes), so all levels give bit-identical results: the level changes speed, never the bytes.
public enum KernelISA: String, CaseIterable, Sendable {
    /// Portable kernels for the build's baseline target (x86-64: SSE2, 4 lanes).
    case baseline
    /// x86-64-v3: AVX2, 8 lanes.
    case x86_64_v3 = "x86-64-v3"
    /// x86-64-v4: AVX-512 F/CD/BW/DQ/VL, 16 lanes.
    case x86_64_v4 = "x86-64-v4"
    /// AArch64 Advanced SIMD.
    case neon

    /// The environment variable that forces a level (e.g. `FTTE_SIM_KERNELS=baseline`): honoured when this
    /// CPU supports the named level, ignored otherwise (the best supported level then applies).
    public static let environmentVariable = "FTTE_SIM_KERNELS"

    /// The level the engine uses: the one named by ``environmentVariable`` when this CPU supports it, otherwise
    /// the highest level this CPU supports. Decided once per process.
    public static let selected: KernelISA = {
        if let forced = getenv(environmentVariable).map({ String(cString: $0) }),
            let level = KernelISA(rawValue: forced), level.isSupported
        {
            return level
        }
        return best
    }()

    /// The highest level this CPU and build support.
    public static var best: KernelISA { KernelISA(level: tt_best_level()) }

    /// The levels this CPU and build support, lowest first.
    public static var supported: [KernelISA] { allCases.filter(\.isSupported) }

    /// Whether this CPU and build can run the level.
    public var isSupported: Bool { tt_kernel_table_for(level) != nil }

    var level: Int32 {
        switch self {
        case .baseline: Int32(TT_LEVEL_BASELINE)
        case .x86_64_v3: Int32(TT_LEVEL_X86_64_V3)
        case .x86_64_v4: Int32(TT_LEVEL_X86_64_V4)
        case .neon: Int32(TT_LEVEL_NEON)
        }
    }

    init(level: Int32) {
        self = Self.allCases.first { $0.level == level } ?? .baseline
    }

    /// The level's kernels, or `nil` when this CPU or build lacks it.
    var kernels: KernelTable? { tt_kernel_table_for(level).map(KernelTable.init) }
}

/// The float32 kernels of one level (a table of C function pointers that lives as long as the process).
struct KernelTable: @unchecked Sendable {
    let functions: UnsafePointer<tt_kernel_table>
}
