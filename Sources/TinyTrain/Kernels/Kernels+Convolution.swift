// SPDX-License-Identifier: GPL-3.0-or-later

/// Geometry of one conv2d call, resolved from the plan.
struct ConvGeometry {
    var batch: Int
    var inChannels: Int
    var inHeight: Int
    var inWidth: Int
    var outChannels: Int
    var outHeight: Int
    var outWidth: Int
    var kernel: Int
    var stride: Int
    var padding: Int
    var groups: Int

    /// The geometry of a convolution layer on `batch` samples.
    init(_ a: Conv2DAttributes, inShape: TensorShape, outShape: TensorShape, batch: Int) {
        self.batch = batch
        inChannels = inShape.channels
        inHeight = inShape.height
        inWidth = inShape.width
        outChannels = outShape.channels
        outHeight = outShape.height
        outWidth = outShape.width
        kernel = a.kernel
        stride = a.stride
        padding = a.padding
        groups = a.groups
    }

    var inPerGroup: Int { inChannels / groups }
    var outPerGroup: Int { outChannels / groups }
    var inPlane: Int { inHeight * inWidth }
    var outPlane: Int { outHeight * outWidth }
}

/// For each kernel row (column), the output rows (columns) whose input row (column) lies inside the input;
/// computed once per kernel call rather than per tap.
struct TapRanges {
    var rows: [Range<Int>]
    var columns: [Range<Int>]

    init(_ g: ConvGeometry) {
        rows = (0..<g.kernel).map {
            Kernels.validRange(
                outputCount: g.outHeight, inputCount: g.inHeight, stride: g.stride, padding: g.padding, offset: $0)
        }
        columns = (0..<g.kernel).map {
            Kernels.validRange(
                outputCount: g.outWidth, inputCount: g.inWidth, stride: g.stride, padding: g.padding, offset: $0)
        }
    }
}

extension Kernels {
    /// The element count of a tap's rows when they form one contiguous span in both input and output: stride 1,
    /// every output column valid, and rows of equal width; `nil` otherwise.
    @inline(__always)
    static func contiguousSpan(_ g: ConvGeometry, rows: Range<Int>, columns: Range<Int>) -> Int? {
        guard g.stride == 1, g.inWidth == g.outWidth, columns.count == g.outWidth, !rows.isEmpty else { return nil }
        return rows.count * g.outWidth
    }

    /// Direct convolution, no im2col (no workspace). For each sample and output channel, the output plane starts
    /// at the bias and accumulates input channel by input channel, kernel row by row, then column by column;
    /// the innermost loop runs along an output row (with stride 1, along all rows at once where they are contiguous,
    /// eight lanes at a time). The fused activation (and its mask) follows per plane.
    /// - Parameter rows: pointer to each output channel's weights (`[in/groups][k][k]`).
    static func convForwardDirect<Scalar: EngineScalar>(
        _ g: ConvGeometry, input x: UnsafePointer<Scalar>, rows: UnsafePointer<UnsafeMutablePointer<Scalar>>,
        bias: UnsafePointer<Scalar>?, output y: UnsafeMutablePointer<Scalar>, activation: Activation,
        mask: UnsafeMutablePointer<UInt8>?
    ) {
        let k = g.kernel
        let taps = TapRanges(g)
        for n in 0..<g.batch {
            for oc in 0..<g.outChannels {
                let out = y + (n * g.outChannels + oc) * g.outPlane
                out.update(repeating: bias.map { $0[oc] } ?? 0, count: g.outPlane)
                let w = rows[oc]
                let firstIn = (oc / g.outPerGroup) * g.inPerGroup
                for icg in 0..<g.inPerGroup {
                    let plane = x + (n * g.inChannels + firstIn + icg) * g.inPlane
                    for kh in 0..<k {
                        let ohRange = taps.rows[kh]
                        for kw in 0..<k {
                            let weight = w[(icg * k + kh) * k + kw]
                            let owRange = taps.columns[kw]
                            if let span = contiguousSpan(g, rows: ohRange, columns: owRange) {
                                let start = ohRange.lowerBound
                                let inStart = plane + (start - g.padding + kh) * g.inWidth - g.padding + kw
                                axpy(weight, inStart, out + start * g.outWidth, count: span)
                                continue
                            }
                            for oh in ohRange {
                                let inRow = plane + (oh * g.stride - g.padding + kh) * g.inWidth - g.padding + kw
                                let outRow = out + oh * g.outWidth
                                if g.stride == 1 {
                                    let first = owRange.lowerBound
                                    axpy(weight, inRow + first, outRow + first, count: owRange.count)
                                } else {
                                    for ow in owRange { outRow[ow] += weight * inRow[ow * g.stride] }
                                }
                            }
                        }
                    }
                }
                activate(
                    out, count: g.outPlane, activation: activation, mask: mask,
                    maskStart: (n * g.outChannels + oc) * g.outPlane)
            }
        }
    }

