// SPDX-License-Identifier: GPL-3.0-or-later
//
// Float32 matrix-product kernels of the tiny training engine, compiled once per instruction-set level and
// chosen at start-up by CPU feature detection (never an instruction the CPU lacks). Every level computes every
// output element with the same operations in the same order — separate multiply and add roundings (built with
// -ffp-contract=off, no fused multiply-add), each sum in the fixed logical order stated per function — so all
// levels give bit-identical results; only the vector width and register blocking differ.

#ifndef CTINYKERNELS_H
#define CTINYKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels, lowest first.
enum {
    TT_LEVEL_BASELINE = 0,  ///< Portable C (x86-64: SSE2, 4 lanes).
    TT_LEVEL_X86_64_V3 = 1, ///< AVX2 (8 lanes, 16 registers).
    TT_LEVEL_X86_64_V4 = 2, ///< AVX-512 F/VL/BW/DQ (16 lanes, 32 registers).
    TT_LEVEL_NEON = 3,      ///< AArch64 Advanced SIMD (4 lanes, 32 registers).
};

/// A convolution's geometry, for the lowering kernels (counts in elements).
typedef struct tt_conv_geometry {
    long inHeight, inWidth, outHeight, outWidth, kernel, stride, padding;
} tt_conv_geometry;

/// The kernels of one level. Pointers are to float32; counts and strides are in elements.
typedef struct tt_kernel_table {
    /// `y[m·ys + j] += Σ_{r<depth} rows[m][firstRow + r] · c[r·cs + j]` for `m < outputs`, `j < count`; each sum
    /// starts at 0 and runs in increasing `r`, then is added to `y`.
    void (*product_accumulate)(const float *const *rows, long outputs, long firstRow, long depth, const float *c,
                               long cs, long count, float *y, long ys);
    /// `d[r·ds + j] (+)= Σ_{m<outputs} rows[m][firstRow + r] · dy[m·ys + j]` for `r < depth`, `j < count`; each
    /// sum starts at 0 and runs in increasing `m`, then is stored (`accumulate` 0) or added (`accumulate` 1).
    void (*transposed_product)(const float *const *rows, long outputs, long firstRow, long depth, const float *dy,
                               long ys, long count, float *d, long ds, int accumulate);
    /// For each `j` of `members[0..<memberCount]` and `r < depth`:
    /// `dW[j·dWs + r] += dot8(dy + trainableRows[j]·dys, c + r·cs, count)` (see `tt_dot8` order below).
    void (*weight_product)(const long *members, long memberCount, const long *trainableRows, const float *dy,
                           long dys, float *dW, long dWs, const float *c, long cs, long depth, long count);
    /// `dW[j·dWs + r] += Σ_{p<count} dy[trainableRows[j]·dys + p] · c[p·depth + r]` for each `j` of
    /// `members[0..<memberCount]` and `r < depth`, over an unrolled block stored transposed (position-major); each
    /// sum starts at 0 and runs in increasing `p`, then is added to `dW`.
    void (*weight_product_transposed)(const long *members, long memberCount, const long *trainableRows,
                                      const float *dy, long dys, float *dW, long dWs, const float *c, long depth,
                                      long count);
    /// `y[n·outF + o] = dot8(rows[o], x + n·inF, inF) + (bias ? bias[o] : 0)`.
    void (*linear_forward)(long batch, long inF, long outF, const float *x, const float *const *rows,
                           const float *bias, float *y);
    /// `dx[n·inF + i] = (…((dx + dy[n,0]·rows[0][i]) + dy[n,1]·rows[1][i]) … )` over `o < outF` in order.
    void (*linear_backward_input)(long batch, long inF, long outF, const float *dy, const float *const *rows,
                                  float *dx);
    /// For each trainable row `j` (output `o = trainableRows[j]`) whose gradient is non-zero on some sample:
    /// `dW[j·inF + i] = (…((dW + dy[0,o]·x[0,i]) + dy[1,o]·x[1,i]) … )` over `n < batch` in order.
    void (*linear_backward_weights)(long batch, long inF, long outF, const float *dy, const float *x,
                                    const long *trainableRows, long trainableCount, float *dW);
    /// Copies unrolled-input rows `firstRow..<firstRow+rowCount` (row `r` reads input channel `r / kernel²` of
    /// `planes`, one input plane apart) for output positions `firstPosition..<firstPosition+count` into
    /// `columns[r·stride + i]`, zero where the tap falls in the padding.
    void (*unroll)(const tt_conv_geometry *g, const float *planes, long firstRow, long rowCount, long firstPosition,
                   long count, float *columns, long stride);
    /// The same copy, position-major: `columns[i·rowCount + r]`.
    void (*unroll_transposed)(const tt_conv_geometry *g, const float *planes, long firstRow, long rowCount,
                              long firstPosition, long count, float *columns);
    /// The transpose of `unroll`: adds `columns[r·stride + i]` to the input-gradient element it was copied from,
    /// row by row in increasing `r`, positions in increasing `i`.
    void (*fold_back)(const tt_conv_geometry *g, const float *columns, long stride, float *planes, long firstRow,
                      long rowCount, long firstPosition, long count);
    /// 2×2, stride-2 max pooling of `planes` planes of `inHeight × inWidth` into `outHeight × outWidth`: the first
    /// maximum in row-major window order wins (a later value wins only when greater); its window index goes to
    /// `argmax` when that is not NULL.
    void (*max_pool_2x2)(long planes, long inHeight, long inWidth, long outHeight, long outWidth, const float *x,
                         float *y, unsigned char *argmax);
    /// Zeroes `gradient[i]` where bit `i` of `mask` (8 values per byte, bit `i mod 8` of byte `i / 8`) is clear.
    void (*apply_mask)(float *gradient, long count, const unsigned char *mask);
} tt_kernel_table;

// dot8(a, b, n): element t < n&~7 goes to lane t mod 8 of an 8-lane sum (increasing t, product then add); the
// lanes are then added in order 0…7 starting from -0; then the scalar tail t ≥ n&~7 in increasing t.

/// The kernels of `level`, or NULL when this build or this CPU (and operating system) lacks it.
const tt_kernel_table *tt_kernel_table_for(int level);

/// The highest level this CPU supports in this build.
int tt_best_level(void);

/// The kernels of the fused-multiply-add variant of the highest x86 level, for benchmarks that measure what
/// byte-identity costs; NULL when the CPU lacks AVX-512 or FMA. Its results differ from the other tables'.
const tt_kernel_table *tt_fused_kernel_table(void);

#ifdef __cplusplus
}
#endif

#endif
