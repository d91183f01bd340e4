// SPDX-License-Identifier: GPL-3.0-or-later

extension Kernels {
    /// Softmax cross-entropy over `batch` rows of `classes` logits, computed stably via the log-sum-exp.
    ///
    /// When `gradient` is given it receives `∂(mean loss)/∂logits = (softmax − onehot) / batch`.
    /// - Returns: the summed loss and the number of rows whose arg-max (first on ties) is the label.
    static func softmaxCrossEntropy<Scalar: BinaryFloatingPoint & ElementaryFunctionsProviding>(
        batch: Int, classes: Int, logits: UnsafePointer<Scalar>, labels: UnsafePointer<Int32>,
        gradient: UnsafeMutablePointer<Scalar>?
    ) -> (lossSum: Double, correct: Int) {
        var lossSum = 0.0
        var correct = 0
        for n in 0..<batch {
            let row = logits + n * classes
            let label = Int(labels[n])
            var maximum = row[0]
            var argmax = 0
            for c in 1..<classes where row[c] > maximum {
                maximum = row[c]
                argmax = c
            }
            if argmax == label { correct += 1 }
            var sum: Scalar = 0
            for c in 0..<classes { sum += Scalar.exponential(row[c] - maximum) }
            let logSum = Scalar.logarithm(sum)
            lossSum += Double(logSum + maximum - row[label])
            if let gradient {
                let out = gradient + n * classes
                let scale = 1 / Scalar(batch)
                for c in 0..<classes {
                    let probability = Scalar.exponential(row[c] - maximum - logSum)
                    out[c] = (probability - (c == label ? 1 : 0)) * scale
                }
            }
        }
        return (lossSum, correct)
    }
}

/// `exp` and `log` for the scalar types the engine runs in (float32 in production, float64 in tests).
protocol ElementaryFunctionsProviding {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
}
