// SPDX-License-Identifier: GPL-3.0-or-later

extension Kernels {
    /// Samples a linear kernel handles together, so that each weight vector loaded serves all of them.
    static let linearSampleBlock = 4

    /// `y[n, o] = bias[o] + Σ_i w[o, i] · x[n, i]`, then the fused activation.
    ///
    /// Accumulation order: element `i` goes to lane `i mod 8` of one 8-lane sum (in increasing `i`), the lanes
    /// are then summed in order (``SIMD/sum()``), then the scalar tail, then the bias. Up to
    /// ``linearSampleBlock`` samples share each weight load; the order per sample does not depend on the block,
    /// so a sample's outputs are the same at any batch position.
    /// - Parameter kernels: the float32 kernels to run (`nil`: this Swift code).
    static func linearForward<Scalar: EngineScalar>(
        kernels: KernelTable?, batch: Int, inFeatures: Int, outFeatures: Int, input x: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, bias: UnsafePointer<Scalar>?,
        output y: UnsafeMutablePointer<Scalar>, activation: Activation, mask: UnsafeMutablePointer<UInt8>?
    ) {
        if KernelTable.linearForward(
            kernels, batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, input: x, rows: rows, bias: bias,
            output: y)
        {
            for n in 0..<batch {
                activate(
                    y + n * outFeatures, count: outFeatures, activation: activation, mask: mask,
                    maskStart: n * outFeatures)
            }
            return
        }
        typealias V = SIMD8<Scalar>
        let size = MemoryLayout<Scalar>.stride
        let vectorEnd = inFeatures & ~7
        var n = 0
        while n + linearSampleBlock <= batch {
            let s = (
                UnsafeRawPointer(x + n * inFeatures), UnsafeRawPointer(x + (n + 1) * inFeatures),
                UnsafeRawPointer(x + (n + 2) * inFeatures), UnsafeRawPointer(x + (n + 3) * inFeatures)
            )
            for o in 0..<outFeatures {
                let w = UnsafeRawPointer(rows[o])
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                var i = 0
                while i < vectorEnd {
                    let v = w.loadUnaligned(fromByteOffset: i * size, as: V.self)
                    multiplyAdd(&a0, v, s.0.loadUnaligned(fromByteOffset: i * size, as: V.self))
                    multiplyAdd(&a1, v, s.1.loadUnaligned(fromByteOffset: i * size, as: V.self))
                    multiplyAdd(&a2, v, s.2.loadUnaligned(fromByteOffset: i * size, as: V.self))
                    multiplyAdd(&a3, v, s.3.loadUnaligned(fromByteOffset: i * size, as: V.self))
                    i += 8
                }
                let b = bias.map { $0[o] } ?? 0
                let partials = (a0.sum(), a1.sum(), a2.sum(), a3.sum())
                for k in 0..<linearSampleBlock {
                    y[(n + k) * outFeatures + o] =
                        finishDot(
                            element(partials, k), rows[o], x + (n + k) * inFeatures, from: vectorEnd, to: inFeatures)
                        + b
                }
            }
            n += linearSampleBlock
        }
        // Remaining samples one at a time, four output features sharing each input load.
        while n < batch {
            let sample = UnsafeRawPointer(x + n * inFeatures)
            var o = 0
            while o < outFeatures {
                let block = min(4, outFeatures - o)
                let w = (
                    UnsafeRawPointer(rows[o]), UnsafeRawPointer(rows[o + min(1, block - 1)]),
                    UnsafeRawPointer(rows[o + min(2, block - 1)]), UnsafeRawPointer(rows[o + min(3, block - 1)])
                )
                var a0 = V.zero
                var a1 = V.zero
                var a2 = V.zero
                var a3 = V.zero
                var i = 0
                while i < vectorEnd {
                    let v = sample.loadUnaligned(fromByteOffset: i * size, as: V.self)
                    multiplyAdd(&a0, w.0.loadUnaligned(fromByteOffset: i * size, as: V.self), v)
                    multiplyAdd(&a1, w.1.loadUnaligned(fromByteOffset: i * size, as: V.self), v)
                    multiplyAdd(&a2, w.2.loadUnaligned(fromByteOffset: i * size, as: V.self), v)
                    multiplyAdd(&a3, w.3.loadUnaligned(fromByteOffset: i * size, as: V.self), v)
                    i += 8
                }
                let partials = (a0.sum(), a1.sum(), a2.sum(), a3.sum())
                for k in 0..<block {
                    y[n * outFeatures + o + k] =
                        finishDot(
                            element(partials, k), rows[o + k], x + n * inFeatures, from: vectorEnd, to: inFeatures)
                        + (bias.map { $0[o + k] } ?? 0)
                }
                o += block
            }
            n += 1
        }
        for n in 0..<batch {
            activate(
                y + n * outFeatures, count: outFeatures, activation: activation, mask: mask,
                maskStart: n * outFeatures)
        }
    }

