// SPDX-License-Identifier: GPL-3.0-or-later
// OpenBLAS's CBLAS interface (Debian: libopenblas-dev), for the GEMM benchmark only.
#include <cblas.h>
