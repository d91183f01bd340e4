// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// The class-balanced Fashion-MNIST subset that ships inside this module: 6 000 training images
/// (600 per class) and 1 000 test images (100 per class), 28 × 28 greyscale, MIT-licensed by Zalando SE.
///
/// It lets a fresh checkout train on real data without downloading. `Scripts/make-embedded-dataset`
/// derives it from the full data set; `Resources/fashion-mnist-subset/README.md` gives the selection rule.
public enum EmbeddedDataset {
    /// The name manifests and the command line use for it.
    public static let name = "embedded"
    /// Training samples per class.
    public static let trainPerClass = 600
    /// Test samples per class.
    public static let testPerClass = 100

    /// The directory holding the subset's gzipped IDX files, inside the module's resource bundle.
    ///
    /// SwiftPM puts the bundle (`ftte-sim_Datasets.resources`) beside the built executable and also finds it
    /// in the build directory; a copied executable must take that directory along.
    ///
    /// - Throws: ``DatasetFileError`` when the bundle lacks it (a damaged installation).
    public static func directory() throws(DatasetFileError) -> String {
        guard let url = Bundle.module.url(forResource: "fashion-mnist-subset", withExtension: nil) else {
            throw DatasetFileError(
                file: Bundle.module.bundlePath, problem: "the embedded fashion-mnist-subset directory is missing")
        }
        return url.path
    }

    /// Loads one split of the subset.
    ///
    /// - Parameter normalization: ``Normalization/unitInterval`` by default; ``Normalization/fashionMNIST``
    ///   standardises with the full training set's statistics.
    /// - Throws: ``DatasetFileError`` when the resource is missing or damaged.
    public static func load(
        _ split: KnownDataset.Split, normalization: Normalization = .unitInterval
    ) throws(DatasetFileError) -> Dataset {
        let dataset = try KnownDataset.fashionMNIST.load(split, from: directory(), normalization: normalization)
        return Dataset(
            name: Self.name, shape: dataset.shape, classNames: dataset.classNames, normalization: normalization,
            features: dataset.features, labels: dataset.labels)
    }
}
