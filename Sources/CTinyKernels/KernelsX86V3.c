// SPDX-License-Identifier: GPL-3.0-or-later
//
// x86-64-v3 (AVX2): 8 lanes, 16 vector registers. Compiled for AVX2 whatever the build's target; only called
// after CPU detection (Dispatch.c) finds AVX2 and the operating system saves its registers.

#if defined(__x86_64__)
#pragma STDC FP_CONTRACT OFF
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

#define LANES 8
#define ROWS 6
#define VECS 2
#define DOT_A 2
#define DOT_B 4
#define DOT_ROW 6
#define TABLE tt_kernels_x86_64_v3
#include "KernelTemplate.h"

#pragma clang attribute pop
#endif
