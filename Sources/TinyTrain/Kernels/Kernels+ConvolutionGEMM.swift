// SPDX-License-Identifier: GPL-3.0-or-later

/// How a convolution runs: as blocked matrix products over an unrolled input (im2col) held a block at a time in
/// a small planned workspace, or — for depthwise convolutions, where a product has a single row — directly.
///
/// The unrolled input of one group has `K = inChannels/groups · kernel²` rows and one column per output
/// position. It is never materialised whole: the kernels visit blocks of ``positions`` output positions and
/// ``depth`` rows, so the workspace holds at most `depth × positions` scalars (4 KiB in float32), like the
/// small im2col buffers of MCU kernels. A 1×1, stride-1, unpadded (pointwise) convolution reads the input
/// directly and needs no workspace.
struct ConvLowering {
    /// Output positions per block: two 8-lane vectors.
    static let positions = 16
    /// Unrolled-input rows per block.
    static let depth = 64

    let geometry: ConvGeometry

    /// Whether the convolution runs as matrix products (at least two output channels per group).
    var usesProducts: Bool { geometry.outPerGroup >= 2 }
    /// Whether the input is read directly (1×1, stride 1, no padding).
    var isPointwise: Bool { geometry.kernel == 1 && geometry.stride == 1 && geometry.padding == 0 }
    /// Rows of one group's unrolled input.
    var unrolledRows: Int { geometry.inPerGroup * geometry.kernel * geometry.kernel }
    /// Scalars of workspace the forward call needs (none for pointwise convolutions).
    var workspaceElements: Int {
        usesProducts && !isPointwise ? min(unrolledRows, Self.depth) * Self.positions : 0
    }

    /// Scalars of workspace the backward call needs: a pointwise convolution needs it only to lay its input out
    /// transposed for the weight gradient.
    func backwardWorkspaceElements(computesWeightGradient: Bool) -> Int {
        guard usesProducts, !isPointwise || computesWeightGradient else { return 0 }
        return min(unrolledRows, Self.depth) * Self.positions
    }
}

extension Kernels {
    /// Copies rows `firstRow..<firstRow+rowCount` of the unrolled input of sample `n`, group `group`, for output
    /// positions `firstPosition..<firstPosition+count`, into `columns` (row stride ``ConvLowering/positions``);
    /// positions that fall in the zero padding get 0.
    static func unroll<Scalar: EngineScalar>(
        _ g: ConvGeometry, input x: UnsafePointer<Scalar>, sample n: Int, group: Int, firstRow: Int, rowCount: Int,
        firstPosition: Int, count: Int, into columns: UnsafeMutablePointer<Scalar>
    ) {
        let k = g.kernel
        for row in 0..<rowCount {
            let index = firstRow + row
            let (icg, tap) = index.quotientAndRemainder(dividingBy: k * k)
            let (kh, kw) = tap.quotientAndRemainder(dividingBy: k)
            let plane = x + (n * g.inChannels + group * g.inPerGroup + icg) * g.inPlane
            let destination = columns + row * ConvLowering.positions
            var (oh, ow) = firstPosition.quotientAndRemainder(dividingBy: g.outWidth)
            for i in 0..<count {
                let ih = oh * g.stride - g.padding + kh
                let iw = ow * g.stride - g.padding + kw
                destination[i] =
                    ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth ? plane[ih * g.inWidth + iw] : 0
                ow += 1
                if ow == g.outWidth {
                    ow = 0
                    oh += 1
                }
            }
        }
    }

    /// Like ``unroll``, but transposed: position `i`, row `r` goes to `columns[i · depth + r]`, so a weight
    /// row's gradient can run along rows eight lanes at a time.
    static func unrollTransposed<Scalar: EngineScalar>(
        _ g: ConvGeometry, input x: UnsafePointer<Scalar>, sample n: Int, group: Int, firstRow: Int, rowCount: Int,
        firstPosition: Int, count: Int, into columns: UnsafeMutablePointer<Scalar>
    ) {
        let k = g.kernel
        for row in 0..<rowCount {
            let index = firstRow + row
            let (icg, tap) = index.quotientAndRemainder(dividingBy: k * k)
            let (kh, kw) = tap.quotientAndRemainder(dividingBy: k)
            let plane = x + (n * g.inChannels + group * g.inPerGroup + icg) * g.inPlane
            var (oh, ow) = firstPosition.quotientAndRemainder(dividingBy: g.outWidth)
            for i in 0..<count {
                let ih = oh * g.stride - g.padding + kh
                let iw = ow * g.stride - g.padding + kw
                columns[i * rowCount + row] =
                    ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth ? plane[ih * g.inWidth + iw] : 0
                ow += 1
                if ow == g.outWidth {
                    ow = 0
                    oh += 1
                }
            }
        }
    }

