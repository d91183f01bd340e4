// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// The data sets `Scripts/fetch-data` obtains, by the names manifests and the command line use.
public enum KnownDataset: String, CaseIterable, Sendable {
    /// Zalando's Fashion-MNIST: 60 000 + 10 000 greyscale 28 × 28 article images, 10 classes.
    case fashionMNIST = "fashion-mnist"
    /// LeCun, Cortes & Burges' MNIST: 60 000 + 10 000 greyscale 28 × 28 digits, 10 classes.
    case mnist
    /// Krizhevsky's CIFAR-10: 50 000 + 10 000 colour 32 × 32 images, 10 classes.
    case cifar10

    /// Which half of a data set.
    public enum Split: String, CaseIterable, Sendable {
        /// The training split.
        case train
        /// The test split.
        case test
    }

    /// Fashion-MNIST's class names in label order (Xiao, Rasul & Vollgraf 2017).
    public static let fashionMNISTClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The class names in label order.
    public var classNames: [String] {
        switch self {
        case .fashionMNIST: Self.fashionMNISTClassNames
        case .mnist: (0...9).map(String.init)
        case .cifar10: Dataset.cifar10ClassNames
        }
    }

    /// The published per-channel mean and standard deviation of the training split (see ``Normalization``).
    public var standardization: Normalization {
        switch self {
        case .fashionMNIST: .fashionMNIST
        case .mnist: .mnist
        case .cifar10: .cifar10
        }
    }

    /// The file names `Scripts/fetch-data` writes for `split`, relative to the data set's directory.
    /// IDX files may also be present decompressed (without `.gz`).
    public func fileNames(_ split: Split) -> [String] {
        let prefix = split == .train ? "train" : "t10k"
        switch self {
        case .fashionMNIST, .mnist:
            return ["\(prefix)-images-idx3-ubyte.gz", "\(prefix)-labels-idx1-ubyte.gz"]
        case .cifar10:
            return split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        }
    }

    /// Loads `split` from `directory`, laid out as `Scripts/fetch-data` leaves it.
    ///
    /// - Parameters:
    ///   - split: training or test samples.
    ///   - directory: the data set's directory (e.g. `data/fashion-mnist`).
    ///   - normalization: how pixels become features; ``Normalization/unitInterval`` by default,
    ///     ``standardization`` for the published statistics.
    /// - Throws: ``DatasetFileError`` naming the missing or damaged file.
    public func load(
        _ split: Split, from directory: String, normalization: Normalization = .unitInterval
    ) throws(DatasetFileError) -> Dataset {
        let names = self.fileNames(split)
        func locate(_ name: String) throws(DatasetFileError) -> String {
            let plain = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
            guard let path = DataFile.firstExisting([name, plain], in: directory) else {
                let tried = name == plain ? name : "\(name) or \(plain)"
                throw DatasetFileError(
                    file: (directory as NSString).appendingPathComponent(name),
                    problem: "no such file (looked for \(tried); Scripts/fetch-data \(self.rawValue) obtains it)")
            }
            return path
        }
        switch self {
        case .fashionMNIST, .mnist:
            return try Dataset.idx(
                images: locate(names[0]), labels: locate(names[1]), name: self.rawValue, classNames: self.classNames,
                normalization: normalization)
        case .cifar10:
            var paths: [String] = []
            for name in names { paths.append(try locate(name)) }
            return try Dataset.cifar10(batches: paths, name: self.rawValue, normalization: normalization)
        }
    }
}