    /// Element `k` (0…3) of a four-tuple.
    @inline(__always)
    static func element<Scalar>(_ t: (Scalar, Scalar, Scalar, Scalar), _ k: Int) -> Scalar {
        switch k {
        case 0: t.0
        case 1: t.1
        case 2: t.2
        default: t.3
        }
    }

    /// `partial + Σ_{from ≤ t < to} w[t] · x[t]` in increasing `t` (the scalar tail of a dot product).
    @inline(__always)
    static func finishDot<Scalar: EngineScalar>(
        _ partial: Scalar, _ w: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, from: Int, to: Int
    ) -> Scalar {
        var sum = partial
        for t in from..<to { sum += w[t] * x[t] }
        return sum
    }

    /// `dx[n, i] += Σ_o w[o, i] · dy[n, o]`, added to `dx` one output feature at a time in increasing `o`
    /// (kept in registers in between, so the rounding is that of sequential `+=`). Up to ``linearSampleBlock``
    /// samples share each weight load.
    static func linearBackwardInput<Scalar: EngineScalar>(
        kernels: KernelTable?, batch: Int, inFeatures: Int, outFeatures: Int, outputGradient dy: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, inputGradient dx: UnsafeMutablePointer<Scalar>
    ) {
        if KernelTable.linearBackwardInput(
            kernels, batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, outputGradient: dy, rows: rows,
            inputGradient: dx)
        {
            return
        }
        typealias V = SIMD8<Scalar>
        let size = MemoryLayout<Scalar>.stride
        let vectorEnd = inFeatures & ~7
        var n = 0
        while n + linearSampleBlock <= batch {
            let g = (
                dy + n * outFeatures, dy + (n + 1) * outFeatures, dy + (n + 2) * outFeatures, dy + (n + 3) * outFeatures
            )
            let t = (
                UnsafeMutableRawPointer(dx + n * inFeatures), UnsafeMutableRawPointer(dx + (n + 1) * inFeatures),
                UnsafeMutableRawPointer(dx + (n + 2) * inFeatures), UnsafeMutableRawPointer(dx + (n + 3) * inFeatures)
            )
            var i = 0
            while i < vectorEnd {
                let offset = i * size
                var a0 = t.0.loadUnaligned(fromByteOffset: offset, as: V.self)
                var a1 = t.1.loadUnaligned(fromByteOffset: offset, as: V.self)
                var a2 = t.2.loadUnaligned(fromByteOffset: offset, as: V.self)
                var a3 = t.3.loadUnaligned(fromByteOffset: offset, as: V.self)
                for o in 0..<outFeatures {
                    let v = UnsafeRawPointer(rows[o]).loadUnaligned(fromByteOffset: offset, as: V.self)
                    multiplyAdd(&a0, V(repeating: g.0[o]), v)
                    multiplyAdd(&a1, V(repeating: g.1[o]), v)
                    multiplyAdd(&a2, V(repeating: g.2[o]), v)
                    multiplyAdd(&a3, V(repeating: g.3[o]), v)
                }
                t.0.storeBytes(of: a0, toByteOffset: offset, as: V.self)
                t.1.storeBytes(of: a1, toByteOffset: offset, as: V.self)
                t.2.storeBytes(of: a2, toByteOffset: offset, as: V.self)
                t.3.storeBytes(of: a3, toByteOffset: offset, as: V.self)
                i += 8
            }
            n += linearSampleBlock
        }
        // Remaining samples one at a time, 32 input features per pass over the weights.
        while n < batch {
            let g = dy + n * outFeatures
            let t = UnsafeMutableRawPointer(dx + n * inFeatures)
            var i = 0
            while i < vectorEnd {
                let lanes = min(4, (vectorEnd - i) / 8)
                // Chunks past `lanes` repeat the last one; their sums are computed but never stored.
                let offsets = (
                    i * size, (i + 8 * min(1, lanes - 1)) * size, (i + 8 * min(2, lanes - 1)) * size,
                    (i + 8 * min(3, lanes - 1)) * size
                )
                var a0 = t.loadUnaligned(fromByteOffset: offsets.0, as: V.self)
                var a1 = t.loadUnaligned(fromByteOffset: offsets.1, as: V.self)
                var a2 = t.loadUnaligned(fromByteOffset: offsets.2, as: V.self)
                var a3 = t.loadUnaligned(fromByteOffset: offsets.3, as: V.self)
                for o in 0..<outFeatures {
                    let w = UnsafeRawPointer(rows[o])
                    let scale = V(repeating: g[o])
                    multiplyAdd(&a0, scale, w.loadUnaligned(fromByteOffset: offsets.0, as: V.self))
                    multiplyAdd(&a1, scale, w.loadUnaligned(fromByteOffset: offsets.1, as: V.self))
                    multiplyAdd(&a2, scale, w.loadUnaligned(fromByteOffset: offsets.2, as: V.self))
                    multiplyAdd(&a3, scale, w.loadUnaligned(fromByteOffset: offsets.3, as: V.self))
                }
                if lanes > 3 { t.storeBytes(of: a3, toByteOffset: offsets.3, as: V.self) }
                if lanes > 2 { t.storeBytes(of: a2, toByteOffset: offsets.2, as: V.self) }
                if lanes > 1 { t.storeBytes(of: a1, toByteOffset: offsets.1, as: V.self) }
                t.storeBytes(of: a0, toByteOffset: offsets.0, as: V.self)
                i += 8 * lanes
            }
            n += 1
        }
        for n in 0..<batch {
            let gradIn = dx + n * inFeatures
            for o in 0..<outFeatures {
                let gradient = dy[n * outFeatures + o]
                for i in vectorEnd..<inFeatures { gradIn[i] += gradient * rows[o][i] }
            }
        }
    }

