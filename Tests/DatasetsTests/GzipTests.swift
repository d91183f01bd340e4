// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import Datasets

struct GzipTests {
    /// The CRC-32 check value from the CRC catalogue (Williams; "CRC-32/ISO-HDLC", check = 0xCBF43926),
    /// so the fixtures' own checksum is right before anything is tested with it.
    @Test func fixtureCRCMatchesTheCatalogueCheckValue() {
        #expect(crc32(Array("123456789".utf8)) == 0xcbf4_3926)
    }

    @Test(arguments: [0, 1, 65_535, 65_536, 200_000])
    func storedBlockGzipInflatesToTheOriginalBytes(size: Int) throws {
        let data = patternBytes(size, seed: UInt64(size))
        #expect(try Gzip.decompress(gzipStored(data), file: "x.gz") == data)
    }

    @Test func concatenatedMembersAreJoined() throws {
        let first = patternBytes(1_000, seed: 1)
        let second = patternBytes(70_000, seed: 2)
        #expect(try Gzip.decompress(gzipStored(first) + gzipStored(second), file: "x.gz") == first + second)
    }

    @Test func aTruncatedStreamIsReportedAsTruncatedNamingTheFile() {
        let whole = gzipStored(patternBytes(5_000))
        let error = #expect(throws: DatasetFileError.self) {
            try Gzip.decompress(Array(whole.prefix(3_000)), file: "cut.gz")
        }
        #expect(error?.file == "cut.gz")
        #expect(error?.problem.contains("truncated") == true)
    }

    @Test func aWrongChecksumIsReportedAsCorrupt() {
        var bytes = gzipStored(patternBytes(5_000))
        bytes[bytes.count - 8] ^= 0xff  // first byte of the CRC-32 trailer
        let error = #expect(throws: DatasetFileError.self) { try Gzip.decompress(bytes, file: "bad.gz") }
        #expect(error?.problem.contains("corrupt") == true)
    }

    @Test func magicBytesDecideWhetherAFileIsCompressed() {
        #expect(Gzip.isCompressed([0x1f, 0x8b, 0x08]))
        #expect(!Gzip.isCompressed([0x00, 0x00, 0x08, 0x03]))
        #expect(!Gzip.isCompressed([0x1f]))
    }
}
