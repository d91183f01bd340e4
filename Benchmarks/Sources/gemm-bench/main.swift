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
            func emit(
                _ product: String, _ m: Int, _ n: Int, _ k: Int, _ o: Double, _ f: Double?, _ b: Double, _ bb: Double?
            ) {
                let fs = f.map { "\($0)" } ?? ""
                let bs = bb.map { "\($0)" } ?? ""
                print("\(name),\(batch),\(op.name),\(product),\(m),\(n),\(k),\(o),\(fs),\(b),\(bs)")
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
                // Forward: y[m, n] += W[m, k] · C[k, n], per sample and group, in the engine's blocks.
                let forward = { (t: tt_kernel_table) in
                    for _ in 0..<(batch * groups) {
                        var first = 0
                        while first < n {
                            let count = min(width, n - first)
                            var row = 0
                            while row < k {
                                let d = min(depth, k - row)
                                if pointwise {
                                    t.product_accumulate(rows, m, row, d, c + row * n + first, n, count, y + first, n)
                                } else {
                                    t.product_accumulate(rows, m, row, d, block, width, count, y + first, n)
                                }
                                row += d
                            }
                            first += count
                        }
                    }
                }
                let inputGradient = { (t: tt_kernel_table) in
                    for _ in 0..<(batch * groups) {
                        var first = 0
                        while first < n {
                            let count = min(width, n - first)
                            var row = 0
                            while row < k {
                                let d = min(depth, k - row)
                                t.transposed_product(rows, m, row, d, dy + first, n, count, block, width, 0)
                                row += d
                            }
                            first += count
                        }
                    }
                }
                let weightGradient = { (t: tt_kernel_table) in
                    for _ in 0..<(batch * groups) {
                        var first = 0
                        while first < n {
                            let count = min(width, n - first)
                            var row = 0
                            while row < k {
                                let d = min(depth, k - row)
                                if pointwise {
                                    t.weight_product(
                                        members, m, members, dy + first, n, dW + row, k, c + row * n + first, n, d,
                                        count)
                                } else {
                                    t.weight_product_transposed(
                                        members, m, members, dy + first, n, dW + row, k, block, d, count)
                                }
                                row += d
                            }
                            first += count
                        }
                    }
                }
                let sgemm = {
                    (
                        transA: CBLAS_TRANSPOSE, transB: CBLAS_TRANSPOSE, mm: Int, nn: Int, kk: Int,
                        a: UnsafeMutablePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>, ldb: Int,
                        out: UnsafeMutablePointer<Float>, ldc: Int
                    ) in
                    cblas_sgemm(
                        CblasRowMajor, transA, transB, blasint(mm), blasint(nn), blasint(kk), 1, a, blasint(lda), b,
                        blasint(ldb), 1, out, blasint(ldc))
                }
                let perSample = batch * groups
                let oursF = rate(macs: macs) { forward(ours) }
                let fusedF = fused.map { t in rate(macs: macs) { forward(t) } }
                let blasF = rate(macs: macs) {
                    for _ in 0..<perSample { sgemm(CblasNoTrans, CblasNoTrans, m, n, k, w, k, c, n, y, n) }
                }
                let batchedF =
                    batch > 1
                    ? rate(macs: macs) {
                        for _ in 0..<groups {
                            sgemm(CblasNoTrans, CblasNoTrans, m, n * batch, k, w, k, c, n * batch, y, n * batch)
                        }
                    } : nil
                emit("forward", m, n, k, oursF, fusedF, blasF, batchedF)
                let oursI = rate(macs: macs) { inputGradient(ours) }
                let fusedI = fused.map { t in rate(macs: macs) { inputGradient(t) } }
                let blasI = rate(macs: macs) {
                    for _ in 0..<perSample { sgemm(CblasTrans, CblasNoTrans, k, n, m, w, k, dy, n, c, n) }
                }
                let batchedI =
                    batch > 1
                    ? rate(macs: macs) {
                        for _ in 0..<groups {
                            sgemm(CblasTrans, CblasNoTrans, k, n * batch, m, w, k, dy, n * batch, c, n * batch)
                        }
                    } : nil
                emit("input-gradient", k, n, m, oursI, fusedI, blasI, batchedI)
                let oursW = rate(macs: macs) { weightGradient(ours) }
                let fusedW = fused.map { t in rate(macs: macs) { weightGradient(t) } }
                let blasW = rate(macs: macs) {
                    for _ in 0..<perSample { sgemm(CblasNoTrans, CblasTrans, m, k, n, dy, n, c, n, dW, k) }
                }
                let batchedW =
                    batch > 1
                    ? rate(macs: macs) {
                        for _ in 0..<groups {
                            sgemm(CblasNoTrans, CblasTrans, m, k, n * batch, dy, n * batch, c, n * batch, dW, k)
                        }
                    } : nil
                emit("weight-gradient", m, k, n, oursW, fusedW, blasW, batchedW)
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
                let sgemm = {
                    (
                        transA: CBLAS_TRANSPOSE, transB: CBLAS_TRANSPOSE, mm: Int, nn: Int, kk: Int,
                        a: UnsafeMutablePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>, ldb: Int,
                        out: UnsafeMutablePointer<Float>, ldc: Int
                    ) in
                    cblas_sgemm(
                        CblasRowMajor, transA, transB, blasint(mm), blasint(nn), blasint(kk), 1, a, blasint(lda), b,
                        blasint(ldb), 1, out, blasint(ldc))
                }
                emit(
                    "forward", batch, outF, inF,
                    rate(macs: macs) { ours.linear_forward(batch, inF, outF, x, rows, nil, y) },
                    fused.map { t in rate(macs: macs) { t.linear_forward(batch, inF, outF, x, rows, nil, y) } },
                    rate(macs: macs) { sgemm(CblasNoTrans, CblasTrans, batch, outF, inF, x, inF, w, inF, y, outF) }, nil
                )
                emit(
                    "input-gradient", batch, inF, outF,
                    rate(macs: macs) { ours.linear_backward_input(batch, inF, outF, dy, rows, dx) },
                    fused.map { t in rate(macs: macs) { t.linear_backward_input(batch, inF, outF, dy, rows, dx) } },
                    rate(macs: macs) { sgemm(CblasNoTrans, CblasNoTrans, batch, inF, outF, dy, outF, w, inF, dx, inF) },
                    nil)
                emit(
                    "weight-gradient", outF, inF, batch,
                    rate(macs: macs) { ours.linear_backward_weights(batch, inF, outF, dy, x, trainable, outF, dW) },
                    fused.map { t in
                        rate(macs: macs) { t.linear_backward_weights(batch, inF, outF, dy, x, trainable, outF, dW) }
                    },
                    rate(macs: macs) { sgemm(CblasTrans, CblasNoTrans, outF, inF, batch, dy, outF, x, inF, dW, inF) },
                    nil)
            default:
                continue
            }
        }
    }
}
