// SPDX-License-Identifier: GPL-3.0-or-later

import BoundedYAML
import Foundation
import Testing

@Suite struct BoundedYAMLTests {
    private func refusal(_ yaml: String, limits: YAMLLimits = .standard) -> YAMLInputError? {
        do {
            _ = try BoundedYAML.compose(yaml: yaml, file: "m.yaml", limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func aValidDocumentComposesWithItsValues() throws {
        let root = try #require(
            try BoundedYAML.compose(yaml: "name: x\ndevices:\n  count: 50\n  caps: [256, 512]\n", file: "m.yaml"))
        #expect(root["name"]?.string == "x")
        #expect(root["devices"]?["count"]?.int == 50)
        #expect(root["devices"]?["caps"]?.sequence?.compactMap(\.int) == [256, 512])
    }

    @Test func anEmptyDocumentIsNil() throws {
        #expect(try BoundedYAML.compose(yaml: "", file: "m.yaml") == nil)
        #expect(try BoundedYAML.compose(yaml: "# only a comment\n", file: "m.yaml") == nil)
    }

    @Test func a100000DeepFlowNestingIsRefusedAtTheFirstLevelTooDeep() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(self.refusal(deep))
        // Levels 1…64 open at columns 1…64; the 65th bracket (column 65) is one too many.
        #expect(error.line == 1)
        #expect(error.column == 65)
        #expect(error.message.contains("nesting deeper than 64"))
        #expect(error.keyPath == String(repeating: "[0]", count: 64))
    }

    @Test func deepBlockNestingIsRefusedWithItsKeyPath() throws {
        var yaml = ""
        for level in 0..<70 { yaml += String(repeating: " ", count: level) + "k\(level):\n" }
        yaml += String(repeating: " ", count: 70) + "v: 1\n"
        let error = try #require(self.refusal(yaml))
        // The root mapping (depth 1) starts on line 1 with k0; the mapping at depth d starts on line d, as the
        // value of k(d − 2). Depth 65 is one too many: line 65, the value of k63.
        #expect(error.line == 65)
        #expect(error.keyPath.hasPrefix("k0.k1.k2."))
        #expect(error.keyPath.hasSuffix(".k62.k63"))
    }

    @Test func aBillionLaughsExpansionIsRefused() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            yaml += "a\(level): &a\(level) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]\n"
        }
        let error = try #require(self.refusal(yaml))
        // a0…a4 expand to 11, 111, 1 111, 11 111, 111 111 nodes; a5 alone would be 1 111 111.
        #expect(error.line == 6)
        #expect(error.message.contains("more than 1000000 nodes"))
        #expect(error.keyPath.hasPrefix("a5["))
    }

    @Test func aliasesWithinTheBoundAreAllowed() throws {
        let root = try #require(try BoundedYAML.compose(yaml: "base: &b {lr: 0.1}\nrun: *b\n", file: "m.yaml"))
        #expect(root["run"]?["lr"]?.float == 0.1)
    }

    @Test func anUndefinedAliasIsRefused() throws {
        let error = try #require(self.refusal("a: 1\nb: *missing\n"))
        #expect(error.line == 2)
        #expect(error.column == 4)
        #expect(error.keyPath == "b")
        #expect(error.message.contains("*missing"))
    }

    @Test func aDuplicateKeyIsRefusedWhereItRepeats() throws {
        let yaml = "devices:\n  classes:\n    - {name: a}\n    - {name: b, sram: 1, name: c}\n"
        let error = try #require(self.refusal(yaml))
        #expect(error.line == 4)
        #expect(error.column == 26)
        #expect(error.keyPath == "devices.classes[1].name")
        #expect(error.message.contains("first given on line 4"))
    }

    @Test func syntaxErrorsCarryLineAndColumn() throws {
        let error = try #require(self.refusal("a: 1\nb: [1, 2\nc: 3\n"))
        #expect(error.line != nil)
        #expect(error.message.hasPrefix("not valid YAML"))
        let tab = try #require(self.refusal("a:\n\tb: 1\n"))
        #expect(tab.line == 2)
    }

    @Test func aSecondDocumentIsRefused() throws {
        let error = try #require(self.refusal("a: 1\n---\nb: 2\n"))
        #expect(error.line == 2)
        #expect(error.message.contains("second YAML document"))
    }

    @Test func bytesThatAreNotUTF8AreRefusedWhereTheyStart() throws {
        var bytes = Data("name: ok\nlabel: caf".utf8)
        bytes.append(0xE9)  // Latin-1 'é', not UTF-8
        bytes.append(contentsOf: Array("\n".utf8))
        #expect(throws: YAMLInputError.self) { try BoundedYAML.compose(bytes: bytes, file: "m.yaml") }
        do {
            _ = try BoundedYAML.compose(bytes: bytes, file: "m.yaml")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 11)
            #expect(error.description == "m.yaml:2:11: not UTF-8 text; expected UTF-8")
        }
    }

    @Test func aTextOverTheSizeLimitIsRefusedBeforeParsing() throws {
        let error = try #require(self.refusal("a: 123456789\n", limits: YAMLLimits(maximumBytes: 8)))
        #expect(error.line == nil)
        #expect(error.message.contains("at most 8"))
    }

    @Test func aMissingFileIsAnErrorNamingIt() {
        #expect(throws: YAMLInputError.self) { try BoundedYAML.compose(contentsOf: "/nonexistent/m.yaml") }
    }
}
