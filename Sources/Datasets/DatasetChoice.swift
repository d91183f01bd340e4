// SPDX-License-Identifier: GPL-3.0-or-later

/// A data set as manifests and the command line name it: `embedded`, `fashion-mnist`, `mnist` or `cifar10`.
public enum DatasetChoice: Equatable, Sendable, CustomStringConvertible {
    /// The Fashion-MNIST subset shipped in this module (``EmbeddedDataset``).
    case embedded
    /// A full data set on disk, laid out as `Scripts/fetch-data` writes it.
    case known(KnownDataset)

    /// Every accepted name.
    public static let names = [EmbeddedDataset.name] + KnownDataset.allCases.map(\.rawValue)

    /// The choice named `name`, or `nil` when the name is not one of ``names``.
    public init?(name: String) {
        if name == EmbeddedDataset.name {
            self = .embedded
        } else if let known = KnownDataset(rawValue: name) {
            self = .known(known)
        } else {
            return nil
        }
    }

    /// The name manifests use.
    public var description: String {
        switch self {
        case .embedded: EmbeddedDataset.name
        case .known(let known): known.rawValue
        }
    }

    /// Where the data set lives when no directory is given: `data/NAME`, relative to the working directory.
    public var defaultDirectory: String { "data/\(self)" }

    /// Loads `split`.
    ///
    /// - Parameters:
    ///   - directory: the data set's directory; ``defaultDirectory`` when `nil`; ignored for ``embedded``.
    ///   - normalization: how pixels become features.
    /// - Throws: ``DatasetFileError`` naming the missing or damaged file.
    public func load(
        _ split: KnownDataset.Split, directory: String? = nil, normalization: Normalization = .unitInterval
    ) throws(DatasetFileError) -> Dataset {
        switch self {
        case .embedded:
            try EmbeddedDataset.load(split, normalization: normalization)
        case .known(let known):
            try known.load(split, from: directory ?? self.defaultDirectory, normalization: normalization)
        }
    }
}
