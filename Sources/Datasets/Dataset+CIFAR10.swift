// SPDX-License-Identifier: GPL-3.0-or-later

extension Dataset {
    /// CIFAR-10's class names in label order (Krizhevsky 2009, `batches.meta.txt`).
    public static let cifar10ClassNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]

    /// The CIFAR-10 binary record: one label byte, then a 32×32 image as 1 024 red, 1 024 green and
    /// 1 024 blue bytes, each channel row-major (Krizhevsky, "CIFAR-10 binary version").
    public static let cifar10RecordBytes = 1 + 3 * 32 * 32

    /// Loads CIFAR-10 binary batch files (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`),
    /// concatenated in the order given. Each file holds whole 3 073-byte records; 10 000 per official file.
    ///
    /// The stored layout is already channel-major, so features keep it: 3 × 32 × 32 per sample.
    ///
    /// - Parameters:
    ///   - batches: paths of the batch files (gzip-compressed or raw).
    ///   - name: the data set's name.
    ///   - classNames: one name per class (CIFAR-10's ten by default).
    ///   - normalization: how pixels become features.
    /// - Throws: ``DatasetFileError`` naming the file: unreadable, empty, not a whole number of records
    ///   (truncated or padded), or a label outside the classes.
    public static func cifar10(
        batches: [String], name: String = "cifar10", classNames: [String] = Dataset.cifar10ClassNames,
        normalization: Normalization = .unitInterval
    ) throws(DatasetFileError) -> Dataset {
        let shape = SampleShape(channels: 3, height: 32, width: 32)
        guard let first = batches.first else {
            throw DatasetFileError(file: name, problem: "no CIFAR-10 batch files given")
        }
        if let problem = normalization.problem(channels: 3) {
            throw DatasetFileError(file: first, problem: problem)
        }
        let record = Self.cifar10RecordBytes
        var files: [[UInt8]] = []
        var total = 0
        for path in batches {
            let bytes = try DataFile.bytes(at: path)
            guard !bytes.isEmpty else {
                throw DatasetFileError(file: path, problem: "empty, expected 3 073-byte CIFAR-10 records")
            }
            guard bytes.count % record == 0 else {
                throw DatasetFileError(
                    file: path,
                    problem: "\(bytes.count) bytes is not a whole number of 3 073-byte records "
                        + "(\(bytes.count / record) records and \(bytes.count % record) bytes left over: truncated?)")
            }
            let records = bytes.count / record
            for index in 0..<records where Int(bytes[index * record]) >= classNames.count {
                throw DatasetFileError(
                    file: path,
                    problem: "record \(index) has label \(bytes[index * record]), expected 0..<\(classNames.count)")
            }
            files.append(bytes)
            total += records
        }
        var labels = [Int32](repeating: 0, count: total)
        let lookup = PixelLookup(normalization, shape: shape)
        let features = [Float](unsafeUninitializedCapacity: total * shape.featureCount) { buffer, initialized in
            var sample = 0
            for bytes in files {
                bytes.withUnsafeBufferPointer { source in
                    for start in stride(from: 0, to: source.count, by: record) {
                        labels[sample] = Int32(source[start])
                        let width = shape.featureCount
                        lookup.convert(
                            UnsafeBufferPointer(rebasing: source[(start + 1)..<(start + record)]),
                            into: UnsafeMutableBufferPointer(
                                rebasing: buffer[(sample * width)..<((sample + 1) * width)]))
                        sample += 1
                    }
                }
            }
            initialized = buffer.count
        }
        return Dataset(
            name: name, shape: shape, classNames: classNames, normalization: normalization, features: features,
            labels: labels)
    }
}
