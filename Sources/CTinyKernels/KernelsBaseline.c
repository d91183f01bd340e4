// SPDX-License-Identifier: GPL-3.0-or-later
//
// The portable level: whatever the target's baseline vector unit is (x86-64: SSE2; other CPUs: scalar or the
// compiler's generic lowering). Always available.

#pragma STDC FP_CONTRACT OFF

#define LANES 4
#define ROWS 4
#define VECS 2
#define DOT_A 2
#define DOT_B 4
#define DOT_ROW 4
#define TABLE tt_kernels_baseline
#include "KernelTemplate.h"
