// SPDX-License-Identifier: GPL-3.0-or-later

import CTinyKernels

/// Float32 entry points into the per-level C kernels (``KernelISA``). Each returns `false`, doing nothing, when
/// there is no table or the scalar is not `Float` (float64 runs the Swift kernels); otherwise it has computed
/// exactly what the Swift kernel of the same name computes, bit for bit.
extension KernelTable {
    @inline(__always)
    static func floats<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }

    @inline(__always)
    static func floats<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }

    @inline(__always)
    static func rowTable<Scalar>(_ rows: UnsafePointer<UnsafeMutablePointer<Scalar>>) -> UnsafePointer<
        UnsafePointer<Float>?
    > {
        UnsafeRawPointer(rows).assumingMemoryBound(to: UnsafePointer<Float>?.self)
    }

    /// See ``Kernels/productAccumulate(kernels:rows:outputs:firstRow:depth:columns:columnStride:count:output:outputStride:)``.
    @inline(__always)
    static func productAccumulate<Scalar: EngineScalar>(
        _ table: KernelTable?, rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, outputs: Int, firstRow: Int,
        depth: Int, columns c: UnsafePointer<Scalar>, columnStride cs: Int, count: Int,
        output y: UnsafeMutablePointer<Scalar>, outputStride ys: Int
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        table.functions.pointee.product_accumulate(
            rowTable(rows), outputs, firstRow, depth, floats(c), cs, count, floats(y), ys)
        return true
    }

    /// See ``Kernels/transposedProduct(kernels:rows:outputs:firstRow:depth:outputGradient:outputStride:count:into:stride:accumulate:)``.
    @inline(__always)
    static func transposedProduct<Scalar: EngineScalar>(
        _ table: KernelTable?, rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, outputs: Int, firstRow: Int,
        depth: Int, outputGradient dy: UnsafePointer<Scalar>, outputStride ys: Int, count: Int,
        into d: UnsafeMutablePointer<Scalar>, stride ds: Int, accumulate: Bool
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        table.functions.pointee.transposed_product(
            rowTable(rows), outputs, firstRow, depth, floats(dy), ys, count, floats(d), ds, accumulate ? 1 : 0)
        return true
    }

    /// `dW[j·dWs + r] += dot8(dy + trainableRows[j]·dys, c + r·cs, count)` for the `members` `j` and `r < depth`:
    /// what ``Kernels/weightPairProduct(outputGradients:targets:pair:columns:columnStride:depth:count:)`` computes
    /// for every pair of members.
    @inline(__always)
    static func weightProduct<Scalar: EngineScalar>(
        _ table: KernelTable?, members: UnsafeBufferPointer<Int>, trainableRows: UnsafeBufferPointer<Int>,
        outputGradient dy: UnsafePointer<Scalar>, gradientStride dys: Int,
        weightGradient dW: UnsafeMutablePointer<Scalar>,
        weightStride dWs: Int, columns c: UnsafePointer<Scalar>, columnStride cs: Int, depth: Int, count: Int
    ) -> Bool {
        guard Scalar.self == Float.self, let table, let memberBase = members.baseAddress,
            let rowBase = trainableRows.baseAddress
        else { return false }
        table.functions.pointee.weight_product(
            memberBase, members.count, rowBase, floats(dy), dys, floats(dW), dWs, floats(c), cs, depth, count)
        return true
    }

    /// `dW[j·dWs + r] += Σ_{p<count} dy[trainableRows[j]·dys + p] · c[p·depth + r]` for the `members` `j` and
    /// `r < depth` (an unrolled block stored position-major): what
    /// ``Kernels/transposedWeightProduct(members:trainableRows:outputGradient:gradientStride:weightGradient:weightStride:columns:depth:count:)``
    /// computes.
    @inline(__always)
    static func transposedWeightProduct<Scalar: EngineScalar>(
        _ table: KernelTable?, members: UnsafeBufferPointer<Int>, trainableRows: UnsafeBufferPointer<Int>,
        outputGradient dy: UnsafePointer<Scalar>, gradientStride dys: Int,
        weightGradient dW: UnsafeMutablePointer<Scalar>,
        weightStride dWs: Int, columns c: UnsafePointer<Scalar>, depth: Int, count: Int
    ) -> Bool {
        guard Scalar.self == Float.self, let table, let memberBase = members.baseAddress,
            let rowBase = trainableRows.baseAddress
        else { return false }
        table.functions.pointee.weight_product_transposed(
            memberBase, members.count, rowBase, floats(dy), dys, floats(dW), dWs, floats(c), depth, count)
        return true
    }

    /// The products of ``Kernels/linearForward(kernels:batch:inFeatures:outFeatures:input:rows:bias:output:activation:mask:)``
    /// before the activation.
    @inline(__always)
    static func linearForward<Scalar: EngineScalar>(
        _ table: KernelTable?, batch: Int, inFeatures: Int, outFeatures: Int, input x: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, bias: UnsafePointer<Scalar>?,
        output y: UnsafeMutablePointer<Scalar>
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        table.functions.pointee.linear_forward(
            batch, inFeatures, outFeatures, floats(x), rowTable(rows), bias.map { floats($0) }, floats(y))
        return true
    }

    /// See ``Kernels/linearBackwardInput(kernels:batch:inFeatures:outFeatures:outputGradient:rows:inputGradient:)``.
    @inline(__always)
    static func linearBackwardInput<Scalar: EngineScalar>(
        _ table: KernelTable?, batch: Int, inFeatures: Int, outFeatures: Int, outputGradient dy: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, inputGradient dx: UnsafeMutablePointer<Scalar>
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        table.functions.pointee.linear_backward_input(
            batch, inFeatures, outFeatures, floats(dy), rowTable(rows), floats(dx))
        return true
    }

    /// See ``Kernels/linearBackwardWeights(kernels:batch:inFeatures:outFeatures:outputGradient:input:trainableRows:weightGradient:)``.
    @inline(__always)
    static func linearBackwardWeights<Scalar: EngineScalar>(
        _ table: KernelTable?, batch: Int, inFeatures: Int, outFeatures: Int, outputGradient dy: UnsafePointer<Scalar>,
        input x: UnsafePointer<Scalar>, trainableRows: UnsafeBufferPointer<Int>,
        weightGradient dW: UnsafeMutablePointer<Scalar>
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        guard let rowBase = trainableRows.baseAddress else { return true }
        table.functions.pointee.linear_backward_weights(
            batch, inFeatures, outFeatures, floats(dy), floats(x), rowBase, trainableRows.count, floats(dW))
        return true
    }

    /// The C geometry of `g`.
    @inline(__always)
    static func geometry(_ g: ConvGeometry) -> tt_conv_geometry {
        tt_conv_geometry(
            inHeight: g.inHeight, inWidth: g.inWidth, outHeight: g.outHeight, outWidth: g.outWidth, kernel: g.kernel,
            stride: g.stride, padding: g.padding)
    }

    /// See ``Kernels/unroll(_:kernels:taps:input:sample:group:firstRow:rowCount:firstPosition:count:into:stride:)``;
    /// `planes` is the group's first input plane of the sample.
    @inline(__always)
    static func unroll<Scalar: EngineScalar>(
        _ table: KernelTable?, _ g: ConvGeometry, planes: UnsafePointer<Scalar>, firstRow: Int, rowCount: Int,
        firstPosition: Int, count: Int, into columns: UnsafeMutablePointer<Scalar>, stride: Int
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        var c = geometry(g)
        table.functions.pointee.unroll(
            &c, floats(planes), firstRow, rowCount, firstPosition, count, floats(columns), stride)
        return true
    }

    /// See ``Kernels/unrollTransposed(_:kernels:taps:input:sample:group:firstRow:rowCount:firstPosition:count:into:)``.
    @inline(__always)
    static func unrollTransposed<Scalar: EngineScalar>(
        _ table: KernelTable?, _ g: ConvGeometry, planes: UnsafePointer<Scalar>, firstRow: Int, rowCount: Int,
        firstPosition: Int, count: Int, into columns: UnsafeMutablePointer<Scalar>
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        var c = geometry(g)
        table.functions.pointee.unroll_transposed(
            &c, floats(planes), firstRow, rowCount, firstPosition, count, floats(columns))
        return true
    }

    /// See ``Kernels/foldBack(_:kernels:taps:columns:stride:sample:group:firstRow:rowCount:firstPosition:count:into:)``;
    /// `planes` is the group's first input-gradient plane of the sample.
    @inline(__always)
    static func foldBack<Scalar: EngineScalar>(
        _ table: KernelTable?, _ g: ConvGeometry, columns: UnsafePointer<Scalar>, stride: Int,
        planes: UnsafeMutablePointer<Scalar>, firstRow: Int, rowCount: Int, firstPosition: Int, count: Int
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        var c = geometry(g)
        table.functions.pointee.fold_back(
            &c, floats(columns), stride, floats(planes), firstRow, rowCount, firstPosition, count)
        return true
    }

    /// See ``Kernels/maxPoolForward2x2(_:kernels:input:output:argmax:)``.
    @inline(__always)
    static func maxPool2x2<Scalar: EngineScalar>(
        _ table: KernelTable?, _ g: PoolGeometry, input x: UnsafePointer<Scalar>,
        output y: UnsafeMutablePointer<Scalar>,
        argmax: UnsafeMutablePointer<UInt8>?
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        table.functions.pointee.max_pool_2x2(
            g.planes, g.inHeight, g.inWidth, g.outHeight, g.outWidth, floats(x), floats(y), argmax)
        return true
    }

    /// See ``Kernels/applyMask(kernels:_:count:mask:)``.
    @inline(__always)
    static func applyMask<Scalar: EngineScalar>(
        _ table: KernelTable?, _ gradient: UnsafeMutablePointer<Scalar>, count: Int, mask: UnsafePointer<UInt8>
    ) -> Bool {
        guard Scalar.self == Float.self, let table else { return false }
        table.functions.pointee.apply_mask(floats(gradient), count, mask)
        return true
    }
}
