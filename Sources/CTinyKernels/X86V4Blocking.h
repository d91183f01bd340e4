// SPDX-License-Identifier: GPL-3.0-or-later
//
// Register blocking of the x86-64-v4 kernels (and of their fused variant, which must block the same way).
#define LANES 16
#define ROWS 6
#define VECS 4
#define DOT_A 4
#define DOT_B 4
#define DOT_ROW 8
