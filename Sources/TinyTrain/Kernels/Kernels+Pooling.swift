// SPDX-License-Identifier: GPL-3.0-or-later

/// Geometry of one pooling call over `batch · channels` planes.
struct PoolGeometry {
    var planes: Int
    var inHeight: Int
    var inWidth: Int
    var outHeight: Int
    var outWidth: Int
    var kernel: Int
    var stride: Int
}

extension Kernels {
    /// Max over each window; the first maximum in row-major window order wins. When `argmax` is given it
    /// receives the winner's window index (`kh · k + kw`, below 256 by construction).
    static func maxPoolForward<Scalar: EngineScalar>(
        _ g: PoolGeometry, kernels: KernelTable?, input x: UnsafePointer<Scalar>,
        output y: UnsafeMutablePointer<Scalar>,
        argmax: UnsafeMutablePointer<UInt8>?
    ) {
        let k = g.kernel
        if k == 2, g.stride == 2 {
            maxPoolForward2x2(g, kernels: kernels, input: x, output: y, argmax: argmax)
            return
        }
        for p in 0..<g.planes {
            let plane = x + p * g.inHeight * g.inWidth
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let corner = plane + oh * g.stride * g.inWidth + ow * g.stride
                    var best = corner[0]
                    var bestIndex = 0
                    for kh in 0..<k {
                        for kw in 0..<k where corner[kh * g.inWidth + kw] > best {
                            best = corner[kh * g.inWidth + kw]
                            bestIndex = kh * k + kw
                        }
                    }
                    let out = (p * g.outHeight + oh) * g.outWidth + ow
                    y[out] = best
                    argmax?[out] = UInt8(truncatingIfNeeded: bestIndex)
                }
            }
        }
    }

    /// ``maxPoolForward(_:kernels:input:output:argmax:)`` for the common 2×2 window of stride 2, with the same result
    /// (the first maximum in row-major window order wins).
    static func maxPoolForward2x2<Scalar: EngineScalar>(
        _ g: PoolGeometry, kernels: KernelTable?, input x: UnsafePointer<Scalar>,
        output y: UnsafeMutablePointer<Scalar>,
        argmax: UnsafeMutablePointer<UInt8>?
    ) {
        if KernelTable.maxPool2x2(kernels, g, input: x, output: y, argmax: argmax) { return }
        let w = g.inWidth
        for p in 0..<g.planes {
            let plane = x + p * g.inHeight * w
            for oh in 0..<g.outHeight {
                let top = plane + 2 * oh * w
                let bottom = top + w
                let out = (p * g.outHeight + oh) * g.outWidth
                for ow in 0..<g.outWidth {
                    let (v0, v1, v2, v3) = (top[2 * ow], top[2 * ow + 1], bottom[2 * ow], bottom[2 * ow + 1])
                    var best = v0
                    var index: UInt8 = 0
                    if v1 > best {
                        best = v1
                        index = 1
                    }
                    if v2 > best {
                        best = v2
                        index = 2
                    }
                    if v3 > best {
                        best = v3
                        index = 3
                    }
                    y[out + ow] = best
                    argmax?[out + ow] = index
                }
            }
        }
    }

    /// Routes each output gradient to its window's argmax: `dx[argmax] += dy`.
    static func maxPoolBackward<Scalar: EngineScalar>(
        _ g: PoolGeometry, outputGradient dy: UnsafePointer<Scalar>, argmax: UnsafePointer<UInt8>,
        inputGradient dx: UnsafeMutablePointer<Scalar>
    ) {
        for p in 0..<g.planes {
            let plane = dx + p * g.inHeight * g.inWidth
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let out = (p * g.outHeight + oh) * g.outWidth + ow
                    let index = Int(argmax[out])
                    let (kh, kw) = index.quotientAndRemainder(dividingBy: g.kernel)
                    plane[(oh * g.stride + kh) * g.inWidth + ow * g.stride + kw] += dy[out]
                }
            }
        }
    }

    /// Mean over each window (row-major sum, then one division).
    static func avgPoolForward<Scalar: EngineScalar>(
        _ g: PoolGeometry, input x: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>
    ) {
        let k = g.kernel
        let count = Scalar(k * k)
        for p in 0..<g.planes {
            let plane = x + p * g.inHeight * g.inWidth
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let corner = plane + oh * g.stride * g.inWidth + ow * g.stride
                    var sum: Scalar = 0
                    for kh in 0..<k {
                        for kw in 0..<k { sum += corner[kh * g.inWidth + kw] }
                    }
                    y[(p * g.outHeight + oh) * g.outWidth + ow] = sum / count
                }
            }
        }
    }

    /// `dx += dy / k²` over each window.
    static func avgPoolBackward<Scalar: EngineScalar>(
        _ g: PoolGeometry, outputGradient dy: UnsafePointer<Scalar>, inputGradient dx: UnsafeMutablePointer<Scalar>
    ) {
        let k = g.kernel
        let count = Scalar(k * k)
        for p in 0..<g.planes {
            let plane = dx + p * g.inHeight * g.inWidth
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let share = dy[(p * g.outHeight + oh) * g.outWidth + ow] / count
                    let corner = plane + oh * g.stride * g.inWidth + ow * g.stride
                    for kh in 0..<k {
                        for kw in 0..<k { corner[kh * g.inWidth + kw] += share }
                    }
                }
            }
        }
    }

    /// Mean of each plane.
    static func globalAvgPoolForward<Scalar: EngineScalar>(
        planes: Int, plane: Int, input x: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>
    ) {
        for p in 0..<planes {
            var sum: Scalar = 0
            for i in 0..<plane { sum += x[p * plane + i] }
            y[p] = sum / Scalar(plane)
        }
    }

    /// `dx += dy / plane` over each plane.
    static func globalAvgPoolBackward<Scalar: EngineScalar>(
        planes: Int, plane: Int, outputGradient dy: UnsafePointer<Scalar>,
        inputGradient dx: UnsafeMutablePointer<Scalar>
    ) {
        for p in 0..<planes {
            let share = dy[p] / Scalar(plane)
            for i in 0..<plane { dx[p * plane + i] += share }
        }
    }
}