    /// Input gradient: `dx[n, ic, ih, iw] += Σ w · dy` over the output positions that read it, in the forward's
    /// loop order (samples, output channels, input channels, kernel rows, kernel columns, output rows and columns).
    static func convBackwardInputDirect<Scalar: EngineScalar>(
        _ g: ConvGeometry, outputGradient dy: UnsafePointer<Scalar>, rows: UnsafePointer<UnsafeMutablePointer<Scalar>>,
        inputGradient dx: UnsafeMutablePointer<Scalar>
    ) {
        let k = g.kernel
        let taps = TapRanges(g)
        for n in 0..<g.batch {
            for oc in 0..<g.outChannels {
                let gradOut = dy + (n * g.outChannels + oc) * g.outPlane
                let w = rows[oc]
                let firstIn = (oc / g.outPerGroup) * g.inPerGroup
                for icg in 0..<g.inPerGroup {
                    let plane = dx + (n * g.inChannels + firstIn + icg) * g.inPlane
                    for kh in 0..<k {
                        let ohRange = taps.rows[kh]
                        for kw in 0..<k {
                            let weight = w[(icg * k + kh) * k + kw]
                            let owRange = taps.columns[kw]
                            if let span = contiguousSpan(g, rows: ohRange, columns: owRange) {
                                let start = ohRange.lowerBound
                                let inStart = plane + (start - g.padding + kh) * g.inWidth - g.padding + kw
                                axpy(weight, gradOut + start * g.outWidth, inStart, count: span)
                                continue
                            }
                            for oh in ohRange {
                                let inRow = plane + (oh * g.stride - g.padding + kh) * g.inWidth - g.padding + kw
                                let outRow = gradOut + oh * g.outWidth
                                if g.stride == 1 {
                                    let first = owRange.lowerBound
                                    axpy(weight, outRow + first, inRow + first, count: owRange.count)
                                } else {
                                    for ow in owRange { inRow[ow * g.stride] += weight * outRow[ow] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Weight gradient of the trainable rows: `dW[j] += Σ_{n,oh,ow} dy[n, rows[j]] · x` (samples, then kernel
    /// taps, then output positions; with stride 1 each span's sum is a lane-wise ``dot(_:_:count:)``). `dW` holds the trainable rows contiguously, in `trainableRows` order.
    static func convBackwardWeightsDirect<Scalar: EngineScalar>(
        _ g: ConvGeometry, outputGradient dy: UnsafePointer<Scalar>, input x: UnsafePointer<Scalar>,
        trainableRows: UnsafeBufferPointer<Int>, weightGradient dW: UnsafeMutablePointer<Scalar>
    ) {
        let k = g.kernel
        let taps = TapRanges(g)
        let rowLength = g.inPerGroup * k * k
        for n in 0..<g.batch {
            for (j, oc) in trainableRows.enumerated() {
                let gradOut = dy + (n * g.outChannels + oc) * g.outPlane
                let gradW = dW + j * rowLength
                let firstIn = (oc / g.outPerGroup) * g.inPerGroup
                for icg in 0..<g.inPerGroup {
                    let plane = x + (n * g.inChannels + firstIn + icg) * g.inPlane
                    for kh in 0..<k {
                        let ohRange = taps.rows[kh]
                        for kw in 0..<k {
                            let owRange = taps.columns[kw]
                            var sum: Scalar = 0
                            if let span = contiguousSpan(g, rows: ohRange, columns: owRange) {
                                let start = ohRange.lowerBound
                                let inStart = plane + (start - g.padding + kh) * g.inWidth - g.padding + kw
                                sum = dot(gradOut + start * g.outWidth, inStart, count: span)
                            } else {
                                for oh in ohRange {
                                    let inRow = plane + (oh * g.stride - g.padding + kh) * g.inWidth - g.padding + kw
                                    let outRow = gradOut + oh * g.outWidth
                                    if g.stride == 1 {
                                        let first = owRange.lowerBound
                                        sum += dot(outRow + first, inRow + first, count: owRange.count)
                                    } else {
                                        for ow in owRange { sum += outRow[ow] * inRow[ow * g.stride] }
                                    }
                                }
                            }
                            gradW[(icg * k + kh) * k + kw] += sum
                        }
                    }
                }
            }
        }
    }
}
