// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import Testing

struct SimTimeTests {
    @Test(arguments: [
        ("250ms", Int64(250_000_000)),
        ("15min", 900_000_000_000),
        ("7d", 604_800_000_000_000),
        ("1.5h", 5_400_000_000_000),
        ("30 s", 30_000_000_000),
        ("0.5s", 500_000_000),
        ("100us", 100_000),
        ("100µs", 100_000),
        ("42ns", 42),
        ("2w", 1_209_600_000_000_000),
        (".25s", 250_000_000),
        ("3.s", 3_000_000_000),
    ])
    func parsesDurationsExactly(text: String, nanoseconds: Int64) throws {
        #expect(try SimTime(parsing: text).nanoseconds == nanoseconds)
    }

    @Test func roundsSubNanosecondFractionsHalfToEven() throws {
        #expect(try SimTime(parsing: "0.5ns").nanoseconds == 0)
        #expect(try SimTime(parsing: "1.5ns").nanoseconds == 2)
        #expect(try SimTime(parsing: "0.0000000016s").nanoseconds == 2)
        // 1/3 of a second written to 12 digits.
        #expect(try SimTime(parsing: "0.333333333333s").nanoseconds == 333_333_333)
    }

    @Test(arguments: [
        "7 parsecs", "-5s", "", "   ", "ms", "5", "1..5s", "1.2.3s", "five seconds", "3 hours", "9999999d",
    ])
    func rejectsMalformedDurationsWithAReason(text: String) {
        #expect(throws: DurationParseError.self) { try SimTime(parsing: text) }
        do {
            _ = try SimTime(parsing: text)
        } catch {
            #expect(error.text == text)
            #expect(!error.reason.isEmpty)
            #expect(error.description.contains("expected"))
        }
    }

    @Test func negativeDurationErrorSaysSo() {
        #expect(throws: DurationParseError(text: "-5s", reason: "a duration cannot be negative")) {
            try SimTime(parsing: "-5s")
        }
    }

    @Test func unknownUnitIsNamed() {
        do {
            _ = try SimTime(parsing: "7 parsecs")
            Issue.record("parsed a parsec")
        } catch {
            #expect(error.reason.contains("parsecs"))
        }
    }

    @Test(arguments: [
        (Int64(5_400_000_000_000), "1.5h"), (250_000_000, "250ms"), (604_800_000_000_000, "7d"),
        (1_500, "1.5us"), (1, "1ns"), (0, "0s"), (124_665_745_091_963, "124665.745091963s"),
        (-2_000_000_000, "-2s"),
    ])
    func printsInTheLargestExactUnit(nanoseconds: Int64, text: String) {
        #expect(SimTime(nanoseconds: nanoseconds).description == text)
    }

    @Test func printedDurationsParseBackToTheSameValue() throws {
        var generator = SplitMix64(seed: 99)
        for _ in 0..<5_000 {
            let magnitude = Int64(generator.next() % UInt64(Int64.max / 2))
            let shift = Int64(generator.next() % 40)
            let value = SimTime(nanoseconds: magnitude >> shift)
            #expect(try SimTime(parsing: value.description) == value, "\(value.nanoseconds) ns printed as \(value)")
        }
    }

    @Test func convertsToSecondsAndBack() {
        #expect(SimTime.milliseconds(1_500).seconds == 1.5)
        #expect(SimTime.seconds(0.000_000_001_4) == .nanoseconds(1))
        #expect(SimTime.hours(1.5) == SimTime.minutes(90))
        #expect(SimTime.days(1) == .seconds(86_400 as Int64))
        #expect(SimTime.seconds(2 as Int64) - .milliseconds(500) == .milliseconds(1_500))
        #expect(SimTime.milliseconds(3) * 4 == .milliseconds(12))
    }
}
