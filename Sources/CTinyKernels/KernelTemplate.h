// SPDX-License-Identifier: GPL-3.0-or-later
//
// The kernels, written once over GCC/Clang vector extensions and included by one file per instruction-set level.
// The including file defines:
//   LANES  lanes of the level's native vector (4, 8 or 16)
//   ROWS   rows of a product's register block (each row: one broadcast per step)
//   VECS   native vectors per row of a product's register block (columns: VECS · LANES)
//   DOT_A, DOT_B  register block of the dot products (DOT_A · DOT_B accumulators of 8 lanes)
//   TABLE  name of the exported tt_kernel_table
// and compiles it for its target. Products are vectorised across independent output elements (columns), so each
// element's sum runs in one fixed order whatever LANES is; dot products keep 8 logical lanes at every level.

#include "CTinyKernels.h"

typedef float vec __attribute__((vector_size(LANES * sizeof(float))));
typedef float vec8 __attribute__((vector_size(8 * sizeof(float))));
typedef float vec4 __attribute__((vector_size(4 * sizeof(float))));

// Loads, stores and broadcasts for any of the vector types (statement expressions, so that no vector is passed
// or returned by value: where a type exceeds the native width that would change the calling convention).
#define LOAD(T, p)                                                                                                 \
    ({                                                                                                             \
        T v_;                                                                                                      \
        __builtin_memcpy(&v_, (p), sizeof(T));                                                                     \
        v_;                                                                                                        \
    })
#define STORE(T, p, v)                                                                                             \
    do {                                                                                                           \
        T s_ = (v);                                                                                                \
        __builtin_memcpy((p), &s_, sizeof(T));                                                                     \
    } while (0)
#define SPLAT(T, x)                                                                                                \
    ({                                                                                                             \
        T v_;                                                                                                      \
        float x_ = (x);                                                                                            \
        for (int i_ = 0; i_ < (int)(sizeof(T) / sizeof(float)); i_++) v_[i_] = x_;                                 \
        v_;                                                                                                        \
    })

static inline long min_long(long a, long b) { return a < b ? a : b; }

// How a product's block meets its output: add the sum to it, store the sum, or start the sum from it.
enum { ADD_AFTER = 0, STORE_SUM = 1, START_FROM = 2 };

// An NR × (NV · lanes of T) block of C(a, j) over k < depth: C = Σ_k A(a, k) · B(k)[j], each step a product then
// an add, in increasing k. A(a, k) and B(k) are expressions of a and k; out[a] + j is row a's first column.
#define PRODUCT_BLOCK(NAME, NR, NV, T, A_ELEMENT, B_ROW, PARAMETERS)                                               \
    static inline __attribute__((always_inline)) void NAME(PARAMETERS(), long depth, float *const *out, long j,       \
                                                           int mode) {                                            \
        enum { L = sizeof(T) / sizeof(float) };                                                                    \
        T acc[NR][NV];                                                                                             \
        for (int a = 0; a < NR; a++)                                                                               \
            for (int v = 0; v < NV; v++)                                                                           \
                acc[a][v] = mode == START_FROM ? LOAD(T, out[a] + j + v * L) : SPLAT(T, 0.0f);                     \
        for (long k = 0; k < depth; k++) {                                                                         \
            const float *brow = (B_ROW);                                                                           \
            T b[NV];                                                                                               \
            for (int v = 0; v < NV; v++) b[v] = LOAD(T, brow + v * L);                                             \
            for (int a = 0; a < NR; a++) {                                                                         \
                T s = SPLAT(T, A_ELEMENT);                                                                         \
                for (int v = 0; v < NV; v++) acc[a][v] = acc[a][v] + s * b[v];                                     \
            }                                                                                                      \
        }                                                                                                          \
        for (int a = 0; a < NR; a++)                                                                               \
            for (int v = 0; v < NV; v++) {                                                                         \
                float *p = out[a] + j + v * L;                                                                     \
                STORE(T, p, mode == ADD_AFTER ? LOAD(T, p) + acc[a][v] : acc[a][v]);                               \
            }                                                                                                      \
    }

