// SPDX-License-Identifier: GPL-3.0-or-later

/// How a convolution runs: as blocked matrix products over an unrolled input (im2col) held a block at a time in
/// a small planned workspace, or — for depthwise convolutions, where a product has a single row — directly.
///
/// The unrolled input of one group has `K = inChannels/groups · kernel²` rows and one column per output
/// position. It is never materialised whole: the kernels visit blocks of ``blockPositions`` output positions and
/// ``blockDepth`` rows, within a budget of `min(K, 64) × 16` scalars (at most 4 KiB in float32), like the small
/// im2col buffers of MCU kernels. Within that budget a block is as wide as it can be (up to 64 positions, with
/// 16 rows when `K ≥ 16`): a wide block amortises the per-row cost of unrolling and the weight gradient's lane
/// sums. A 1×1, stride-1, unpadded (pointwise) convolution reads the input directly and needs no workspace.
struct ConvLowering {
    /// Output positions per block that the workspace budget allows at every depth.
    static let budgetPositions = 16
    /// Rows of the unrolled input the workspace budget allows at most.
    static let budgetDepth = 64
    /// Rows per block of a deep unrolled input (so that a block can be wide).
    static let wideDepth = 16
    /// Output positions per block at most: eight 8-lane vectors.
    static let widestBlock = 64

    let geometry: ConvGeometry

    /// Whether the convolution runs as matrix products (at least two output channels per group).
    var usesProducts: Bool { geometry.outPerGroup >= 2 }
    /// Whether the input is read directly (1×1, stride 1, no padding).
    var isPointwise: Bool { geometry.kernel == 1 && geometry.stride == 1 && geometry.padding == 0 }
    /// Rows of one group's unrolled input.
    var unrolledRows: Int { geometry.inPerGroup * geometry.kernel * geometry.kernel }
    /// Unrolled-input rows per block.
    var blockDepth: Int { min(unrolledRows, isPointwise ? Self.budgetDepth : Self.wideDepth) }
    /// Output positions per block (a multiple of 8, at least ``budgetPositions``); also the row stride of the
    /// unrolled block in the workspace.
    var blockPositions: Int {
        if isPointwise { return Self.widestBlock }
        let budget = min(unrolledRows, Self.budgetDepth) * Self.budgetPositions
        return max(Self.budgetPositions, min(Self.widestBlock, budget / blockDepth / 8 * 8))
    }
    /// Scalars of workspace the forward call needs (none for pointwise convolutions).
    var workspaceElements: Int {
        usesProducts && !isPointwise ? blockDepth * blockPositions : 0
    }

    /// Scalars of workspace the backward call needs (none for pointwise convolutions, whose weight gradient reads
    /// the input directly).
    func backwardWorkspaceElements(computesWeightGradient: Bool) -> Int {
        guard usesProducts, !isPointwise else { return 0 }
        return blockDepth * blockPositions
    }
}

extension Kernels {
    /// Splits the output positions `firstPosition..<firstPosition+count` into runs along output rows, and calls
    /// `body(offset, length, source)` for each: `source` is the input-plane index read by the run's first position
    /// for kernel tap (`kh`, `kw`) — later positions of the run read `stride` elements further each — or `nil`
    /// for a run in the zero padding. Bounds are checked once per run, not per element.
    @inline(__always)
    static func forEachRun(
        _ g: ConvGeometry, taps: TapRanges, kh: Int, kw: Int, firstPosition: Int, count: Int,
        _ body: (_ offset: Int, _ length: Int, _ source: Int?) -> Void
    ) {
        var (oh, ow) = firstPosition.quotientAndRemainder(dividingBy: g.outWidth)
        let columns = taps.columns[kw]
        let rows = taps.rows[kh]
        var i = 0
        while i < count {
            let length = min(g.outWidth - ow, count - i)
            let low = max(ow, columns.lowerBound)
            let high = min(ow + length, columns.upperBound)
            if !rows.contains(oh) || low >= high {
                body(i, length, nil)
            } else {
                if low > ow { body(i, low - ow, nil) }
                let ih = oh * g.stride - g.padding + kh
                body(i + low - ow, high - low, ih * g.inWidth + low * g.stride - g.padding + kw)
                if high < ow + length { body(i + high - ow, ow + length - high, nil) }
            }
            i += length
            ow = 0
            oh += 1
        }
    }

