// SPDX-License-Identifier: GPL-3.0-or-later

import Scenario
import SimKernel
import Testing

@Suite struct CSVTableTests {
    @Test func fieldsAreQuotedOnlyWhereRFC4180RequiresIt() {
        #expect(CSVTable.quote("plain") == "plain")
        #expect(CSVTable.quote("a,b") == "\"a,b\"")
        #expect(CSVTable.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable.quote("two\nlines") == "\"two\nlines\"")
    }

    @Test func parsingReadsBackWhatWasWritten() {
        var table = CSVTable(header: ["a", "b", "c"])
        table.append(["1", "x,y", "say \"hi\""])
        table.append(["", "two\nlines", "3"])
        #expect(table.text == "a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n,\"two\nlines\",3\n")
        #expect(
            CSVTable.parse(table.text) == [["a", "b", "c"], ["1", "x,y", "say \"hi\""], ["", "two\nlines", "3"]])
    }

    @Test func secondsAreExactDecimals() {
        #expect(CSVField.seconds(SimTime(nanoseconds: 0)) == "0")
        #expect(CSVField.seconds(SimTime(nanoseconds: 1)) == "0.000000001")
        #expect(CSVField.seconds(SimTime(nanoseconds: 12_500_000_000)) == "12.5")
        #expect(CSVField.seconds(SimTime(nanoseconds: 3_600_000_000_000)) == "3600")
        #expect(CSVField.seconds(SimTime(nanoseconds: -1_500_000_000)) == "-1.5")
    }

    @Test func numbersUseTheShortestRoundTrippingDigits() {
        #expect(CSVField.number(0.1) == "0.1")
        #expect(CSVField.number(15) == "15")
        #expect(CSVField.number(1e-5) == "1e-05")
        #expect(CSVField.number(nil) == "")
        #expect(Double(CSVField.number(0.1 + 0.2)) == 0.1 + 0.2)
    }
}
