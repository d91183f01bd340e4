// SPDX-License-Identifier: GPL-3.0-or-later

extension Kernels {
    /// `Σ a[i] · b[i]`, accumulated in two 8-lane vectors (element i goes to lane i mod 16), whose lanes are then
    /// summed in order, and a scalar tail. Deterministic; differs from a sequential sum by rounding only.
    @inline(__always)
    static func dot<Scalar: EngineScalar>(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, count: Int) -> Scalar
    {
        var low = SIMD8<Scalar>(repeating: 0)
        var high = SIMD8<Scalar>(repeating: 0)
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        let stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + 16 <= count {
            low +=
                rawA.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
                * rawB.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
            high +=
                rawA.loadUnaligned(fromByteOffset: (i + 8) * stride, as: SIMD8<Scalar>.self)
                * rawB.loadUnaligned(fromByteOffset: (i + 8) * stride, as: SIMD8<Scalar>.self)
            i += 16
        }
        var sum = (low + high).sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// `y[i] += alpha · x[i]` for `i` in `0..<count`, eight lanes at a time (elementwise, so order-free).
    @inline(__always)
    static func axpy<Scalar: EngineScalar>(
        _ alpha: Scalar, _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, count: Int
    ) {
        let rawX = UnsafeRawPointer(x)
        let rawY = UnsafeMutableRawPointer(y)
        let stride = MemoryLayout<Scalar>.stride
        let scale = SIMD8<Scalar>(repeating: alpha)
        var i = 0
        while i + 8 <= count {
            let offset = i * stride
            let updated =
                rawY.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self)
                + scale * rawX.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self)
            rawY.storeBytes(of: updated, toByteOffset: offset, as: SIMD8<Scalar>.self)
            i += 8
        }
        while i < count {
            y[i] += alpha * x[i]
            i += 1
        }
    }
}
