// SPDX-License-Identifier: GPL-3.0-or-later

extension Kernels {
    /// Convolution forward: bias, then blocked products over the unrolled input (see ``ConvLowering``), then the
    /// fused activation per plane; depthwise convolutions run the direct kernel.
    /// - Parameter workspace: ``ConvLowering/workspaceElements`` scalars (unused when that is zero).
    static func convForward<Scalar: EngineScalar>(
        _ g: ConvGeometry, kernels: KernelTable?, input x: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>,
        bias: UnsafePointer<Scalar>?, output y: UnsafeMutablePointer<Scalar>, activation: Activation,
        mask: UnsafeMutablePointer<UInt8>?, workspace: UnsafeMutablePointer<Scalar>?
    ) {
        let lowering = ConvLowering(geometry: g)
        let taps = TapRanges(g)
        guard lowering.usesProducts else {
            convForwardDirect(g, input: x, rows: rows, bias: bias, output: y, activation: activation, mask: mask)
            return
        }
        let positions = g.outPlane
        for n in 0..<g.batch {
            for oc in 0..<g.outChannels {
                (y + (n * g.outChannels + oc) * positions).update(repeating: bias.map { $0[oc] } ?? 0, count: positions)
            }
            for group in 0..<g.groups {
                let firstOut = group * g.outPerGroup
                let output = y + (n * g.outChannels + firstOut) * positions
                forEachBlock(lowering) { first, count, firstRow, depth in
                    let (columns, stride) = unrolledBlock(
                        lowering, kernels: kernels, taps: taps, input: x, sample: n, group: group, firstRow: firstRow,
                        depth: depth,
                        firstPosition: first, count: count, workspace: workspace)
                    productAccumulate(
                        kernels: kernels, rows: rows + firstOut, outputs: g.outPerGroup, firstRow: firstRow,
                        depth: depth,
                        columns: columns, columnStride: stride, count: count, output: output + first,
                        outputStride: positions)
                }
            }
            for oc in 0..<g.outChannels {
                activate(
                    y + (n * g.outChannels + oc) * positions, count: positions, activation: activation, mask: mask,
                    maskStart: (n * g.outChannels + oc) * positions)
            }
        }
    }

    /// Input gradient: per block, the unrolled-input gradient `Wᵀ · dy` (written straight into `dx` for pointwise
    /// convolutions), folded back onto the input positions it came from.
    static func convBackwardInput<Scalar: EngineScalar>(
        _ g: ConvGeometry, kernels: KernelTable?, outputGradient dy: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>,
        inputGradient dx: UnsafeMutablePointer<Scalar>, workspace: UnsafeMutablePointer<Scalar>?
    ) {
        let lowering = ConvLowering(geometry: g)
        let taps = TapRanges(g)
        guard lowering.usesProducts else {
            convBackwardInputDirect(g, outputGradient: dy, rows: rows, inputGradient: dx)
            return
        }
        let positions = g.outPlane
        for n in 0..<g.batch {
            for group in 0..<g.groups {
                let firstOut = group * g.outPerGroup
                let gradient = dy + (n * g.outChannels + firstOut) * positions
                forEachBlock(lowering) { first, count, firstRow, depth in
                    if lowering.isPointwise {
                        let target = dx + (n * g.inChannels + group * g.inPerGroup + firstRow) * g.inPlane + first
                        transposedProduct(
                            kernels: kernels, rows: rows + firstOut, outputs: g.outPerGroup, firstRow: firstRow,
                            depth: depth,
                            outputGradient: gradient + first, outputStride: positions, count: count, into: target,
                            stride: g.inPlane, accumulate: true)
                    } else {
                        let columns = workspace!
                        transposedProduct(
                            kernels: kernels, rows: rows + firstOut, outputs: g.outPerGroup, firstRow: firstRow,
                            depth: depth,
                            outputGradient: gradient + first, outputStride: positions, count: count, into: columns,
                            stride: lowering.blockPositions, accumulate: false)
                        foldBack(
                            g, kernels: kernels, taps: taps, columns: columns, stride: lowering.blockPositions,
                            sample: n, group: group,
                            firstRow: firstRow,
                            rowCount: depth,
                            firstPosition: first, count: count, into: dx)
                    }
                }
            }
        }
    }