    /// `dW[j, i] += Σ_n dy[n, rows[j]] · x[n, i]` for the trainable rows, added one sample at a time in
    /// increasing `n` (kept in registers in between, so the rounding is that of sequential `+=`); four weight
    /// rows share each input load. Rows whose output gradient is zero on every sample are left untouched.
    static func linearBackwardWeights<Scalar: EngineScalar>(
        kernels: KernelTable?, batch: Int, inFeatures: Int, outFeatures: Int, outputGradient dy: UnsafePointer<Scalar>,
        input x: UnsafePointer<Scalar>, trainableRows: UnsafeBufferPointer<Int>,
        weightGradient dW: UnsafeMutablePointer<Scalar>
    ) {
        if KernelTable.linearBackwardWeights(
            kernels, batch: batch, inFeatures: inFeatures, outFeatures: outFeatures, outputGradient: dy, input: x,
            trainableRows: trainableRows, weightGradient: dW)
        {
            return
        }
        typealias V = SIMD8<Scalar>
        let size = MemoryLayout<Scalar>.stride
        let vectorEnd = inFeatures & ~7
        let input = UnsafeRawPointer(x)
        // Rows whose output gradient is zero on every sample (common behind a ReLU at small batches) are skipped.
        let isActive = { (j: Int) -> Bool in
            let o = trainableRows[j]
            for n in 0..<batch where dy[n * outFeatures + o] != 0 { return true }
            return false
        }
        var next = 0
        while true {
            var picked = (0, 0, 0, 0)
            var block = 0
            while next < trainableRows.count, block < 4 {
                if isActive(next) {
                    switch block {
                    case 0: picked.0 = next
                    case 1: picked.1 = next
                    case 2: picked.2 = next
                    default: picked.3 = next
                    }
                    block += 1
                }
                next += 1
            }
            if block == 0 { break }
            // Rows past the block repeat its first row; their sums are computed but never stored.
            if block < 2 { picked.1 = picked.0 }
            if block < 3 { picked.2 = picked.0 }
            if block < 4 { picked.3 = picked.0 }
            let o = (
                trainableRows[picked.0], trainableRows[picked.1], trainableRows[picked.2], trainableRows[picked.3]
            )
            let t = (
                UnsafeMutableRawPointer(dW + picked.0 * inFeatures),
                UnsafeMutableRawPointer(dW + picked.1 * inFeatures),
                UnsafeMutableRawPointer(dW + picked.2 * inFeatures), UnsafeMutableRawPointer(dW + picked.3 * inFeatures)
            )
            var i = 0
            while i < vectorEnd {
                let offset = i * size
                var a0 = t.0.loadUnaligned(fromByteOffset: offset, as: V.self)
                var a1 = t.1.loadUnaligned(fromByteOffset: offset, as: V.self)
                var a2 = t.2.loadUnaligned(fromByteOffset: offset, as: V.self)
                var a3 = t.3.loadUnaligned(fromByteOffset: offset, as: V.self)
                for n in 0..<batch {
                    let v = input.loadUnaligned(fromByteOffset: (n * inFeatures + i) * size, as: V.self)
                    let g = dy + n * outFeatures
                    multiplyAdd(&a0, V(repeating: g[o.0]), v)
                    multiplyAdd(&a1, V(repeating: g[o.1]), v)
                    multiplyAdd(&a2, V(repeating: g[o.2]), v)
                    multiplyAdd(&a3, V(repeating: g[o.3]), v)
                }
                if block > 3 { t.3.storeBytes(of: a3, toByteOffset: offset, as: V.self) }
                if block > 2 { t.2.storeBytes(of: a2, toByteOffset: offset, as: V.self) }
                if block > 1 { t.1.storeBytes(of: a1, toByteOffset: offset, as: V.self) }
                t.0.storeBytes(of: a0, toByteOffset: offset, as: V.self)
                i += 8
            }
            for k in 0..<block {
                let j = element(picked, k)
                let target = dW + j * inFeatures
                let row = trainableRows[j]
                for n in 0..<batch {
                    let gradient = dy[n * outFeatures + row]
                    for i in vectorEnd..<inFeatures { target[i] += gradient * x[n * inFeatures + i] }
                }
            }
        }
    }
}
