// SPDX-License-Identifier: GPL-3.0-or-later

extension Dataset {
    /// Loads an image set from a pair of IDX files in the MNIST layout: unsigned-byte images of rank 3
    /// (`count × height × width`, one channel) or rank 4 (`count × channels × height × width`), and
    /// unsigned-byte labels of rank 1.
    ///
    /// Either file may be gzip-compressed (detected by content).
    ///
    /// - Parameters:
    ///   - images: path of the images file (`train-images-idx3-ubyte.gz`, …).
    ///   - labels: path of the labels file.
    ///   - name: the data set's name.
    ///   - classNames: one name per class; every label must be below `classNames.count`.
    ///   - normalization: how pixels become features.
    /// - Throws: ``DatasetFileError`` naming the file at fault: unreadable, wrong type or rank, counts that
    ///   disagree between the two files, a label out of range, or a normalisation that does not fit.
    public static func idx(
        images: String, labels: String, name: String, classNames: [String], normalization: Normalization
    ) throws(DatasetFileError) -> Dataset {
        let imageFile = try IDXFile(path: images)
        let labelFile = try IDXFile(path: labels)
        guard imageFile.elementType == .unsignedByte, [3, 4].contains(imageFile.dimensions.count) else {
            throw DatasetFileError(
                file: images,
                problem: "expected unsigned-byte images of rank 3 or 4 (magic 0x00000803 or 0x00000804), found "
                    + "\(imageFile.elementType) of rank \(imageFile.dimensions.count)")
        }
        guard labelFile.elementType == .unsignedByte, labelFile.dimensions.count == 1 else {
            throw DatasetFileError(
                file: labels,
                problem: "expected unsigned-byte labels of rank 1 (magic 0x00000801), found "
                    + "\(labelFile.elementType) of rank \(labelFile.dimensions.count)")
        }
        let dims = imageFile.dimensions
        let count = dims[0]
        guard labelFile.dimensions[0] == count else {
            throw DatasetFileError(
                file: labels, problem: "holds \(labelFile.dimensions[0]) labels, but \(images) holds \(count) images")
        }
        let (channels, height, width) = dims.count == 3 ? (1, dims[1], dims[2]) : (dims[1], dims[2], dims[3])
        guard count > 0, channels > 0, height > 0, width > 0 else {
            throw DatasetFileError(file: images, problem: "has an empty dimension (\(dims))")
        }
        let shape = SampleShape(channels: channels, height: height, width: width)
        if let problem = normalization.problem(channels: channels) {
            throw DatasetFileError(file: images, problem: problem)
        }
        var labelValues = [Int32](repeating: 0, count: count)
        for index in 0..<count {
            let label = labelFile.bytes[labelFile.dataOffset + index]
            guard Int(label) < classNames.count else {
                throw DatasetFileError(
                    file: labels,
                    problem: "label \(label) of sample \(index) is outside 0..<\(classNames.count)")
            }
            labelValues[index] = Int32(label)
        }
        let features = [Float](unsafeUninitializedCapacity: count * shape.featureCount) { buffer, initialized in
            imageFile.bytes.withUnsafeBufferPointer { all in
                let pixels = UnsafeBufferPointer(rebasing: all[imageFile.dataOffset...])
                PixelLookup(normalization, shape: shape).convert(pixels, into: buffer)
            }
            initialized = buffer.count
        }
        return Dataset(
            name: name, shape: shape, classNames: classNames, normalization: normalization, features: features,
            labels: labelValues)
    }
}