    /// Copies rows `firstRow..<firstRow+rowCount` of the unrolled input of sample `n`, group `group`, for output
    /// positions `firstPosition..<firstPosition+count`, into `columns` (row stride `stride`); positions that fall
    /// in the zero padding get 0.
    static func unroll<Scalar: EngineScalar>(
        _ g: ConvGeometry, kernels: KernelTable?, taps: TapRanges, input x: UnsafePointer<Scalar>, sample n: Int,
        group: Int, firstRow: Int, rowCount: Int, firstPosition: Int, count: Int,
        into columns: UnsafeMutablePointer<Scalar>, stride: Int
    ) {
        let planes = x + (n * g.inChannels + group * g.inPerGroup) * g.inPlane
        if KernelTable.unroll(
            kernels, g, planes: planes, firstRow: firstRow, rowCount: rowCount, firstPosition: firstPosition,
            count: count, into: columns, stride: stride)
        {
            return
        }
        copyUnrolled(
            g, taps: taps, planes: planes, firstRow: firstRow, rowCount: rowCount, firstPosition: firstPosition,
            count: count, into: columns, rowStride: stride, positionStride: 1)
    }

    /// Copies rows `firstRow..<firstRow+rowCount` of the unrolled input of sample `n`, group `group`, for output
    /// positions `firstPosition..<firstPosition+count`, position-major into `columns`: unrolled row `r` of position
    /// `p` at `columns[p · rowCount + r]`; positions that fall in the zero padding get 0.
    static func unrollTransposed<Scalar: EngineScalar>(
        _ g: ConvGeometry, kernels: KernelTable?, taps: TapRanges, input x: UnsafePointer<Scalar>, sample n: Int,
        group: Int, firstRow: Int, rowCount: Int, firstPosition: Int, count: Int,
        into columns: UnsafeMutablePointer<Scalar>
    ) {
        let planes = x + (n * g.inChannels + group * g.inPerGroup) * g.inPlane
        if KernelTable.unrollTransposed(
            kernels, g, planes: planes, firstRow: firstRow, rowCount: rowCount, firstPosition: firstPosition,
            count: count, into: columns)
        {
            return
        }
        copyUnrolled(
            g, taps: taps, planes: planes, firstRow: firstRow, rowCount: rowCount, firstPosition: firstPosition,
            count: count, into: columns, rowStride: 1, positionStride: rowCount)
    }

    /// The Swift copy behind ``unroll`` and ``unrollTransposed``: unrolled row `r` of position `i` (rows relative
    /// to the group's first input plane `planes`) goes to `columns[r · rowStride + i · positionStride]`.
    static func copyUnrolled<Scalar: EngineScalar>(
        _ g: ConvGeometry, taps: TapRanges, planes: UnsafePointer<Scalar>, firstRow: Int, rowCount: Int,
        firstPosition: Int, count: Int, into columns: UnsafeMutablePointer<Scalar>, rowStride: Int,
        positionStride: Int
    ) {
        let k = g.kernel
        for row in 0..<rowCount {
            let (icg, tap) = (firstRow + row).quotientAndRemainder(dividingBy: k * k)
            let (kh, kw) = tap.quotientAndRemainder(dividingBy: k)
            let plane = planes + icg * g.inPlane
            let destination = columns + row * rowStride
            forEachRun(g, taps: taps, kh: kh, kw: kw, firstPosition: firstPosition, count: count) {
                offset, length, source in
                guard let source else {
                    for i in offset..<(offset + length) { destination[i &* positionStride] = 0 }
                    return
                }
                if g.stride == 1, positionStride == 1 {
                    (destination + offset).update(from: plane + source, count: length)
                } else {
                    for i in 0..<length {
                        destination[(offset &+ i) &* positionStride] = plane[source &+ i &* g.stride]
                    }
                }
            }
        }
    }

