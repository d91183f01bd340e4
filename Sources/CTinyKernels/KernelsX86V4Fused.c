// SPDX-License-Identifier: GPL-3.0-or-later
//
// The x86-64-v4 kernels with fused multiply-adds (one rounding per step instead of two): the same code and
// order, contracted. Its results differ from every other level's in the last bits, so the engine never selects
// it; benchmarks use it to measure what bit-identity across levels costs.

#if defined(__x86_64__)
#pragma STDC FP_CONTRACT ON
#pragma clang fp contract(fast)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))), \
                             apply_to = function)

#include "X86V4Blocking.h"
#define TABLE tt_kernels_x86_64_v4_fused
#include "KernelTemplate.h"

#pragma clang attribute pop
#endif
