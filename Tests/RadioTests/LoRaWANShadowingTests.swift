// SPDX-License-Identifier: GPL-3.0-or-later

import Radio
import SimKernel
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shadowing drawn once per link against the log-normal tail it implies, computed here from the published
/// model (Bor et al. 2016: PL(d) = 127.41 dB + 20.8 · log10(d / 40 m), σ = 3.57 dB) and the SX1276's
/// sensitivity at SF7/125 kHz (−174 dBm/Hz + 10 · log10(125 kHz) + 6 dB noise figure − 7.5 dB SNR floor).
struct LoRaWANShadowingTests {
    static let sigmaDB = 3.57
    static let transmitDBm = 14.0
    static let sensitivityDBm = -174 + 10 * log10(125_000.0) + 6 - 7.5

    /// The standard normal distribution function, Φ(x) = erfc(−x/√2) / 2.
    static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// The distance at which the mean link margin (TX power − mean path loss − sensitivity) is `marginDB`.
    static func distance(marginDB: Double) -> Double {
        40 * pow(10, (Self.transmitDBm - Self.sensitivityDBm - marginDB - 127.41) / 20.8)
    }

    /// `count` DR5 devices at the distance of mean margin `marginDB`, each sending 10 bytes alone (a minute
    /// apart); their reports by entity.
    static func reports(
        marginDB: Double, count: Int, shadowingSigmaDB: Double, fadingSigmaDB: Double = 0, confirmed: Bool,
        entities: [UInt64]? = nil
    ) throws -> [UInt64: LoRaWANTransferReport] {
        var configuration = LoRaWANNetworkConfiguration(region: .eu868, masterSeed: 5)
        configuration.pathLoss = try LogDistancePathLoss(
            shadowingSigmaDB: shadowingSigmaDB, fadingSigmaDB: fadingSigmaDB)
        var network = try LoRaWANNetwork(configuration: configuration)
        var sim = Simulator<LoRaWANEvent>()
        var entityOf: [LoRaWANDeviceID: UInt64] = [:]
        for (slot, entity) in (entities ?? (0..<UInt64(count)).map { 1_000 + $0 }).enumerated() {
            let device = try network.addDevice(
                LoRaWANDeviceConfiguration(
                    entity: entity, dataRateIndex: 5, gatewayDistancesMeters: [Self.distance(marginDB: marginDB)],
                    confirmedUplinks: confirmed))
            entityOf[device] = entity
            try network.startTransfer(
                device: device, bytes: 10, direction: .uplink, at: .seconds(60 * Int64(slot)), in: &sim
            ) { $0 }
        }
        var reports: [UInt64: LoRaWANTransferReport] = [:]
        sim.run { sim, event in
            if let report = network.handle(event, in: &sim, wrap: { $0 }) { reports[entityOf[report.device]!] = report }
        }
        return reports
    }

    /// Checks that the delivered share of `reports` is within four binomial standard errors of `probability`.
    static func expectShare(of reports: [UInt64: LoRaWANTransferReport], near probability: Double, count: Int) {
        #expect(reports.count == count)
        let share = Double(reports.values.filter(\.delivered).count) / Double(count)
        let tolerance = 4 * (probability * (1 - probability) / Double(count)).squareRoot() + 1e-9
        #expect(abs(share - probability) <= tolerance, "share \(share), expected \(probability)")
    }

    @Test(arguments: [Self.sigmaDB, 0, -Self.sigmaDB])
    func deliveredShareFollowsTheLogNormalTail(marginDB: Double) throws {
        let count = 500
        let reports = try Self.reports(
            marginDB: marginDB, count: count, shadowingSigmaDB: Self.sigmaDB, confirmed: false)
        Self.expectShare(of: reports, near: Self.phi(marginDB / Self.sigmaDB), count: count)
    }

    @Test(arguments: [Self.sigmaDB, 0, -Self.sigmaDB])
    func withoutFadingRetriesDoNotRescueABadlyPlacedDevice(marginDB: Double) throws {
        let count = 300
        let reports = try Self.reports(
            marginDB: marginDB, count: count, shadowingSigmaDB: Self.sigmaDB, confirmed: true)
        // The link's margin is the same for every frame (and, the link being reciprocal, for the ACK): a
        // device is heard at its first attempt or never, however often it retries (8 attempts).
        for report in reports.values {
            #expect(
                (report.delivered && report.retransmissions == 0 && report.uplinkFrames == 1)
                    || (!report.delivered && report.uplinkFrames == 8))
        }
        Self.expectShare(of: reports, near: Self.phi(marginDB / Self.sigmaDB), count: count)
    }

    @Test(arguments: [Self.sigmaDB, 0, -Self.sigmaDB])
    func perFrameFadingAloneLetsRetriesThrough(marginDB: Double) throws {
        let count = 300
        let reports = try Self.reports(
            marginDB: marginDB, count: count, shadowingSigmaDB: 0, fadingSigmaDB: Self.sigmaDB,
            confirmed: true)
        // Each attempt needs the uplink and its acknowledgement through, independently: p = Φ(m/σ)²; the
        // transfer fails only when all 8 attempts do.
        let attempt = Self.phi(marginDB / Self.sigmaDB) * Self.phi(marginDB / Self.sigmaDB)
        Self.expectShare(of: reports, near: 1 - pow(1 - attempt, 8), count: count)
    }

    @Test func aDevicesShadowingDoesNotDependOnWhoElseIsInTheNetwork() throws {
        let entities = (0..<UInt64(60)).map { 7_000 + $0 * 3 }
        let alone = try Self.reports(
            marginDB: 0, count: 60, shadowingSigmaDB: Self.sigmaDB, confirmed: false, entities: entities)
        let reordered = try Self.reports(
            marginDB: 0, count: 60, shadowingSigmaDB: Self.sigmaDB, confirmed: false,
            entities: entities.reversed() + [1, 2, 3])
        for entity in entities { #expect(alone[entity]?.delivered == reordered[entity]?.delivered) }
        // Both outcomes occur at the median distance.
        #expect(Set(alone.values.map(\.delivered)).count == 2)
    }
}
