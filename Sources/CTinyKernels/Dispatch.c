// SPDX-License-Identifier: GPL-3.0-or-later
//
// CPU feature detection: which levels this CPU and operating system can run. A level needs both the CPU's
// feature bits (CPUID) and the operating system's promise to save the registers across context switches (XCR0
// via XGETBV, as the Intel SDM's "Detection of AVX / AVX-512" procedures require).

#include "CTinyKernels.h"

#include <stddef.h>

extern const tt_kernel_table tt_kernels_baseline;

#if defined(__x86_64__)
#include <cpuid.h>

extern const tt_kernel_table tt_kernels_x86_64_v3;
extern const tt_kernel_table tt_kernels_x86_64_v4;
extern const tt_kernel_table tt_kernels_x86_64_v4_fused;

// CPUID leaf 1 ECX bits (Intel SDM vol. 2A, table 3-10).
#define LEAF1_ECX_FMA (1u << 12)
#define LEAF1_ECX_OSXSAVE (1u << 27)
#define LEAF1_ECX_AVX (1u << 28)
// CPUID leaf 7 sub-leaf 0 EBX bits (Intel SDM vol. 2A, table 3-8).
#define LEAF7_EBX_AVX2 (1u << 5)
#define LEAF7_EBX_BMI1 (1u << 3)
#define LEAF7_EBX_BMI2 (1u << 8)
#define LEAF7_EBX_AVX512F (1u << 16)
#define LEAF7_EBX_AVX512DQ (1u << 17)
#define LEAF7_EBX_AVX512CD (1u << 28)
#define LEAF7_EBX_AVX512BW (1u << 30)
#define LEAF7_EBX_AVX512VL (1u << 31)
// XCR0 state components: SSE and AVX (bits 1, 2); AVX-512 opmask, upper ZMM0-15, ZMM16-31 (bits 5, 6, 7).
#define XCR0_AVX 0x6u
#define XCR0_AVX512 0xE6u

static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static int detect_level(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return TT_LEVEL_BASELINE;
    unsigned int leaf1 = ecx;
    if (!(leaf1 & LEAF1_ECX_OSXSAVE) || !(leaf1 & LEAF1_ECX_AVX) || !(leaf1 & LEAF1_ECX_FMA)) return TT_LEVEL_BASELINE;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return TT_LEVEL_BASELINE;
    unsigned int leaf7 = ebx;
    unsigned long long xcr0 = read_xcr0();
    unsigned int v3 = LEAF7_EBX_AVX2 | LEAF7_EBX_BMI1 | LEAF7_EBX_BMI2;
    if ((leaf7 & v3) != v3 || (xcr0 & XCR0_AVX) != XCR0_AVX) return TT_LEVEL_BASELINE;
    unsigned int v4 = LEAF7_EBX_AVX512F | LEAF7_EBX_AVX512DQ | LEAF7_EBX_AVX512CD | LEAF7_EBX_AVX512BW |
                      LEAF7_EBX_AVX512VL;
    if ((leaf7 & v4) != v4 || (xcr0 & XCR0_AVX512) != XCR0_AVX512) return TT_LEVEL_X86_64_V3;
    return TT_LEVEL_X86_64_V4;
}
#elif defined(__aarch64__)
extern const tt_kernel_table tt_kernels_neon;

static int detect_level(void) { return TT_LEVEL_NEON; }
#else
static int detect_level(void) { return TT_LEVEL_BASELINE; }
#endif

int tt_best_level(void) {
    // Detection is cheap and its answer never changes, so racing first calls just compute it twice.
    static volatile int cached = -1;
    if (cached < 0) cached = detect_level();
    return cached;
}

const tt_kernel_table *tt_kernel_table_for(int level) {
    int best = tt_best_level();
    switch (level) {
    case TT_LEVEL_BASELINE:
        return &tt_kernels_baseline;
#if defined(__x86_64__)
    case TT_LEVEL_X86_64_V3:
        return best >= TT_LEVEL_X86_64_V3 ? &tt_kernels_x86_64_v3 : NULL;
    case TT_LEVEL_X86_64_V4:
        return best >= TT_LEVEL_X86_64_V4 ? &tt_kernels_x86_64_v4 : NULL;
#elif defined(__aarch64__)
    case TT_LEVEL_NEON:
        return &tt_kernels_neon;
#endif
    default:
        return NULL;
    }
}

const tt_kernel_table *tt_fused_kernel_table(void) {
#if defined(__x86_64__)
    return tt_best_level() >= TT_LEVEL_X86_64_V4 ? &tt_kernels_x86_64_v4_fused : NULL;
#else
    return NULL;
#endif
}
