// SPDX-License-Identifier: GPL-3.0-or-later

extension Dataset {
    /// Loads a data set from a simple CSV file: one sample per line, `label,feature1,feature2,…`.
    ///
    /// - The label is a non-negative integer; features are decimal numbers (`.` as the decimal mark),
    ///   stored as written (``Normalization/asStored``).
    /// - A first line whose first field is not an integer is a header and is skipped.
    /// - Blank lines are skipped; `\r\n` line ends are accepted. No quoting: fields are plain numbers.
    /// - Every line has the same number of features.
    ///
    /// - Parameters:
    ///   - path: the CSV file (gzip-compressed or plain).
    ///   - shape: the sample shape; its feature count must equal the features per line. Default: 1 × 1 × D.
    ///   - classNames: one name per class; default: `"0"`, `"1"`, … up to the largest label.
    ///   - name: the data set's name; default: `path`.
    /// - Throws: ``DatasetFileError`` with the line number: a ragged line, a field that is not a number, a
    ///   negative or out-of-range label, no samples, or a shape that does not fit.
    public static func csv(
        path: String, shape: SampleShape? = nil, classNames: [String]? = nil, name: String? = nil
    ) throws(DatasetFileError) -> Dataset {
        let bytes = try DataFile.bytes(at: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetFileError(file: path, problem: "not UTF-8 text, expected CSV")
        }
        var features: [Float] = []
        var labels: [Int32] = []
        var width: Int?
        var lineNumber = 0
        // `\r\n` is one Character in Swift, and a newline, so this splits both line-end styles.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let labelField = fields[0].trimmingSpaces
            guard let label = Int32(labelField) else {
                if labels.isEmpty && width == nil && lineNumber == 1 { continue }  // header
                throw DatasetFileError(
                    file: path, line: lineNumber, problem: "label \"\(labelField)\" is not an integer")
            }
            guard label >= 0 else {
                throw DatasetFileError(file: path, line: lineNumber, problem: "label \(label) is negative")
            }
            if let names = classNames, Int(label) >= names.count {
                throw DatasetFileError(
                    file: path, line: lineNumber, problem: "label \(label) is outside 0..<\(names.count)")
            }
            let featureCount = fields.count - 1
            if let expected = width, featureCount != expected {
                throw DatasetFileError(
                    file: path, line: lineNumber, problem: "\(featureCount) features, expected \(expected)")
            }
            guard featureCount > 0 else {
                throw DatasetFileError(file: path, line: lineNumber, problem: "a label but no features")
            }
            width = featureCount
            for (column, field) in fields.dropFirst().enumerated() {
                guard let value = Float(field.trimmingSpaces), value.isFinite else {
                    throw DatasetFileError(
                        file: path, line: lineNumber,
                        problem: "feature \(column + 1) \"\(field)\" is not a finite decimal number")
                }
                features.append(value)
            }
            labels.append(label)
        }
        guard let featureCount = width, !labels.isEmpty else {
            throw DatasetFileError(file: path, problem: "no samples, expected lines of label,feature,…")
        }
        let sampleShape = shape ?? SampleShape(channels: 1, height: 1, width: featureCount)
        guard sampleShape.featureCount == featureCount else {
            throw DatasetFileError(
                file: path, problem: "\(featureCount) features per line do not fit the shape \(sampleShape)")
        }
        let names = classNames ?? (0...Int(labels.max() ?? 0)).map(String.init)
        return Dataset(
            name: name ?? path, shape: sampleShape, classNames: names, normalization: .asStored, features: features,
            labels: labels)
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