    /// `dW_b[r] += Σ_{i<count} dy_b[i] · t[i·depth + r]` for up to four weight rows `b` (gradients `dy_b`,
    /// targets `dW_b`) and `r < depth`: a 4-row × 8-lane register block summing over positions in order.
    static func weightProduct<Scalar: EngineScalar>(
        outputGradients dy: (
            UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>
        ),
        targets dW: (
            UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>,
            UnsafeMutablePointer<Scalar>
        ), block: Int, transposedColumns t: UnsafePointer<Scalar>, depth: Int, count: Int
    ) {
        typealias V = SIMD8<Scalar>
        let raw = UnsafeRawPointer(t)
        let size = MemoryLayout<Scalar>.stride
        var r = 0
        while r + 8 <= depth {
            var a0 = V.zero
            var a1 = V.zero
            var a2 = V.zero
            var a3 = V.zero
            for i in 0..<count {
                let v = raw.loadUnaligned(fromByteOffset: (i * depth + r) * size, as: V.self)
                a0 += V(repeating: dy.0[i]) * v
                a1 += V(repeating: dy.1[i]) * v
                a2 += V(repeating: dy.2[i]) * v
                a3 += V(repeating: dy.3[i]) * v
            }
            addVector(a0, to: dW.0 + r)
            if block > 1 { addVector(a1, to: dW.1 + r) }
            if block > 2 { addVector(a2, to: dW.2 + r) }
            if block > 3 { addVector(a3, to: dW.3 + r) }
            r += 8
        }
        while r < depth {
            for b in 0..<block {
                let (gradient, target) =
                    switch b {
                    case 0: (dy.0, dW.0)
                    case 1: (dy.1, dW.1)
                    case 2: (dy.2, dW.2)
                    default: (dy.3, dW.3)
                    }
                var sum: Scalar = 0
                for i in 0..<count { sum += gradient[i] * t[i * depth + r] }
                target[r] += sum
            }
            r += 1
        }
    }

    /// Adds unrolled-input gradients back to the input gradient (the transpose of ``unroll``).
    static func foldBack<Scalar: EngineScalar>(
        _ g: ConvGeometry, columns: UnsafePointer<Scalar>, sample n: Int, group: Int, firstRow: Int, rowCount: Int,
        firstPosition: Int, count: Int, into dx: UnsafeMutablePointer<Scalar>
    ) {
        let k = g.kernel
        for row in 0..<rowCount {
            let index = firstRow + row
            let (icg, tap) = index.quotientAndRemainder(dividingBy: k * k)
            let (kh, kw) = tap.quotientAndRemainder(dividingBy: k)
            let plane = dx + (n * g.inChannels + group * g.inPerGroup + icg) * g.inPlane
            let source = columns + row * ConvLowering.positions
            var (oh, ow) = firstPosition.quotientAndRemainder(dividingBy: g.outWidth)
            for i in 0..<count {
                let ih = oh * g.stride - g.padding + kh
                let iw = ow * g.stride - g.padding + kw
                if ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth { plane[ih * g.inWidth + iw] += source[i] }
                ow += 1
                if ow == g.outWidth {
                    ow = 0
                    oh += 1
                }
            }
        }
    }

