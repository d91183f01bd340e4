// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Radio
import SimKernel

extension BLEPhy: ExpressibleByArgument {}

/// `ftte-sim ble-throughput`: the application throughput of a BLE connection.
struct BLEThroughput: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ble-throughput",
        abstract: "Print the steady-state application throughput of a BLE connection in kbit/s."
    )

    @Option(help: "PHY: 1M, 2M, coded-s2 or coded-s8.")
    var phy: BLEPhy

    @Option(name: .customLong("interval-ms"), help: "Connection interval in ms: 7.5 … 4000 in steps of 1.25.")
    var intervalMilliseconds: String

    @Option(name: .customLong("att-mtu"), help: "ATT_MTU in octets, 23…517.")
    var attMTU: Int = 247

    @Flag(help: "No data length extension (LL payloads of 27 octets instead of 251).")
    var noDle = false

    @Flag(help: "Encrypted link (4-octet MIC on every data PDU).")
    var encrypted = false

    @Option(name: .customLong("max-packets-per-event"), help: "Cap on data packets per connection event.")
    var maxPacketsPerEvent: Int?

    func validate() throws {
        let link = try self.link()
        let longest = link.exchangeDuration(payloadOctets: link.linkLayerPayloadOctets)
        guard longest <= link.connectionInterval else {
            throw ValidationError(
                "one \(link.linkLayerPayloadOctets)-octet exchange on \(self.phy.rawValue) lasts "
                    + "\(longest.milliseconds) ms, longer than the \(self.intervalMilliseconds) ms interval; "
                    + "use a longer interval or --no-dle")
        }
    }

    private func link() throws -> BLELink {
        let interval: SimTime
        do {
            interval = try SimTime(parsing: self.intervalMilliseconds + "ms")
        } catch {
            throw ValidationError(
                "--interval-ms \(self.intervalMilliseconds) is not a number of milliseconds (e.g. 7.5 or 30)")
        }
        do {
            return try BLELink(
                phy: self.phy, connectionInterval: interval, attMTU: self.attMTU, dataLengthExtension: !self.noDle,
                encrypted: self.encrypted, maxPacketsPerEvent: self.maxPacketsPerEvent)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let kilobits = try self.link().throughputKilobitsPerSecond
        print(fixed(kilobits, digits: 3))
    }
}
