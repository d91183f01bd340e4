// SPDX-License-Identifier: GPL-3.0-or-later
//
// AArch64 Advanced SIMD: 4 lanes, 32 vector registers (always present on AArch64).

#if defined(__aarch64__)
#pragma STDC FP_CONTRACT OFF

#define LANES 4
#define ROWS 6
#define VECS 4
#define DOT_A 4
#define DOT_B 4
#define DOT_ROW 8
#define TABLE tt_kernels_neon
#include "KernelTemplate.h"
#endif
