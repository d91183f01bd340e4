// SPDX-License-Identifier: GPL-3.0-or-later
//
// The matrix products the zoo models produce, timed in the engine's kernels (the selected level, and the same
// kernels with fused multiply-adds, which the engine never uses: what bit-identity across levels costs) and in
// OpenBLAS `cblas_sgemm` on one thread, side by side in one run.
//
// Shapes: for every convolution with at least two outputs per group (depthwise ones run a direct kernel) and every
// linear layer, the forward product, the input-gradient product and the weight-gradient product, as M×N×K (K is
// the summed dimension). A convolution's products are per sample and group — the engine lowers one sample at a
// time in blocks of unrolled rows and positions (ConvLowering's block sizes, repeated here); the unrolling itself
// is not timed. For batch 32, OpenBLAS is also timed on the batched product (all samples' positions in one call),
// the shape a library user would form. A linear layer's products have the batch as a dimension.
// Prints CSV: model,batch,layer,product,m,n,k,ours_gmacs,ours_fma_gmacs,openblas_gmacs,openblas_batched_gmacs
//
// Usage: gemm-bench [MIN_SECONDS_PER_PRODUCT] [MODEL...]

import COpenBLAS
import CTinyKernels
import TinyTrain

let minimumSeconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 0.2
let chosenModels = Array(CommandLine.arguments.dropFirst(2))
let models = chosenModels.isEmpty ? ["mlp-28", "cnn-28", "cnn-cifar", "mobilenetv2-cifar"] : chosenModels

openblas_set_num_threads(1)
let ours = tt_kernel_table_for(Int32(levelNumber()))!.pointee
let fused = tt_fused_kernel_table()?.pointee

/// The C level number of the selected ISA.
func levelNumber() -> Int {
    switch KernelISA.selected {
    case .baseline: Int(TT_LEVEL_BASELINE)
    case .x86_64_v3: Int(TT_LEVEL_X86_64_V3)
    case .x86_64_v4: Int(TT_LEVEL_X86_64_V4)
    case .neon: Int(TT_LEVEL_NEON)
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Multiply-accumulates per second (10⁹) of `body`, which performs `macs` of them, repeated for `minimumSeconds`.
func rate(macs: Int, _ body: () -> Void) -> Double {
    body()
    let clock = ContinuousClock()
    let start = clock.now
    var calls = 0
    while seconds(clock.now - start) < minimumSeconds {
        body()
        calls += 1
    }
    return Double(calls) * Double(macs) / seconds(clock.now - start) / 1e9
}

/// A buffer of `count` small values that stays allocated for the process.
func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    for i in 0..<max(count, 1) { p[i] = Float((i * 7919) % 113) / 113 - 0.5 }
    return p
}

/// Row pointers into a row-major matrix.
func rowTable(_ base: UnsafeMutablePointer<Float>, rows: Int, length: Int) -> UnsafeMutablePointer<
    UnsafePointer<Float>?
> {
    let table = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: max(rows, 1))
    for r in 0..<rows { table[r] = UnsafePointer(base + r * length) }
    return table
}

/// `out (+)= op(a) · op(b)` (row-major, β = 1) in OpenBLAS.
func sgemm(
    _ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int,
    _ a: UnsafeMutablePointer<Float>,
    _ lda: Int, _ b: UnsafeMutablePointer<Float>, _ ldb: Int, _ out: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transA, transB, blasint(m), blasint(n), blasint(k), 1, a, blasint(lda), b, blasint(ldb), 1, out,
        blasint(ldc))
}

/// The engine's convolution blocks (ConvLowering): unrolled rows and positions per block.
func blocks(unrolledRows k: Int, pointwise: Bool) -> (depth: Int, positions: Int) {
    let depth = min(k, pointwise ? 64 : 16)
    if pointwise { return (depth, 64) }
    let budget = min(k, 64) * 16
    return (depth, max(16, min(64, budget / depth / 8 * 8)))
}

