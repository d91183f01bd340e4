// SPDX-License-Identifier: GPL-3.0-or-later

/// The compute kernels: NCHW, unsafe buffers, generic over the scalar so tests can run them in float64.
///
/// Accumulation order: every sum runs in a fixed loop order (documented per kernel) in the scalar type, so
/// results are bit-identical run to run; float32 and float64 results differ by rounding only. Kernels that
/// produce gradients accumulate (`+=`) into buffers the executor zeroes when they become live.
enum Kernels {
    /// Output positions `o` of one axis whose input index `o · stride − padding + offset` lies in `0..<inputCount`.
    @inline(__always)
    static func validRange(outputCount: Int, inputCount: Int, stride: Int, padding: Int, offset: Int) -> Range<Int> {
        let shift = padding - offset
        let low = shift > 0 ? (shift + stride - 1) / stride : 0
        let top = inputCount - 1 + shift
        guard top >= 0 else { return 0..<0 }
        let high = min(outputCount, top / stride + 1)
        return low < high ? low..<high : 0..<0
    }

    /// Applies `activation` in place to `count` values and, when `mask` is given, sets bit `maskStart + i` where
    /// the activation's derivative at value `i` is one (ReLU: x > 0; ReLU6: 0 < x < 6). Mask bytes start zeroed.
    @inline(__always)
    static func activate<Scalar: EngineScalar>(
        _ values: UnsafeMutablePointer<Scalar>, count: Int, activation: Activation, mask: UnsafeMutablePointer<UInt8>?,
        maskStart: Int
    ) {
        let ceiling = Scalar(Activation.relu6Ceiling)
        switch activation {
        case .none:
            return
        case .relu:
            if let mask, maskStart & 7 == 0 {
                reluWithMask(values, count: count, mask: mask + maskStart &>> 3)
                return
            }
            for i in 0..<count {
                let v = values[i]
                if v > 0 {
                    if let mask { setBit(mask, maskStart + i) }
                } else {
                    values[i] = 0
                }
            }
        case .relu6:
            for i in 0..<count {
                let v = values[i]
                if v <= 0 {
                    values[i] = 0
                } else if v >= ceiling {
                    values[i] = ceiling
                } else if let mask {
                    setBit(mask, maskStart + i)
                }
            }
        }
    }

    /// ReLU in place over `count` values with mask bit `i` set where value `i` is positive, eight values per mask
    /// byte, written so that the compiler need not branch on the data (the signs are as good as random).
    @inline(__always)
    static func reluWithMask<Scalar: EngineScalar>(
        _ values: UnsafeMutablePointer<Scalar>, count: Int, mask: UnsafeMutablePointer<UInt8>
    ) {
        let whole = count &>> 3
        for byte in 0..<whole {
            let p = values + byte &<< 3
            var bits: UInt8 = 0
            for b in 0..<8 {
                let v = p[b]
                let positive = v > 0
                bits |= (positive ? 1 : 0) &<< UInt8(b)
                p[b] = positive ? v : 0
            }
            mask[byte] |= bits
        }
        for i in (whole &<< 3)..<count {
            let v = values[i]
            if v > 0 { setBit(mask, i) } else { values[i] = 0 }
        }
    }

    @inline(__always)
    static func setBit(_ mask: UnsafeMutablePointer<UInt8>, _ index: Int) {
        mask[index &>> 3] |= UInt8(1) &<< UInt8(index & 7)
    }

    /// Zeroes `gradient[i]` where mask bit `i` is clear (the backward of a masked activation, in place).
    static func applyMask<Scalar: EngineScalar>(
        kernels: KernelTable?, _ gradient: UnsafeMutablePointer<Scalar>, count: Int, mask: UnsafePointer<UInt8>
    ) {
        if KernelTable.applyMask(kernels, gradient, count: count, mask: mask) { return }
        // Whole mask bytes first: all set leaves eight values alone, none set zeroes them.
        let whole = count &>> 3
        for byte in 0..<whole {
            let bits = mask[byte]
            if bits == 0xFF { continue }
            let values = gradient + byte &<< 3
            if bits == 0 {
                values.update(repeating: 0, count: 8)
                continue
            }
            for b in 0..<8 { values[b] = bits & (UInt8(1) &<< UInt8(b)) != 0 ? values[b] : 0 }
        }
        for i in (whole &<< 3)..<count where mask[i &>> 3] & (UInt8(1) &<< UInt8(i & 7)) == 0 { gradient[i] = 0 }
    }

