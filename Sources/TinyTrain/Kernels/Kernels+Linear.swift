// SPDX-License-Identifier: GPL-3.0-or-later

extension Kernels {
    /// `y[n, o] = bias[o] + Σ_i w[o, i] · x[n, i]` (dot products as in ``dot(_:_:count:)``), then the fused activation.
    static func linearForward<Scalar: EngineScalar>(
        batch: Int, inFeatures: Int, outFeatures: Int, input x: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, bias: UnsafePointer<Scalar>?,
        output y: UnsafeMutablePointer<Scalar>, activation: Activation, mask: UnsafeMutablePointer<UInt8>?
    ) {
        for n in 0..<batch {
            let sample = x + n * inFeatures
            let out = y + n * outFeatures
            for o in 0..<outFeatures {
                out[o] = dot(rows[o], sample, count: inFeatures) + (bias.map { $0[o] } ?? 0)
            }
            activate(out, count: outFeatures, activation: activation, mask: mask, maskStart: n * outFeatures)
        }
    }

    /// `dx[n, i] += Σ_o w[o, i] · dy[n, o]` (output features in order).
    static func linearBackwardInput<Scalar: EngineScalar>(
        batch: Int, inFeatures: Int, outFeatures: Int, outputGradient dy: UnsafePointer<Scalar>,
        rows: UnsafePointer<UnsafeMutablePointer<Scalar>>, inputGradient dx: UnsafeMutablePointer<Scalar>
    ) {
        for n in 0..<batch {
            let gradIn = dx + n * inFeatures
            for o in 0..<outFeatures {
                let gradient = dy[n * outFeatures + o]
                if gradient == 0 { continue }
                axpy(gradient, rows[o], gradIn, count: inFeatures)
            }
        }
    }

    /// `dW[j, i] += Σ_n dy[n, rows[j]] · x[n, i]` for the trainable rows (samples in order).
    static func linearBackwardWeights<Scalar: EngineScalar>(
        batch: Int, inFeatures: Int, outFeatures: Int, outputGradient dy: UnsafePointer<Scalar>,
        input x: UnsafePointer<Scalar>, trainableRows: UnsafeBufferPointer<Int>,
        weightGradient dW: UnsafeMutablePointer<Scalar>
    ) {
        for n in 0..<batch {
            let sample = x + n * inFeatures
            for (j, o) in trainableRows.enumerated() {
                let gradient = dy[n * outFeatures + o]
                if gradient == 0 { continue }
                axpy(gradient, sample, dW + j * inFeatures, count: inFeatures)
            }
        }
    }
}
