// SPDX-License-Identifier: GPL-3.0-or-later
//
// x86-64-v4 (AVX-512 F/VL/BW/DQ): 16 lanes, 32 vector registers. Compiled for AVX-512 whatever the build's
// target; only called after CPU detection (Dispatch.c) finds it and the operating system saves its registers.

#if defined(__x86_64__)
#pragma STDC FP_CONTRACT OFF
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2"))), apply_to = function)

#include "X86V4Blocking.h"
#define TABLE tt_kernels_x86_64_v4
#include "KernelTemplate.h"

#pragma clang attribute pop
#endif