    /// `dW[j·dWs + r] += Σ_{p<count} dy[trainableRows[j]·dys + p] · c[p·depth + r]` for the `members` `j` and
    /// `r < depth`, over a block unrolled position-major (``unrollTransposed``).
    ///
    /// Accumulation order, per element and block: the sum starts at 0 and runs over the positions in increasing
    /// `p` (a product, then an add); the block sum is then added to `dW`. Blocks (and samples) are added in order.
    static func transposedWeightProduct<Scalar: EngineScalar>(
        kernels: KernelTable?, members: UnsafeBufferPointer<Int>, trainableRows: UnsafeBufferPointer<Int>,
        outputGradient dy: UnsafePointer<Scalar>, gradientStride dys: Int,
        weightGradient dW: UnsafeMutablePointer<Scalar>,
        weightStride dWs: Int, columns c: UnsafePointer<Scalar>, depth: Int, count: Int
    ) {
        if KernelTable.transposedWeightProduct(
            kernels, members: members, trainableRows: trainableRows, outputGradient: dy, gradientStride: dys,
            weightGradient: dW, weightStride: dWs, columns: c, depth: depth, count: count)
        {
            return
        }
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: depth) { sums in
            for j in members {
                let gradient = dy + trainableRows[j] * dys
                sums.initialize(repeating: 0)
                for p in 0..<count {
                    let scale = gradient[p]
                    let row = c + p * depth
                    for r in 0..<depth { sums[r] += scale * row[r] }
                }
                let target = dW + j * dWs
                for r in 0..<depth { target[r] += sums[r] }
            }
        }
    }

    /// `dW[j·dWs + r] += dot(dy[trainableRows[j]·dys …], c[r·cs …])` over `count` positions for the `members` `j`
    /// and `r < depth`, reading a pointwise convolution's input directly: pairs of members through
    /// ``weightPairProduct(outputGradients:targets:pair:columns:columnStride:depth:count:)`` (which states the
    /// order).
    static func pointwiseWeightProduct<Scalar: EngineScalar>(
        kernels: KernelTable?, members: UnsafeBufferPointer<Int>, trainableRows: UnsafeBufferPointer<Int>,
        outputGradient dy: UnsafePointer<Scalar>, gradientStride dys: Int,
        weightGradient dW: UnsafeMutablePointer<Scalar>,
        weightStride dWs: Int, columns c: UnsafePointer<Scalar>, columnStride cs: Int, depth: Int, count: Int
    ) {
        if KernelTable.weightProduct(
            kernels, members: members, trainableRows: trainableRows, outputGradient: dy, gradientStride: dys,
            weightGradient: dW, weightStride: dWs, columns: c, columnStride: cs, depth: depth, count: count)
        {
            return
        }
        var start = 0
        while start < members.count {
            let pair = min(2, members.count - start)
            let (j0, j1) = (members[start], members[start + pair - 1])
            weightPairProduct(
                outputGradients: (dy + trainableRows[j0] * dys, dy + trainableRows[j1] * dys),
                targets: (dW + j0 * dWs, dW + j1 * dWs), pair: pair, columns: c, columnStride: cs, depth: depth,
                count: count)
            start += pair
        }
    }

    /// `dW_b[r] += Σ_{i<count} dy_b[i] · c[r·cs + i]` for up to two weight rows `b` (gradients `dy_b`, targets
    /// `dW_b`) and `r < depth`: a 2-weight-row × 2-unrolled-row register block running along the positions.
    ///
    /// Accumulation order, per element and block: position `i` goes to lane `i mod 8` of an 8-lane sum (in
    /// increasing `i`), the lanes are summed in order (``SIMD/sum()``), then the scalar tail; that block sum is
    /// then added to `dW_b[r]`. Blocks (and samples) are added in order.
    static func weightPairProduct<Scalar: EngineScalar>(
        outputGradients dy: (UnsafePointer<Scalar>, UnsafePointer<Scalar>),
        targets dW: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>), pair: Int,
        columns c: UnsafePointer<Scalar>, columnStride cs: Int, depth: Int, count: Int
    ) {
        typealias V = SIMD8<Scalar>
        let size = MemoryLayout<Scalar>.stride
        let vectorEnd = count & ~7
        let (g0, g1) = (UnsafeRawPointer(dy.0), UnsafeRawPointer(dy.1))
        var r = 0
        while r < depth {
            let rows = min(2, depth - r)
            let (c0, c1) = (c + r &* cs, c + (r &+ rows &- 1) &* cs)
            let (x0, x1) = (UnsafeRawPointer(c0), UnsafeRawPointer(c1))
            var a00 = V.zero
            var a01 = V.zero
            var a10 = V.zero
            var a11 = V.zero
            var offset = 0
            let end = vectorEnd &* size
            while offset < end {
                let u = x0.loadUnaligned(fromByteOffset: offset, as: V.self)
                let v = x1.loadUnaligned(fromByteOffset: offset, as: V.self)
                let d0 = g0.loadUnaligned(fromByteOffset: offset, as: V.self)
                let d1 = g1.loadUnaligned(fromByteOffset: offset, as: V.self)
                multiplyAdd(&a00, d0, u)
                multiplyAdd(&a01, d0, v)
                multiplyAdd(&a10, d1, u)
                multiplyAdd(&a11, d1, v)
                offset &+= 8 &* size
            }
            var (s00, s01, s10, s11) = (a00.sum(), a01.sum(), a10.sum(), a11.sum())
            for i in vectorEnd..<count {
                s00 += dy.0[i] * c0[i]
                s01 += dy.0[i] * c1[i]
                s10 += dy.1[i] * c0[i]
                s11 += dy.1[i] * c1[i]
            }
            if pair > 1 {
                dW.1[r] += s10
                if rows > 1 { dW.1[r + 1] += s11 }
            }
            dW.0[r] += s00
            if rows > 1 { dW.0[r + 1] += s01 }
            r += rows
        }
    }

    /// Adds unrolled-input gradients back to the input gradient (the transpose of ``unroll``).
    static func foldBack<Scalar: EngineScalar>(
        _ g: ConvGeometry, kernels: KernelTable?, taps: TapRanges, columns: UnsafePointer<Scalar>, stride: Int,
        sample n: Int, group: Int, firstRow: Int, rowCount: Int, firstPosition: Int, count: Int,
        into dx: UnsafeMutablePointer<Scalar>
    ) {
        if KernelTable.foldBack(
            kernels, g, columns: columns, stride: stride,
            planes: dx + (n * g.inChannels + group * g.inPerGroup) * g.inPlane, firstRow: firstRow,
            rowCount: rowCount, firstPosition: firstPosition, count: count)
        {
            return
        }
        let k = g.kernel
        for row in 0..<rowCount {
            let (icg, tap) = (firstRow + row).quotientAndRemainder(dividingBy: k * k)
            let (kh, kw) = tap.quotientAndRemainder(dividingBy: k)
            let plane = dx + (n * g.inChannels + group * g.inPerGroup + icg) * g.inPlane
            let source = columns + row * stride
            forEachRun(g, taps: taps, kh: kh, kw: kw, firstPosition: firstPosition, count: count) {
                offset, length, target in
                guard let target else { return }
                if g.stride == 1 {
                    axpy(1, source + offset, plane + target, count: length)
                } else {
                    for i in 0..<length { plane[target + i * g.stride] += source[offset + i] }
                }
            }
        }
    }

    /// `y[m·ys + j] += Σ_{r<depth} rows[m][firstRow + r] · c[r·cs + j]` for `m < outputs`, `j < count`:
    /// a 4-row × 16-column register block (8-lane vectors), summing over `r` in order per lane.
    static func productAccumulate<Scalar: EngineScalar>(
        kernels: KernelTable?, rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, outputs: Int, firstRow: Int,
        depth: Int, columns c: UnsafePointer<Scalar>, columnStride cs: Int, count: Int,
        output y: UnsafeMutablePointer<Scalar>, outputStride ys: Int
    ) {
        if KernelTable.productAccumulate(
            kernels, rows: rows, outputs: outputs, firstRow: firstRow, depth: depth, columns: c, columnStride: cs,
            count: count, output: y, outputStride: ys)
        {
            return
        }
        typealias V = SIMD8<Scalar>
        let raw = UnsafeRawPointer(c)
        let size = MemoryLayout<Scalar>.stride
        let rowBytes = cs &* size
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
            while j + 16 <= count {
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                var b0 = V.zero
                var b1 = V.zero
                var b2 = V.zero
                var b3 = V.zero
                var p = raw + j &* size
                for r in 0..<depth {
                    let v = p.loadUnaligned(as: V.self)
                    let u = p.loadUnaligned(fromByteOffset: 8 &* size, as: V.self)
                    p += rowBytes
                    let (x0, x1, x2, x3) = (
                        V(repeating: w.0[r]), V(repeating: w.1[r]), V(repeating: w.2[r]), V(repeating: w.3[r])
                    )
                    multiplyAdd(&a0, x0, v)
                    multiplyAdd(&b0, x0, u)
                    multiplyAdd(&a1, x1, v)
                    multiplyAdd(&b1, x1, u)
                    multiplyAdd(&a2, x2, v)
                    multiplyAdd(&b2, x2, u)
                    multiplyAdd(&a3, x3, v)
                    multiplyAdd(&b3, x3, u)
                }
                addVector(a0, to: out + j)
                addVector(b0, to: out + j + 8)
                if block > 1 {
                    addVector(a1, to: out + ys + j)
                    addVector(b1, to: out + ys + j + 8)
                }
                if block > 2 {
                    addVector(a2, to: out + 2 * ys + j)
                    addVector(b2, to: out + 2 * ys + j + 8)
                }
                if block > 3 {
                    addVector(a3, to: out + 3 * ys + j)
                    addVector(b3, to: out + 3 * ys + j + 8)
                }
                j += 16
            }
            while j + 8 <= count {
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                var p = raw + j &* size
                for r in 0..<depth {
                    let v = p.loadUnaligned(as: V.self)
                    p += rowBytes
                    multiplyAdd(&a0, V(repeating: w.0[r]), v)
                    multiplyAdd(&a1, V(repeating: w.1[r]), v)
                    multiplyAdd(&a2, V(repeating: w.2[r]), v)
                    multiplyAdd(&a3, V(repeating: w.3[r]), v)
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
        kernels: KernelTable?, rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, outputs: Int, firstRow: Int,
        depth: Int, outputGradient dy: UnsafePointer<Scalar>, outputStride ys: Int, count: Int,
        into d: UnsafeMutablePointer<Scalar>, stride ds: Int, accumulate: Bool
    ) {
        if KernelTable.transposedProduct(
            kernels, rows: rows, outputs: outputs, firstRow: firstRow, depth: depth, outputGradient: dy,
            outputStride: ys, count: count, into: d, stride: ds, accumulate: accumulate)
        {
            return
        }
        typealias V = SIMD8<Scalar>
        let raw = UnsafeRawPointer(dy)
        let size = MemoryLayout<Scalar>.stride
        let rowBytes = ys &* size
        var r = 0
        while r < depth {
            let block = min(4, depth - r)
            // Rows past the block repeat its last row; their sums are computed but never stored.
            let last = block - 1
            var j = 0
            while j + 16 <= count {
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                var b0 = V.zero
                var b1 = V.zero
                var b2 = V.zero
                var b3 = V.zero
                var p = raw + j &* size
                for m in 0..<outputs {
                    let v = p.loadUnaligned(as: V.self)
                    let u = p.loadUnaligned(fromByteOffset: 8 &* size, as: V.self)
                    p += rowBytes
                    let w = rows[m] + (firstRow &+ r)
                    let (x0, x1, x2, x3) = (
                        V(repeating: w[0]), V(repeating: w[min(1, last)]), V(repeating: w[min(2, last)]),
                        V(repeating: w[min(3, last)])
                    )
                    multiplyAdd(&a0, x0, v)
                    multiplyAdd(&b0, x0, u)
                    multiplyAdd(&a1, x1, v)
                    multiplyAdd(&b1, x1, u)
                    multiplyAdd(&a2, x2, v)
                    multiplyAdd(&b2, x2, u)
                    multiplyAdd(&a3, x3, v)
                    multiplyAdd(&b3, x3, u)
                }
                let target = d + r * ds + j
                if accumulate {
                    addVector(a0, to: target)
                    addVector(b0, to: target + 8)
                    if block > 1 {
                        addVector(a1, to: target + ds)
                        addVector(b1, to: target + ds + 8)
                    }
                    if block > 2 {
                        addVector(a2, to: target + 2 * ds)
                        addVector(b2, to: target + 2 * ds + 8)
                    }
                    if block > 3 {
                        addVector(a3, to: target + 3 * ds)
                        addVector(b3, to: target + 3 * ds + 8)
                    }
                } else {
                    storeVector(a0, to: target)
                    storeVector(b0, to: target + 8)
                    if block > 1 {
                        storeVector(a1, to: target + ds)
                        storeVector(b1, to: target + ds + 8)
                    }
                    if block > 2 {
                        storeVector(a2, to: target + 2 * ds)
                        storeVector(b2, to: target + 2 * ds + 8)
                    }
                    if block > 3 {
                        storeVector(a3, to: target + 3 * ds)
                        storeVector(b3, to: target + 3 * ds + 8)
                    }
                }
                j += 16
            }
            while j + 8 <= count {
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                var p = raw + j &* size
                for m in 0..<outputs {
                    let v = p.loadUnaligned(as: V.self)
                    p += rowBytes
                    let w = rows[m] + (firstRow &+ r)
                    multiplyAdd(&a0, V(repeating: w[0]), v)
                    if block > 1 { multiplyAdd(&a1, V(repeating: w[1]), v) }
                    if block > 2 { multiplyAdd(&a2, V(repeating: w[2]), v) }
                    if block > 3 { multiplyAdd(&a3, V(repeating: w[3]), v) }
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

    /// `accumulator += a · b` lane-wise: a multiply then an add (two roundings), as the C kernels do at every level.
    @inline(__always)
    static func multiplyAdd<Scalar: EngineScalar>(
        _ accumulator: inout SIMD8<Scalar>, _ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>
    ) {
        accumulator += a * b
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