    /// Whether the activation's derivative is one at output value `y` (ReLU: y > 0; ReLU6: 0 < y < 6) — the
    /// same condition as the mask bit, read off the saved output instead.
    @inline(__always)
    static func passes<Scalar: EngineScalar>(_ y: Scalar, _ activation: Activation) -> Bool {
        switch activation {
        case .none: true
        case .relu: y > 0
        case .relu6: y > 0 && y < Scalar(Activation.relu6Ceiling)
        }
    }

    /// Zeroes `gradient[i]` where the activation's derivative at saved output `y[i]` is zero.
    static func applyDerivative<Scalar: EngineScalar>(
        _ gradient: UnsafeMutablePointer<Scalar>, count: Int, output y: UnsafePointer<Scalar>, activation: Activation
    ) {
        for i in 0..<count where !passes(y[i], activation) { gradient[i] = 0 }
    }

    /// `dx[i] += derivative at y[i] ≠ 0 ? dy[i] : 0`.
    static func derivativeAccumulate<Scalar: EngineScalar>(
        _ dy: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>, count: Int, output y: UnsafePointer<Scalar>,
        activation: Activation
    ) {
        for i in 0..<count where passes(y[i], activation) { dx[i] += dy[i] }
    }

    /// `dx[i] += mask bit i ? dy[i] : 0`.
    static func maskedAccumulate<Scalar: EngineScalar>(
        _ dy: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>, count: Int, mask: UnsafePointer<UInt8>
    ) {
        for i in 0..<count where mask[i &>> 3] & (UInt8(1) &<< UInt8(i & 7)) != 0 { dx[i] += dy[i] }
    }

    /// `y[i] = a[i] + b[i]`.
    static func add<Scalar: EngineScalar>(
        _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, count: Int
    ) {
        for i in 0..<count { y[i] = a[i] + b[i] }
    }

    /// `dx[i] += dy[i]`.
    static func accumulate<Scalar: EngineScalar>(
        _ dy: UnsafePointer<Scalar>, into dx: UnsafeMutablePointer<Scalar>, count: Int
    ) {
        for i in 0..<count { dx[i] += dy[i] }
    }

    /// `db[c] += Σ_{n,p} dy[n, c, p]` over `batch` samples of `channels × plane` (samples, then positions).
    static func biasGradient<Scalar: EngineScalar>(
        _ dy: UnsafePointer<Scalar>, batch: Int, channels: Int, plane: Int, into db: UnsafeMutablePointer<Scalar>
    ) {
        for n in 0..<batch {
            for c in 0..<channels {
                let row = dy + (n * channels + c) * plane
                var sum: Scalar = 0
                for p in 0..<plane { sum += row[p] }
                db[c] += sum
            }
        }
    }

    /// SGD step on `count` parameters: without momentum `w −= lr · g`; with momentum μ (PyTorch's form)
    /// `v = μ · v + g; w −= lr · v`.
    static func sgd<Scalar: EngineScalar>(
        _ w: UnsafeMutablePointer<Scalar>, gradient g: UnsafePointer<Scalar>, velocity v: UnsafeMutablePointer<Scalar>?,
        count: Int, learningRate: Scalar, momentum: Scalar
    ) {
        if let v {
            for i in 0..<count {
                v[i] = momentum * v[i] + g[i]
                w[i] -= learningRate * v[i]
            }
        } else {
            for i in 0..<count { w[i] -= learningRate * g[i] }
        }
    }
}