print("model,batch,layer,product,m,n,k,ours_gmacs,ours_fma_gmacs,openblas_gmacs,openblas_batched_gmacs")
for name in models {
    for batch in [1, 32] {
        let plan = try TrainingPlan.compile(ModelZoo.model(named: name), options: CompileOptions(batch: batch))
        for op in plan.ops {
            let inShape = plan.valueShapes[op.inputs[0]]
            let outShape = plan.valueShapes[op.output]
            /// Times one product of `macs` multiply-accumulates in our kernels (selected and fused), in OpenBLAS and,
            /// when given, in OpenBLAS on the batched shape, and prints the row.
            func measure(
                _ product: String, _ m: Int, _ n: Int, _ k: Int, macs: Int, ours kernel: (tt_kernel_table) -> Void,
                blas: () -> Void, batched: (() -> Void)? = nil
            ) {
                let o = rate(macs: macs) { kernel(ours) }
                let f = fused.map { t in "\(rate(macs: macs) { kernel(t) })" } ?? ""
                let b = rate(macs: macs, blas)
                let bb = batched.map { "\(rate(macs: macs, $0))" } ?? ""
                print("\(name),\(batch),\(op.name),\(product),\(m),\(n),\(k),\(o),\(f),\(b),\(bb)")
            }
            switch op.kind {
            case .conv(let a):
                let groups = a.groups
                let m = a.outChannels / groups
                guard m >= 2 else { continue }
                let k = inShape.channels / groups * a.kernel * a.kernel
                let n = outShape.height * outShape.width
                let pointwise = a.kernel == 1 && a.stride == 1 && a.padding == 0
                let (depth, width) = blocks(unrolledRows: k, pointwise: pointwise)
                let w = buffer(m * k)
                let rows = rowTable(w, rows: m, length: k)
                let c = buffer(k * n * batch)
                let y = buffer(m * n * batch)
                let dy = buffer(m * n * batch)
                let dW = buffer(m * k)
                let block = buffer(depth * width)
                let members = UnsafeMutablePointer<Int>.allocate(capacity: m)
                for i in 0..<m { members[i] = i }
                let macs = m * n * k * groups * batch
                /// `body(first, count, row, depth)` for every block of every sample and group, as the engine visits them.
                let eachBlock = { (body: (Int, Int, Int, Int) -> Void) in
                    for _ in 0..<(batch * groups) {
                        var first = 0
                        while first < n {
                            let count = min(width, n - first)
                            var row = 0
                            while row < k {
                                let d = min(depth, k - row)
                                body(first, count, row, d)
                                row += d
                            }
                            first += count
                        }
                    }
                }
                // Forward: y[m, n] += W[m, k] · C[k, n].
                let forward = { (t: tt_kernel_table) in
                    eachBlock { first, count, row, d in
                        if pointwise {
                            t.product_accumulate(rows, m, row, d, c + row * n + first, n, count, y + first, n)
                        } else {
                            t.product_accumulate(rows, m, row, d, block, width, count, y + first, n)
                        }
                    }
                }
                let inputGradient = { (t: tt_kernel_table) in
                    eachBlock { first, count, row, d in
                        t.transposed_product(rows, m, row, d, dy + first, n, count, block, width, 0)
                    }
                }
                let weightGradient = { (t: tt_kernel_table) in
                    eachBlock { first, count, row, d in
                        if pointwise {
                            t.weight_product(
                                members, m, members, dy + first, n, dW + row, k, c + row * n + first, n, d, count)
                        } else {
                            t.weight_product_transposed(
                                members, m, members, dy + first, n, dW + row, k, block, d, count)
                        }
                    }
                }
                let perSample = batch * groups
                let nb = n * batch
                measure(
                    "forward", m, n, k, macs: macs, ours: forward,
                    blas: { for _ in 0..<perSample { sgemm(CblasNoTrans, CblasNoTrans, m, n, k, w, k, c, n, y, n) } },
                    batched: batch > 1
                        ? { for _ in 0..<groups { sgemm(CblasNoTrans, CblasNoTrans, m, nb, k, w, k, c, nb, y, nb) } }
                        : nil)
                measure(
                    "input-gradient", k, n, m, macs: macs, ours: inputGradient,
                    blas: { for _ in 0..<perSample { sgemm(CblasTrans, CblasNoTrans, k, n, m, w, k, dy, n, c, n) } },
                    batched: batch > 1
                        ? { for _ in 0..<groups { sgemm(CblasTrans, CblasNoTrans, k, nb, m, w, k, dy, nb, c, nb) } }
                        : nil)
                measure(
                    "weight-gradient", m, k, n, macs: macs, ours: weightGradient,
                    blas: { for _ in 0..<perSample { sgemm(CblasNoTrans, CblasTrans, m, k, n, dy, n, c, n, dW, k) } },
                    batched: batch > 1
                        ? { for _ in 0..<groups { sgemm(CblasNoTrans, CblasTrans, m, k, nb, dy, nb, c, nb, dW, k) } }
                        : nil)
            case .linear:
                let inF = inShape.elementCount
                let outF = outShape.elementCount
                let w = buffer(outF * inF)
                let rows = rowTable(w, rows: outF, length: inF)
                let x = buffer(batch * inF)
                let y = buffer(batch * outF)
                let dy = buffer(batch * outF)
                let dx = buffer(batch * inF)
                let dW = buffer(outF * inF)
                let trainable = UnsafeMutablePointer<Int>.allocate(capacity: outF)
                for i in 0..<outF { trainable[i] = i }
                let macs = batch * inF * outF
                measure(
                    "forward", batch, outF, inF, macs: macs,
                    ours: { $0.linear_forward(batch, inF, outF, x, rows, nil, y) },
                    blas: { sgemm(CblasNoTrans, CblasTrans, batch, outF, inF, x, inF, w, inF, y, outF) })
                measure(
                    "input-gradient", batch, inF, outF, macs: macs,
                    ours: { $0.linear_backward_input(batch, inF, outF, dy, rows, dx) },
                    blas: { sgemm(CblasNoTrans, CblasNoTrans, batch, inF, outF, dy, outF, w, inF, dx, inF) })
                measure(
                    "weight-gradient", outF, inF, batch, macs: macs,
                    ours: { $0.linear_backward_weights(batch, inF, outF, dy, x, trainable, outF, dW) },
                    blas: { sgemm(CblasTrans, CblasNoTrans, outF, inF, batch, dy, outF, x, inF, dW, inF) })
            default:
                continue
            }
        }
    }
}
