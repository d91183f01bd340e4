// SPDX-License-Identifier: GPL-3.0-or-later

/// How raw 8-bit pixels become the `Float` features a model sees.
///
/// Image loaders read bytes `b` in 0…255 and store `x = b / 255` (``unitInterval``) or
/// `x = (b / 255 − mean[c]) / standardDeviation[c]` for channel `c` (``standardized(mean:standardDeviation:)``).
/// ``asStored`` keeps the file's numbers: byte values 0…255 for images, the written values for CSV.
public enum Normalization: Equatable, Sendable {
    /// `b / 255`, so features lie in [0, 1].
    case unitInterval
    /// Per-channel standardisation of the [0, 1] value: `(b / 255 − mean[c]) / standardDeviation[c]`.
    case standardized(mean: [Float], standardDeviation: [Float])
    /// Features kept exactly as the file gives them: 0…255 for image bytes, the written numbers for CSV.
    case asStored

    /// Fashion-MNIST's training-set pixel statistics on the [0, 1] scale: mean 0.2860, standard deviation
    /// 0.3530 (computed over all 60 000 × 784 training pixels: 0.286041, 0.353024).
    public static let fashionMNIST = Normalization.standardized(mean: [0.2860], standardDeviation: [0.3530])

    /// MNIST's training-set pixel statistics on the [0, 1] scale: mean 0.1307, standard deviation 0.3081
    /// (the constants used by PyTorch's MNIST examples).
    public static let mnist = Normalization.standardized(mean: [0.1307], standardDeviation: [0.3081])

    /// CIFAR-10's training-set per-channel (R, G, B) statistics on the [0, 1] scale: means
    /// 0.4914, 0.4822, 0.4465 and population standard deviations 0.2470, 0.2435, 0.2616.
    public static let cifar10 = Normalization.standardized(
        mean: [0.4914, 0.4822, 0.4465], standardDeviation: [0.2470, 0.2435, 0.2616])

    /// Checks that a standardisation has one positive, finite standard deviation and one finite mean
    /// per channel.
    ///
    /// - Returns: a description of the problem, or `nil` when the normalisation fits `channels`.
    public func problem(channels: Int) -> String? {
        guard case .standardized(let mean, let standardDeviation) = self else { return nil }
        if mean.count != channels || standardDeviation.count != channels {
            return "normalisation has \(mean.count) means and \(standardDeviation.count) standard deviations, "
                + "expected one of each per channel (\(channels))"
        }
        if !mean.allSatisfy(\.isFinite) || !standardDeviation.allSatisfy({ $0.isFinite && $0 > 0 }) {
            return "normalisation needs finite means and positive, finite standard deviations"
        }
        return nil
    }
}

/// A byte → feature lookup table for one normalisation, 256 entries per channel; build once per file.
struct PixelLookup {
    private let table: [Float]
    private let shape: SampleShape

    /// - Precondition: `normalization.problem(channels: shape.channels)` is `nil`.
    init(_ normalization: Normalization, shape: SampleShape) {
        var table = [Float](repeating: 0, count: 256 * shape.channels)
        for channel in 0..<shape.channels {
            for value in 0..<256 {
                let unit = Float(value) / 255
                table[channel * 256 + value] =
                    switch normalization {
                    case .unitInterval: unit
                    case .asStored: Float(value)
                    case .standardized(let mean, let standardDeviation):
                        (unit - mean[channel]) / standardDeviation[channel]
                    }
            }
        }
        self.table = table
        self.shape = shape
    }

    /// Converts whole samples of bytes (CHW per sample, samples back to back) into features.
    ///
    /// - Precondition: both buffers hold the same whole number of samples.
    func convert(_ source: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<Float>) {
        precondition(source.count == target.count, "pixel and feature buffers differ in size")
        precondition(source.count % self.shape.featureCount == 0, "not a whole number of samples")
        let perChannel = self.shape.pixelsPerChannel
        let channels = self.shape.channels
        self.table.withUnsafeBufferPointer { lookup in
            var offset = 0
            var channel = 0
            while offset < source.count {
                let base = channel * 256
                let end = offset + perChannel
                while offset < end {
                    target[offset] = lookup[base + Int(source[offset])]
                    offset &+= 1
                }
                channel = channel + 1 == channels ? 0 : channel + 1
            }
        }
    }
}