// The scalar column of the same block (column j), in the same order; the rows' sums advance together so that
// their additions overlap.
#define PRODUCT_COLUMN(NAME, NR, A_ELEMENT, B_ROW, PARAMETERS)                                                       \
    static inline __attribute__((always_inline)) void NAME(PARAMETERS(), long depth, float *const *out, long j,     \
                                                           int mode) {                                            \
        float sum[NR];                                                                                             \
        for (int a = 0; a < NR; a++) sum[a] = mode == START_FROM ? out[a][j] : 0.0f;                               \
        for (long k = 0; k < depth; k++) {                                                                         \
            float b = (B_ROW)[0];                                                                                  \
            for (int a = 0; a < NR; a++) sum[a] = sum[a] + (A_ELEMENT) * b;                                        \
        }                                                                                                          \
        for (int a = 0; a < NR; a++) out[a][j] = mode == ADD_AFTER ? out[a][j] + sum[a] : sum[a];                  \
    }

// Every block shape of one product for NR rows: wide (VECS native vectors), one native vector, 8 and 4 lanes
// (when narrower than native), one scalar column; and PREFIX##_columns, which covers columns 0..<count.
#define PRODUCT_ROWS(PREFIX, NR, A_ELEMENT, B_ROW, PARAMETERS, ARGUMENTS)                                           \
    PRODUCT_BLOCK(PREFIX##_wide, NR, VECS, vec, A_ELEMENT, B_ROW, PARAMETERS)                                      \
    PRODUCT_BLOCK(PREFIX##_one, NR, 1, vec, A_ELEMENT, B_ROW, PARAMETERS)                                          \
    PRODUCT_BLOCK(PREFIX##_eight, NR, 1, vec8, A_ELEMENT, B_ROW, PARAMETERS)                                       \
    PRODUCT_BLOCK(PREFIX##_four, NR, 1, vec4, A_ELEMENT, B_ROW, PARAMETERS)                                        \
    PRODUCT_COLUMN(PREFIX##_column, NR, A_ELEMENT, B_ROW, PARAMETERS)                                              \
    static inline __attribute__((always_inline)) void PREFIX##_columns(PARAMETERS(), long depth, float *const *out,   \
                                                                       long count, int mode) {                    \
        long j = 0;                                                                                                \
        for (; j + VECS * LANES <= count; j += VECS * LANES) PREFIX##_wide(ARGUMENTS(j), depth, out, j, mode);     \
        for (; j + LANES <= count; j += LANES) PREFIX##_one(ARGUMENTS(j), depth, out, j, mode);                    \
        if (LANES > 8 && j + 8 <= count) {                                                                         \
            PREFIX##_eight(ARGUMENTS(j), depth, out, j, mode);                                                     \
            j += 8;                                                                                                \
        }                                                                                                          \
        if (LANES > 4 && j + 4 <= count) {                                                                         \
            PREFIX##_four(ARGUMENTS(j), depth, out, j, mode);                                                      \
            j += 4;                                                                                                \
        }                                                                                                          \
        for (; j < count; j++) PREFIX##_column(ARGUMENTS(j), depth, out, j, mode);                                 \
    }

// A product with ROWS-row blocks and single rows for the rest.
#define PRODUCT(PREFIX, A_ELEMENT, B_ROW, PARAMETERS, ARGUMENTS)                                                    \
    PRODUCT_ROWS(PREFIX##_block, ROWS, A_ELEMENT, B_ROW, PARAMETERS, ARGUMENTS)                                    \
    PRODUCT_ROWS(PREFIX##_single, 1, A_ELEMENT, B_ROW, PARAMETERS, ARGUMENTS)

// Forward convolution product: A(a, k) = w[a][k] (weight rows offset to the block's first unrolled row),
// B(k) = c + k·cs (c offset to the column).
#define FORWARD_PARAMETERS() const float *const *w, const float *c, long cs
#define FORWARD_ARGUMENTS(j) w, c + (j), cs
PRODUCT(forward, w[a][k], c + k * cs, FORWARD_PARAMETERS, FORWARD_ARGUMENTS)

static void product_accumulate(const float *const *rows, long outputs, long firstRow, long depth, const float *c,
                               long cs, long count, float *y, long ys) {
    const float *w[ROWS];
    float *out[ROWS];
    long m = 0;
    for (; m + ROWS <= outputs; m += ROWS) {
        for (int a = 0; a < ROWS; a++) {
            w[a] = rows[m + a] + firstRow;
            out[a] = y + (m + a) * ys;
        }
        forward_block_columns(w, c, cs, depth, out, count, ADD_AFTER);
    }
    for (; m < outputs; m++) {
        w[0] = rows[m] + firstRow;
        out[0] = y + m * ys;
        forward_single_columns(w, c, cs, depth, out, count, ADD_AFTER);
    }
}

// Transposed product: A(a, k) = w[k][first + a], B(k) = g + k·gs (g offset to the column).
#define TRANSPOSED_PARAMETERS() const float *const *w, long first, const float *g, long gs
#define TRANSPOSED_ARGUMENTS(j) w, first, g + (j), gs
PRODUCT(transposed, w[k][first + a], g + k * gs, TRANSPOSED_PARAMETERS, TRANSPOSED_ARGUMENTS)

static void transposed_product(const float *const *rows, long outputs, long firstRow, long depth, const float *dy,
                               long ys, long count, float *d, long ds, int accumulate) {
    int mode = accumulate ? ADD_AFTER : STORE_SUM;
    float *out[ROWS];
    long r = 0;
    for (; r + ROWS <= depth; r += ROWS) {
        for (int a = 0; a < ROWS; a++) out[a] = d + (r + a) * ds;
        transposed_block_columns(rows, firstRow + r, dy, ys, outputs, out, count, mode);
    }
    for (; r < depth; r++) {
        out[0] = d + r * ds;
        transposed_single_columns(rows, firstRow + r, dy, ys, outputs, out, count, mode);
    }
}

// Weight gradient over a transposed unrolled block: A(a, k) = g[a][k] (member a's output gradient at position k),
// B(k) = c + k·depth (the unrolled rows at position k).
#define WEIGHT_PARAMETERS() const float *const *g, const float *c, long cs
#define WEIGHT_ARGUMENTS(j) g, c + (j), cs
PRODUCT(weight, g[a][k], c + k * cs, WEIGHT_PARAMETERS, WEIGHT_ARGUMENTS)

static void weight_product_transposed(const long *members, long memberCount, const long *trainableRows,
                                      const float *dy, long dys, float *dW, long dWs, const float *c, long depth,
                                      long count) {
    const float *g[ROWS];
    float *out[ROWS];
    long start = 0;
    for (; start + ROWS <= memberCount; start += ROWS) {
        for (int a = 0; a < ROWS; a++) {
            g[a] = dy + trainableRows[members[start + a]] * dys;
            out[a] = dW + members[start + a] * dWs;
        }
        weight_block_columns(g, c, depth, count, out, depth, ADD_AFTER);
    }
    for (; start < memberCount; start++) {
        g[0] = dy + trainableRows[members[start]] * dys;
        out[0] = dW + members[start] * dWs;
        weight_single_columns(g, c, depth, count, out, depth, ADD_AFTER);
    }
}

// Linear input gradient: A(a, k) = g[a][k] (sample a's output gradient), B(k) = rows[k] + i; sums start from dx.
#define LINEAR_INPUT_PARAMETERS() const float *const *g, const float *const *w, long i
#define LINEAR_INPUT_ARGUMENTS(j) g, w, i + (j)
PRODUCT(linear_input, g[a][k], w[k] + i, LINEAR_INPUT_PARAMETERS, LINEAR_INPUT_ARGUMENTS)

static void linear_backward_input(long batch, long inF, long outF, const float *dy, const float *const *rows,
                                  float *dx) {
    const float *g[ROWS];
    float *out[ROWS];
    long n = 0;
    for (; n + ROWS <= batch; n += ROWS) {
        for (int a = 0; a < ROWS; a++) {
            g[a] = dy + (n + a) * outF;
            out[a] = dx + (n + a) * inF;
        }
        linear_input_block_columns(g, rows, 0, outF, out, inF, START_FROM);
    }
    for (; n < batch; n++) {
        g[0] = dy + n * outF;
        out[0] = dx + n * inF;
        linear_input_single_columns(g, rows, 0, outF, out, inF, START_FROM);
    }
}

// Linear weight gradient: A(a, k) = g[a][k·outF] (row a's output, sample k), B(k) = x + k·inF (x offset to the
// column); sums start from dW.
#define LINEAR_WEIGHT_PARAMETERS() const float *const *g, long outF, const float *x, long inF
#define LINEAR_WEIGHT_ARGUMENTS(j) g, outF, x + (j), inF
PRODUCT(linear_weight, g[a][k * outF], x + k * inF, LINEAR_WEIGHT_PARAMETERS, LINEAR_WEIGHT_ARGUMENTS)

static int row_is_active(const float *dy, long batch, long outF, long o) {
    for (long n = 0; n < batch; n++)
        if (dy[n * outF + o] != 0.0f) return 1;
    return 0;
}

static void linear_backward_weights(long batch, long inF, long outF, const float *dy, const float *x,
                                    const long *trainableRows, long trainableCount, float *dW) {
    // Rows whose output gradient is zero on every sample (common behind a ReLU) are left untouched.
    const float *g[ROWS];
    float *out[ROWS];
    long live = 0;
    for (long j = 0; j < trainableCount; j++) {
        if (!row_is_active(dy, batch, outF, trainableRows[j])) continue;
        g[live] = dy + trainableRows[j];
        out[live] = dW + j * inF;
        if (++live == ROWS) {
            linear_weight_block_columns(g, outF, x, inF, batch, out, inF, START_FROM);
            live = 0;
        }
    }
    for (long a = 0; a < live; a++)
        linear_weight_single_columns(g + a, outF, x, inF, batch, out + a, inF, START_FROM);
}

// The in-order lane sums of eight 8-lane vectors at once: s[i] = (…((-0 + r[i][0]) + r[i][1]) …) + r[i][7].
// The vectors are transposed (three rounds of two-input shuffles) so that lane l of every r[i] lands in one
// vector t[l]; then t[0] + t[1] + … + t[7], lane by lane, performs exactly the scalar additions in that order
// (-0 + x is x for every x, so the first one is t[0] itself).
static inline __attribute__((always_inline)) void lane_sums8(const vec8 r[8], float s[8]) {
    vec8 u[8], v[8], t[8];
    for (int p = 0; p < 4; p++) {
        u[2 * p] = __builtin_shufflevector(r[2 * p], r[2 * p + 1], 0, 8, 2, 10, 4, 12, 6, 14);
        u[2 * p + 1] = __builtin_shufflevector(r[2 * p], r[2 * p + 1], 1, 9, 3, 11, 5, 13, 7, 15);
    }
    // v[0]: lanes 0 and 4 of rows 0-3; v[1]: lanes 2, 6; v[2]: lanes 1, 5; v[3]: lanes 3, 7; v[4…7]: rows 4-7.
    for (int h = 0; h < 2; h++) {
        v[4 * h + 0] = __builtin_shufflevector(u[4 * h + 0], u[4 * h + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        v[4 * h + 1] = __builtin_shufflevector(u[4 * h + 0], u[4 * h + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        v[4 * h + 2] = __builtin_shufflevector(u[4 * h + 1], u[4 * h + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        v[4 * h + 3] = __builtin_shufflevector(u[4 * h + 1], u[4 * h + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    t[0] = __builtin_shufflevector(v[0], v[4], 0, 1, 2, 3, 8, 9, 10, 11);
    t[4] = __builtin_shufflevector(v[0], v[4], 4, 5, 6, 7, 12, 13, 14, 15);
    t[2] = __builtin_shufflevector(v[1], v[5], 0, 1, 2, 3, 8, 9, 10, 11);
    t[6] = __builtin_shufflevector(v[1], v[5], 4, 5, 6, 7, 12, 13, 14, 15);
    t[1] = __builtin_shufflevector(v[2], v[6], 0, 1, 2, 3, 8, 9, 10, 11);
    t[5] = __builtin_shufflevector(v[2], v[6], 4, 5, 6, 7, 12, 13, 14, 15);
    t[3] = __builtin_shufflevector(v[3], v[7], 0, 1, 2, 3, 8, 9, 10, 11);
    t[7] = __builtin_shufflevector(v[3], v[7], 4, 5, 6, 7, 12, 13, 14, 15);
    vec8 sum = t[0];
    for (int l = 1; l < 8; l++) sum = sum + t[l];
    __builtin_memcpy(s, &sum, sizeof sum);
}

// An NA × NB block of dot8 products: s[a][b] = dot8(p[a], q[b], n) (see CTinyKernels.h for the order).
#define DOT_BLOCK(NAME, NA, NB)                                                                                    \
    static inline __attribute__((always_inline)) void NAME(const float *const *p, const float *const *q, long n,   \
                                                           float s[NA][NB]) {                                     \
        vec8 acc[NA * NB];                                                                                         \
        for (int i = 0; i < NA * NB; i++) acc[i] = SPLAT(vec8, 0.0f);                                              \
        long end = n & ~7L;                                                                                        \
        for (long t = 0; t < end; t += 8) {                                                                        \
            vec8 u[NA], v[NB];                                                                                     \
            for (int a = 0; a < NA; a++) u[a] = LOAD(vec8, p[a] + t);                                              \
            for (int b = 0; b < NB; b++) v[b] = LOAD(vec8, q[b] + t);                                              \
            for (int a = 0; a < NA; a++)                                                                           \
                for (int b = 0; b < NB; b++) acc[a * NB + b] = acc[a * NB + b] + u[a] * v[b];                      \
        }                                                                                                          \
        float sums[NA * NB];                                                                                       \
        int i = 0;                                                                                                 \
        for (; i + 8 <= NA * NB; i += 8) lane_sums8(acc + i, sums + i);                                            \
        for (; i < NA * NB; i++) {                                                                                 \
            float sum = -0.0f;                                                                                     \
            for (int l = 0; l < 8; l++) sum = sum + acc[i][l];                                                     \
            sums[i] = sum;                                                                                         \
        }                                                                                                          \
        for (int a = 0; a < NA; a++)                                                                               \
            for (int b = 0; b < NB; b++) {                                                                         \
                float sum = sums[a * NB + b];                                                                      \
                for (long t = end; t < n; t++) sum = sum + p[a][t] * q[b][t];                                      \
                s[a][b] = sum;                                                                                     \
            }                                                                                                      \
    }

DOT_BLOCK(dot_block, DOT_A, DOT_B)
DOT_BLOCK(dot_row, 1, DOT_ROW)
DOT_BLOCK(dot_single, 1, 1)

// dot8(p[a], q[b]) for a < np, b < nq, handed to emit(a, b, s) (a macro statement).
#define DOT_ALL(p, np, q, nq, n, EMIT)                                                                             \
    do {                                                                                                           \
        long a0 = 0;                                                                                               \
        for (; a0 + DOT_A <= (np); a0 += DOT_A) {                                                                  \
            long b0 = 0;                                                                                           \
            for (; b0 + DOT_B <= (nq); b0 += DOT_B) {                                                              \
                float s[DOT_A][DOT_B];                                                                             \
                dot_block((p) + a0, (q) + b0, n, s);                                                               \
                for (long a = 0; a < DOT_A; a++)                                                                   \
                    for (long b = 0; b < DOT_B; b++) EMIT(a0 + a, b0 + b, s[a][b]);                               \
            }                                                                                                      \
            for (long a = 0; a < DOT_A; a++)                                                                       \
                for (long b = b0; b < (nq); b++) {                                                                 \
                    float s[1][1];                                                                                 \
                    dot_single((p) + a0 + a, (q) + b, n, s);                                                       \
                    EMIT(a0 + a, b, s[0][0]);                                                                      \
                }                                                                                                  \
        }                                                                                                          \
        for (; a0 < (np); a0++) {                                                                                  \
            long b0 = 0;                                                                                           \
            for (; b0 + DOT_ROW <= (nq); b0 += DOT_ROW) {                                                          \
                float s[1][DOT_ROW];                                                                               \
                dot_row((p) + a0, (q) + b0, n, s);                                                                 \
                for (long b = 0; b < DOT_ROW; b++) EMIT(a0, b0 + b, s[0][b]);                                      \
            }                                                                                                      \
            for (long b = b0; b < (nq); b++) {                                                                     \
                float s[1][1];                                                                                     \
                dot_single((p) + a0, (q) + b, n, s);                                                               \
                EMIT(a0, b, s[0][0]);                                                                              \
            }                                                                                                      \
        }                                                                                                          \
    } while (0)

// Up to this many rows are dotted per call (pointer tables on the stack).
#define DOT_CHUNK 64

static void weight_product(const long *members, long memberCount, const long *trainableRows, const float *dy,
                           long dys, float *dW, long dWs, const float *c, long cs, long depth, long count) {
    for (long m0 = 0; m0 < memberCount; m0 += DOT_CHUNK) {
        long np = min_long(DOT_CHUNK, memberCount - m0);
        const float *p[DOT_CHUNK];
        for (long a = 0; a < np; a++) p[a] = dy + trainableRows[members[m0 + a]] * dys;
        for (long r0 = 0; r0 < depth; r0 += DOT_CHUNK) {
            long nq = min_long(DOT_CHUNK, depth - r0);
            const float *q[DOT_CHUNK];
            for (long b = 0; b < nq; b++) q[b] = c + (r0 + b) * cs;
#define WEIGHT_EMIT(a, b, s) dW[members[m0 + (a)] * dWs + r0 + (b)] += (s)
            DOT_ALL(p, np, q, nq, count, WEIGHT_EMIT);
#undef WEIGHT_EMIT
        }
    }
}

static void linear_forward(long batch, long inF, long outF, const float *x, const float *const *rows,
                           const float *bias, float *y) {
    for (long n0 = 0; n0 < batch; n0 += DOT_CHUNK) {
        long np = min_long(DOT_CHUNK, batch - n0);
        const float *p[DOT_CHUNK];
        for (long a = 0; a < np; a++) p[a] = x + (n0 + a) * inF;
        for (long o0 = 0; o0 < outF; o0 += DOT_CHUNK) {
            long nq = min_long(DOT_CHUNK, outF - o0);
#define LINEAR_EMIT(a, b, s) y[(n0 + (a)) * outF + o0 + (b)] = (s) + (bias ? bias[o0 + (b)] : 0.0f)
            DOT_ALL(p, np, (const float *const *)rows + o0, nq, inF, LINEAR_EMIT);
#undef LINEAR_EMIT
        }
    }
}

// Output positions o of one axis whose input index o·stride − padding + offset lies in 0..<inCount.
static inline void valid_range(long outCount, long inCount, long stride, long padding, long offset, long *low,
                               long *high) {
    long shift = padding - offset;
    long lo = shift > 0 ? (shift + stride - 1) / stride : 0;
    long top = inCount - 1 + shift;
    long hi = top >= 0 ? min_long(outCount, top / stride + 1) : 0;
    *low = lo < hi ? lo : 0;
    *high = lo < hi ? hi : 0;
}

// For unrolled row `row`, splits positions firstPosition..<firstPosition+count into runs along output rows and
// runs RUN(offset, length, source) with the input-plane index read by the run's first position (later ones read
// `stride` further each), or source −1 for a run in the zero padding; `plane` is the row's input plane.
#define FOR_EACH_RUN(g, planes, row, firstPosition, count, RUN)                                                   \
    do {                                                                                                           \
        long k2_ = (g)->kernel * (g)->kernel;                                                                      \
        long tap_ = (row) % k2_;                                                                                   \
        long kh_ = tap_ / (g)->kernel, kw_ = tap_ % (g)->kernel;                                                   \
        long rlo_, rhi_, clo_, chi_;                                                                               \
        valid_range((g)->outHeight, (g)->inHeight, (g)->stride, (g)->padding, kh_, &rlo_, &rhi_);                  \
        valid_range((g)->outWidth, (g)->inWidth, (g)->stride, (g)->padding, kw_, &clo_, &chi_);                    \
        plane = (planes) + ((row) / k2_) * (g)->inHeight * (g)->inWidth;                                           \
        long oh_ = (firstPosition) / (g)->outWidth, ow_ = (firstPosition) % (g)->outWidth;                         \
        for (long i_ = 0; i_ < (count);) {                                                                         \
            long length_ = min_long((g)->outWidth - ow_, (count) - i_);                                            \
            long lo_ = ow_ > clo_ ? ow_ : clo_;                                                                    \
            long hi_ = min_long(ow_ + length_, chi_);                                                              \
            if (oh_ < rlo_ || oh_ >= rhi_ || lo_ >= hi_) {                                                         \
                RUN(i_, length_, -1L);                                                                             \
            } else {                                                                                               \
                if (lo_ > ow_) RUN(i_, lo_ - ow_, -1L);                                                            \
                long ih_ = oh_ * (g)->stride - (g)->padding + kh_;                                                 \
                RUN(i_ + lo_ - ow_, hi_ - lo_, ih_ * (g)->inWidth + lo_ * (g)->stride - (g)->padding + kw_);       \
                if (hi_ < ow_ + length_) RUN(i_ + hi_ - ow_, ow_ + length_ - hi_, -1L);                            \
            }                                                                                                      \
            i_ += length_;                                                                                         \
            ow_ = 0;                                                                                               \
            oh_ += 1;                                                                                              \
        }                                                                                                          \
    } while (0)

static void unroll(const tt_conv_geometry *g, const float *planes, long firstRow, long rowCount, long firstPosition,
                   long count, float *columns, long stride) {
    long step = g->stride;
    for (long r = 0; r < rowCount; r++) {
        const float *plane;
        float *destination = columns + r * stride;
#define UNROLL_RUN(offset, length, source)                                                                         \
    do {                                                                                                           \
        float *d_ = destination + (offset);                                                                        \
        if ((source) < 0) {                                                                                        \
            for (long t_ = 0; t_ < (length); t_++) d_[t_] = 0.0f;                                                  \
        } else if (step == 1) {                                                                                    \
            __builtin_memcpy(d_, plane + (source), (unsigned long)(length) * sizeof(float));                              \
        } else {                                                                                                   \
            const float *s_ = plane + (source);                                                                    \
            for (long t_ = 0; t_ < (length); t_++) d_[t_] = s_[t_ * step];                                         \
        }                                                                                                          \
    } while (0)
        FOR_EACH_RUN(g, planes, firstRow + r, firstPosition, count, UNROLL_RUN);
#undef UNROLL_RUN
    }
}

static void unroll_transposed(const tt_conv_geometry *g, const float *planes, long firstRow, long rowCount,
                              long firstPosition, long count, float *columns) {
    long step = g->stride;
    for (long r = 0; r < rowCount; r++) {
        const float *plane;
        float *destination = columns + r;
#define UNROLL_T_RUN(offset, length, source)                                                                       \
    do {                                                                                                           \
        float *d_ = destination + (offset) * rowCount;                                                             \
        if ((source) < 0) {                                                                                        \
            for (long t_ = 0; t_ < (length); t_++) d_[t_ * rowCount] = 0.0f;                                       \
        } else {                                                                                                   \
            const float *s_ = plane + (source);                                                                    \
            for (long t_ = 0; t_ < (length); t_++) d_[t_ * rowCount] = s_[t_ * step];                              \
        }                                                                                                          \
    } while (0)
        FOR_EACH_RUN(g, planes, firstRow + r, firstPosition, count, UNROLL_T_RUN);
#undef UNROLL_T_RUN
    }
}

static void fold_back(const tt_conv_geometry *g, const float *columns, long stride, float *planes, long firstRow,
                      long rowCount, long firstPosition, long count) {
    long step = g->stride;
    for (long r = 0; r < rowCount; r++) {
        const float *plane;
        const float *source = columns + r * stride;
#define FOLD_RUN(offset, length, target)                                                                           \
    do {                                                                                                           \
        if ((target) >= 0) {                                                                                       \
            float *t_ = (float *)plane + (target);                                                                 \
            const float *s_ = source + (offset);                                                                   \
            for (long u_ = 0; u_ < (length); u_++) t_[u_ * step] = t_[u_ * step] + s_[u_];                         \
        }                                                                                                          \
    } while (0)
        FOR_EACH_RUN(g, planes, firstRow + r, firstPosition, count, FOLD_RUN);
#undef FOLD_RUN
    }
}

// Selects rather than branches: the comparisons' outcomes are as good as random.
static void max_pool_2x2(long planes, long inHeight, long inWidth, long outHeight, long outWidth, const float *x,
                         float *y, unsigned char *argmax) {
    for (long p = 0; p < planes; p++) {
        const float *plane = x + p * inHeight * inWidth;
        for (long oh = 0; oh < outHeight; oh++) {
            const float *top = plane + 2 * oh * inWidth;
            const float *bottom = top + inWidth;
            long out = (p * outHeight + oh) * outWidth;
            for (long ow = 0; ow < outWidth; ow++) {
                float best = top[2 * ow];
                unsigned char index = 0;
                float v1 = top[2 * ow + 1], v2 = bottom[2 * ow], v3 = bottom[2 * ow + 1];
                index = v1 > best ? 1 : index;
                best = v1 > best ? v1 : best;
                index = v2 > best ? 2 : index;
                best = v2 > best ? v2 : best;
                index = v3 > best ? 3 : index;
                best = v3 > best ? v3 : best;
                y[out + ow] = best;
                if (argmax) argmax[out + ow] = index;
            }
        }
    }
}

static void apply_mask(float *gradient, long count, const unsigned char *mask) {
    long whole = count >> 3;
    for (long byte = 0; byte < whole; byte++) {
        unsigned bits = mask[byte];
        float *values = gradient + byte * 8;
        for (int b = 0; b < 8; b++) values[b] = (bits >> b) & 1 ? values[b] : 0.0f;
    }
    for (long i = whole * 8; i < count; i++)
        if (!((mask[i >> 3] >> (i & 7)) & 1)) gradient[i] = 0.0f;
}

const tt_kernel_table TABLE = {
    .max_pool_2x2 = max_pool_2x2,
    .apply_mask = apply_mask,
    .unroll = unroll,
    .unroll_transposed = unroll_transposed,
    .fold_back = fold_back,
    .product_accumulate = product_accumulate,
    .transposed_product = transposed_product,
    .weight_product = weight_product,
    .weight_product_transposed = weight_product_transposed,
    .linear_forward = linear_forward,
    .linear_backward_input = linear_backward_input,
    .linear_backward_weights = linear_backward_weights,
};