    /// `y[m·ys + j] += Σ_{r<depth} rows[m][firstRow + r] · c[r·cs + j]` for `m < outputs`, `j < count`:
    /// a 4-row × 16-column register block (8-lane vectors), summing over `r` in order per lane.
    static func productAccumulate<Scalar: EngineScalar>(
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, outputs: Int, firstRow: Int, depth: Int,
        columns c: UnsafePointer<Scalar>, columnStride cs: Int, count: Int, output y: UnsafeMutablePointer<Scalar>,
        outputStride ys: Int
    ) {
        typealias V = SIMD8<Scalar>
        let raw = UnsafeRawPointer(c)
        let size = MemoryLayout<Scalar>.stride
        var m = 0
        while m < outputs {
            let block = min(4, outputs - m)
            // Rows past the block repeat its last row; their sums are computed but never stored.
            let w = (
                rows[m] + firstRow, rows[m + min(1, block - 1)] + firstRow, rows[m + min(2, block - 1)] + firstRow,
                rows[m + min(3, block - 1)] + firstRow
            )
            let out = y + m * ys
            var j = 0
            while j + 8 <= count {
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                for r in 0..<depth {
                    let v = raw.loadUnaligned(fromByteOffset: (r * cs + j) * size, as: V.self)
                    a0 += V(repeating: w.0[r]) * v
                    a1 += V(repeating: w.1[r]) * v
                    a2 += V(repeating: w.2[r]) * v
                    a3 += V(repeating: w.3[r]) * v
                }
                addVector(a0, to: out + j)
                if block > 1 { addVector(a1, to: out + ys + j) }
                if block > 2 { addVector(a2, to: out + 2 * ys + j) }
                if block > 3 { addVector(a3, to: out + 3 * ys + j) }
                j += 8
            }
            while j < count {
                for b in 0..<block {
                    let weights = rows[m + b] + firstRow
                    var sum: Scalar = 0
                    for r in 0..<depth { sum += weights[r] * c[r * cs + j] }
                    y[(m + b) * ys + j] += sum
                }
                j += 1
            }
            m += block
        }
    }

    /// `d[r·ds + j] (+)= Σ_{m<outputs} rows[m][firstRow + r] · dy[m·ys + j]` for `r < depth`, `j < count`
    /// (summing over `m` in order per lane): assigns when `accumulate` is false, adds otherwise.
    static func transposedProduct<Scalar: EngineScalar>(
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, outputs: Int, firstRow: Int, depth: Int,
        outputGradient dy: UnsafePointer<Scalar>, outputStride ys: Int, count: Int,
        into d: UnsafeMutablePointer<Scalar>, stride ds: Int, accumulate: Bool
    ) {
        typealias V = SIMD8<Scalar>
        let raw = UnsafeRawPointer(dy)
        let size = MemoryLayout<Scalar>.stride
        var r = 0
        while r < depth {
            let block = min(4, depth - r)
            var j = 0
            while j + 8 <= count {
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                for m in 0..<outputs {
                    let v = raw.loadUnaligned(fromByteOffset: (m * ys + j) * size, as: V.self)
                    let w = rows[m] + firstRow + r
                    a0 += V(repeating: w[0]) * v
                    if block > 1 { a1 += V(repeating: w[1]) * v }
                    if block > 2 { a2 += V(repeating: w[2]) * v }
                    if block > 3 { a3 += V(repeating: w[3]) * v }
                }
                let target = d + r * ds + j
                if accumulate {
                    addVector(a0, to: target)
                    if block > 1 { addVector(a1, to: target + ds) }
                    if block > 2 { addVector(a2, to: target + 2 * ds) }
                    if block > 3 { addVector(a3, to: target + 3 * ds) }
                } else {
                    storeVector(a0, to: target)
                    if block > 1 { storeVector(a1, to: target + ds) }
                    if block > 2 { storeVector(a2, to: target + 2 * ds) }
                    if block > 3 { storeVector(a3, to: target + 3 * ds) }
                }
                j += 8
            }
            while j < count {
                for b in 0..<block {
                    var sum: Scalar = 0
                    for m in 0..<outputs { sum += rows[m][firstRow + r + b] * dy[m * ys + j] }
                    let target = d + (r + b) * ds + j
                    target.pointee = accumulate ? target.pointee + sum : sum
                }
                j += 1
            }
            r += block
        }
    }

    /// `dW[firstRow + r] += Σ_{j<count} dy[j] · c[r·cs + j]` for `r < depth` (lane-wise sums, then lanes in order).
    static func rowGradient<Scalar: EngineScalar>(
        outputGradient dy: UnsafePointer<Scalar>, columns c: UnsafePointer<Scalar>, columnStride cs: Int,
        depth: Int, count: Int, into dW: UnsafeMutablePointer<Scalar>, firstRow: Int
    ) {
        for r in 0..<depth { dW[firstRow + r] += dot(dy, c + r * cs, count: count) }
    }

    @inline(__always)
    static func addVector<Scalar: EngineScalar>(_ v: SIMD8<Scalar>, to p: UnsafeMutablePointer<Scalar>) {
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Scalar>.self) + v, as: SIMD8<Scalar>.self)
    }

    @inline(__always)
    static func storeVector<Scalar: EngineScalar>(_ v: SIMD8<Scalar>, to p: UnsafeMutablePointer<Scalar>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Scalar>.self)
    }
}