    /// Weight gradient of the trainable rows: per block, `dW[j] += dy[rows[j]] · unrolled inputᵀ`, the block
    /// unrolled position-major into the workspace (see
    /// ``transposedWeightProduct(kernels:members:trainableRows:outputGradient:gradientStride:weightGradient:weightStride:columns:depth:count:)``
    /// for the order); pointwise convolutions read the input directly (see
    /// ``pointwiseWeightProduct(kernels:members:trainableRows:outputGradient:gradientStride:weightGradient:weightStride:columns:columnStride:depth:count:)``).
    static func convBackwardWeights<Scalar: EngineScalar>(
        _ g: ConvGeometry, kernels: KernelTable?, outputGradient dy: UnsafePointer<Scalar>,
        input x: UnsafePointer<Scalar>,
        trainableRows: UnsafeBufferPointer<Int>, weightGradient dW: UnsafeMutablePointer<Scalar>,
        workspace: UnsafeMutablePointer<Scalar>?
    ) {
        let lowering = ConvLowering(geometry: g)
        let taps = TapRanges(g)
        guard lowering.usesProducts else {
            convBackwardWeightsDirect(g, outputGradient: dy, input: x, trainableRows: trainableRows, weightGradient: dW)
            return
        }
        let positions = g.outPlane
        let rowLength = lowering.unrolledRows
        for n in 0..<g.batch {
            for group in 0..<g.groups {
                let groupOutputs = (group * g.outPerGroup)..<((group + 1) * g.outPerGroup)
                let members = trainableRows.indices.filter { groupOutputs.contains(trainableRows[$0]) }
                if members.isEmpty { continue }
                members.withUnsafeBufferPointer { members in
                    forEachBlock(lowering) { first, count, firstRow, depth in
                        let gradient = dy + n * g.outChannels * positions + first
                        if lowering.isPointwise {
                            let columns = x + (n * g.inChannels + group * g.inPerGroup + firstRow) * g.inPlane + first
                            pointwiseWeightProduct(
                                kernels: kernels, members: members, trainableRows: trainableRows,
                                outputGradient: gradient, gradientStride: positions, weightGradient: dW + firstRow,
                                weightStride: rowLength, columns: columns, columnStride: g.inPlane, depth: depth,
                                count: count)
                        } else {
                            let columns = workspace!
                            unrollTransposed(
                                g, kernels: kernels, taps: taps, input: x, sample: n, group: group, firstRow: firstRow,
                                rowCount: depth,
                                firstPosition: first, count: count, into: columns)
                            transposedWeightProduct(
                                kernels: kernels, members: members, trainableRows: trainableRows,
                                outputGradient: gradient, gradientStride: positions, weightGradient: dW + firstRow,
                                weightStride: rowLength, columns: columns, depth: depth, count: count)
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(firstPosition, count, firstRow, depth)` for every block of output positions and, within it,
    /// every block of unrolled-input rows.
    @inline(__always)
    static func forEachBlock(_ lowering: ConvLowering, _ body: (Int, Int, Int, Int) -> Void) {
        let positions = lowering.geometry.outPlane
        let rows = lowering.unrolledRows
        var first = 0
        while first < positions {
            let count = min(lowering.blockPositions, positions - first)
            var firstRow = 0
            while firstRow < rows {
                let depth = min(lowering.blockDepth, rows - firstRow)
                body(first, count, firstRow, depth)
                firstRow += depth
            }
            first += count
        }
    }

    /// The unrolled-input block: the input itself for pointwise convolutions (row stride: one input plane),
    /// otherwise a copy in the workspace (row stride ``ConvLowering/blockPositions``).
    @inline(__always)
    static func unrolledBlock<Scalar: EngineScalar>(
        _ lowering: ConvLowering, kernels: KernelTable?, taps: TapRanges, input x: UnsafePointer<Scalar>, sample n: Int,
        group: Int,
        firstRow: Int,
        depth: Int, firstPosition: Int, count: Int, workspace: UnsafeMutablePointer<Scalar>?
    ) -> (UnsafePointer<Scalar>, Int) {
        let g = lowering.geometry
        if lowering.isPointwise {
            return (x + (n * g.inChannels + group * g.inPerGroup + firstRow) * g.inPlane + firstPosition, g.inPlane)
        }
        let columns = workspace!
        unroll(
            g, kernels: kernels, taps: taps, input: x, sample: n, group: group, firstRow: firstRow, rowCount: depth,
            firstPosition: firstPosition,
            count: count, into: columns, stride: lowering.blockPositions)
        return (UnsafePointer(columns), lowering.blockPositions)
    }
}
