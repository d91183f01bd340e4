// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import Datasets

struct CSVTests {
    func load(_ text: String, shape: SampleShape? = nil, classNames: [String]? = nil) throws -> Dataset {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let path = try fixtures.write("data.csv", Array(text.utf8))
        return try Dataset.csv(path: path, shape: shape, classNames: classNames)
    }

    func failure(_ text: String, classNames: [String]? = nil) throws -> DatasetFileError? {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let path = try fixtures.write("bad.csv", Array(text.utf8))
        return #expect(throws: DatasetFileError.self) { try Dataset.csv(path: path, classNames: classNames) }
    }

    @Test func rowsLoadAsLabelThenFeaturesSkippingAHeader() throws {
        let dataset = try load("label,x,y,z\r\n2,0.5,-1,3e2\n0, 1.25 ,0,0\n\n")
        #expect(dataset.labels == [2, 0])
        #expect(dataset.features == [0.5, -1, 300, 1.25, 0, 0])
        #expect(dataset.shape == SampleShape(channels: 1, height: 1, width: 3))
        #expect(dataset.classNames == ["0", "1", "2"])
        #expect(dataset.normalization == .asStored)
    }

    @Test func aGivenShapeMustFitTheFeatureCount() throws {
        let dataset = try load("1,1,2,3,4\n0,5,6,7,8\n", shape: SampleShape(channels: 1, height: 2, width: 2))
        #expect(dataset.shape.height == 2)
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let path = try fixtures.write("d.csv", Array("1,1,2,3\n".utf8))
        let error = #expect(throws: DatasetFileError.self) {
            try Dataset.csv(path: path, shape: SampleShape(channels: 1, height: 2, width: 2))
        }
        #expect(error?.problem == "3 features per line do not fit the shape 1×2×2")
    }

    @Test func gzipCompressedCSVIsRead() throws {
        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        let path = try fixtures.write("data.csv.gz", gzipStored(Array("1,0.5\n0,0.25\n".utf8)))
        #expect(try Dataset.csv(path: path).features == [0.5, 0.25])
    }

    /// Corrupt files with the line and message their error must carry.
    @Test(arguments: [
        ("1,2,3\n0,4\n", 2, "1 features, expected 2"),
        ("1,2,3\n0,4,x\n", 2, "feature 2 \"x\" is not a finite decimal number"),
        ("1,2,3\nz,4,5\n", 2, "label \"z\" is not an integer"),
        ("-1,2,3\n", 1, "label -1 is negative"),
        ("1,nan\n", 1, "feature 1 \"nan\" is not a finite decimal number"),
        ("3\n", 1, "a label but no features"),
    ])
    func corruptLinesAreReportedWithTheirLineNumber(text: String, line: Int, problem: String) throws {
        let error = try failure(text)
        #expect(error?.line == line)
        #expect(error?.problem == problem)
    }

    @Test func aLabelBeyondTheGivenClassesIsRejected() throws {
        let error = try failure("0,1\n2,1\n", classNames: ["a", "b"])
        #expect(error?.line == 2)
        #expect(error?.problem == "label 2 is outside 0..<2")
    }

    @Test func aFileWithOnlyAHeaderHasNoSamples() throws {
        let error = try failure("label,x\n")
        #expect(error?.problem.contains("no samples") == true)
    }
}
