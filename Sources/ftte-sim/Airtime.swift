// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Radio

/// A LoRa coding rate on the command line: `5`…`8` or `4/5`…`4/8`.
struct CodingRateArgument: ExpressibleByArgument {
    let rate: LoRaCodingRate

    init?(argument: String) {
        let denominatorText = argument.hasPrefix("4/") ? String(argument.dropFirst(2)) : argument
        guard let denominator = Int(denominatorText), let rate = try? LoRaCodingRate(validatingDenominator: denominator)
        else { return nil }
        self.rate = rate
    }

    static var defaultCompletionKind: CompletionKind { .list(["5", "6", "7", "8"]) }
}

extension LowDataRateOptimization: ExpressibleByArgument {}

/// `ftte-sim airtime`: the LoRa time on air of one packet.
struct Airtime: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the LoRa time on air of one packet in milliseconds (SX127x datasheet / AN1200.13 formula)."
    )

    @Option(help: "Spreading factor, 6…12 (6 needs --implicit-header).")
    var sf: Int

    @Option(help: "Bandwidth in kHz: 125, 250 or 500.")
    var bw: Int

    @Option(help: "Coding rate: 5…8 or 4/5…4/8.")
    var cr: CodingRateArgument

    @Option(help: "PHY payload length in bytes, 0…255.")
    var payload: Int

    @Option(help: "Programmed preamble length in symbols, 6…65535.")
    var preamble: Int = LoRaPhy.loRaWANPreambleSymbols

    @Flag(help: "Implicit header mode (no PHY header).")
    var implicitHeader = false

    @Flag(help: "No payload CRC (as on LoRaWAN downlinks).")
    var noCrc = false

    @Option(help: "Low-data-rate optimisation: auto (on when a symbol exceeds 16 ms), on or off.")
    var ldro: LowDataRateOptimization = .auto

    func validate() throws {
        do {
            _ = try self.phy().validatedTimeOnAir(payloadBytes: self.payload)
        } catch let error as RadioParameterError {
            throw ValidationError(error.description)
        }
    }

    private func phy() throws -> LoRaPhy {
        do {
            return try LoRaPhy(
                spreadingFactor: SpreadingFactor(validating: self.sf),
                bandwidth: LoRaBandwidth(validatingKilohertz: self.bw),
                codingRate: self.cr.rate, preambleSymbols: self.preamble, explicitHeader: !self.implicitHeader,
                crc: !self.noCrc, lowDataRateOptimization: self.ldro)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let microseconds = try self.phy().validatedTimeOnAir(payloadBytes: self.payload).nanoseconds / 1_000
        print(decimal(microseconds, scale: 1_000, digits: 3))
    }
}
