// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import Radio
import SimKernel
import Testing

struct BLELinkTests {
    /// The spec's own packet times: empty PDUs, and the `connMaxTxTime` bounds of Core v5.x Vol 6 Part B
    /// §4.5.10 (328 µs / 2120 µs on 1M, 2704 µs / 17040 µs on Coded S=8 for 27 / 251 octets + MIC).
    static let specifiedPacketTimes: [(BLEPhy, Int, Int64)] = [
        (.le1M, 2, 80), (.le2M, 2, 44), (.codedS2, 2, 462), (.codedS8, 2, 720),
        (.le1M, 33, 328), (.le1M, 257, 2_120), (.codedS8, 33, 2_704), (.codedS8, 257, 17_040), (.le2M, 257, 1_064),
    ]

    @Test(arguments: specifiedPacketTimes)
    func packetDurationsMatchTheCoreSpecification(phy: BLEPhy, pduOctets: Int, microseconds: Int64) {
        #expect(phy.packetDuration(pduOctets: pduOctets) == .microseconds(microseconds))
    }

    /// Published sanity points for a long connection interval (bulk streaming): 2M + DLE + ATT_MTU 247,
    /// encrypted ≈ 1.39 Mbit/s; 1M, LL 27, ATT_MTU 23, encrypted ≈ 226 kbit/s.
    @Test(arguments: [
        (BLEPhy.le2M, true, 247, 1_390.0),
        (.le1M, false, 23, 226.0),
    ])
    func throughputMatchesPublishedSanityPoints(phy: BLEPhy, dle: Bool, mtu: Int, kilobitsPerSecond: Double) throws {
        let link = try BLELink(
            phy: phy, connectionInterval: .milliseconds(4_000), attMTU: mtu, dataLengthExtension: dle, encrypted: true)
        #expect(abs(link.throughputKilobitsPerSecond - kilobitsPerSecond) / kilobitsPerSecond < 0.005)
    }

    /// With one LL fragment per ATT PDU the packing reduces to the closed form
    /// `min(cap, floor(interval / exchange)) × (ATT_MTU − 3) × 8 / interval`.
    @Test(arguments: BLEPhy.allCases, [7_500, 15_000, 50_000, 1_000_000] as [Int64])
    func singleFragmentThroughputEqualsClosedForm(phy: BLEPhy, intervalMicroseconds: Int64) throws {
        for cap in [nil, 1, 4] as [Int?] {
            let link = try BLELink(
                phy: phy, connectionInterval: .microseconds(intervalMicroseconds), attMTU: 247, encrypted: true,
                maxPacketsPerEvent: cap)
            let exchange = link.exchangeDuration(payloadOctets: 251)
            let fit = Int(intervalMicroseconds * 1_000 / exchange.nanoseconds)
            let packets = min(cap ?? Int.max, fit)
            let expected = Double(packets * 244 * 8) / (Double(intervalMicroseconds) * 1e-6)
            #expect(abs(link.throughputBitsPerSecond - expected) <= 1e-9 * max(expected, 1))
        }
    }

    @Test func largeMTUWithoutDLEIsFragmentedAndSlowerPerPacketHeaders() throws {
        let link = try BLELink(
            phy: .le1M, connectionInterval: .milliseconds(30), attMTU: 247, dataLengthExtension: false)
        // 244 + 3 + 4 = 251 octets in LL payloads of 27: 9 × 27 + 8.
        #expect(link.fragmentPayloadOctets(applicationOctets: 244) == Array(repeating: 27, count: 9) + [8])
        let small = try BLELink(
            phy: .le1M, connectionInterval: .milliseconds(30), attMTU: 23, dataLengthExtension: false)
        // Bigger ATT PDUs amortise the 7 header octets over more data: faster than MTU 23.
        #expect(link.throughputBitsPerSecond > small.throughputBitsPerSecond)
        let dle = try BLELink(phy: .le1M, connectionInterval: .milliseconds(30), attMTU: 247)
        #expect(dle.throughputBitsPerSecond > link.throughputBitsPerSecond)
    }

    @Test func rejectsIntervalsAndMTUsOutsideTheSpecification() {
        #expect(throws: RadioParameterError.self) { try BLELink(phy: .le1M, connectionInterval: .microseconds(6_250)) }
        #expect(throws: RadioParameterError.self) { try BLELink(phy: .le1M, connectionInterval: .microseconds(8_000)) }
        #expect(throws: RadioParameterError.self) { try BLELink(phy: .le1M, connectionInterval: .milliseconds(4_001)) }
        #expect(throws: RadioParameterError.self) {
            try BLELink(phy: .le1M, connectionInterval: .milliseconds(10), attMTU: 518)
        }
        #expect(throws: RadioParameterError.self) {
            try BLELink(phy: .le1M, connectionInterval: .milliseconds(10), maxPacketsPerEvent: 0)
        }
        #expect((try? BLELink(phy: .le1M, connectionInterval: .milliseconds(4_000))) != nil)
    }

    @Test func losslessTransferSendsEachFragmentOnceAndLogsItsAirtime() throws {
        let link = try BLELink(phy: .le2M, connectionInterval: .microseconds(7_500), attMTU: 247, encrypted: true)
        let bytes = 10_000
        let transfer = link.transfer(applicationBytes: bytes, direction: .uplink, startingAt: .milliseconds(1_000))
        // 10 000 = 40 × 244 + 240: 41 single-fragment SDUs.
        #expect(transfer.delivered)
        #expect(transfer.exchanges == 41)
        #expect(transfer.retransmissions == 0)
        // 5 exchanges of 1408 µs fit in 7.5 ms → 9 events (8 full + 1).
        #expect(transfer.connectionEvents == 9)
        let transmit = transfer.activity.totalTime { if case .transmit = $0 { true } else { false } }
        let expected = link.dataPacketDuration(payloadOctets: 251) * 40 + link.dataPacketDuration(payloadOctets: 247)
        #expect(transmit == expected)
        #expect(transfer.activity.intervals.first?.start == .milliseconds(1_000))
        #expect(transfer.activity.end == transfer.end)
    }

    @Test func lossyTransferRetriesUntilAcknowledgedAndIsDeterministic() throws {
        let link = try BLELink(phy: .le1M, connectionInterval: .milliseconds(15), attMTU: 247)
        func run(_ seed: UInt64) -> BLETransfer {
            let stream = RandomStream(StreamKey(masterSeed: seed, entity: 7, purpose: "ble-loss"))
            return link.transfer(
                applicationBytes: 100_000, direction: .downlink, startingAt: .zero, packetErrorRate: 0.2, stream: stream
            )
        }
        let first = run(1)
        #expect(first == run(1))
        #expect(first != run(2))
        #expect(first.delivered)
        let fragments = 410  // ceil(100 000 / 244)
        #expect(first.exchanges == fragments + first.retransmissions)
        // Geometric retries: E[failures per fragment] = p / (1 − p) = 0.25; 410 × 0.25 ± 4σ.
        let mean = 0.25 * Double(fragments)
        let sd = (Double(fragments) * 0.2 / (0.8 * 0.8)).squareRoot()
        #expect(abs(Double(first.retransmissions) - mean) < 4 * sd)
    }

    @Test func setupAddsProcedureEventsBeforeTheFirstDataAnchor() throws {
        let plain = try BLELink(
            phy: .le1M, connectionInterval: .milliseconds(30), attMTU: 23, dataLengthExtension: false)
        let fast = try BLELink(phy: .le2M, connectionInterval: .milliseconds(30), attMTU: 247)
        #expect(plain.setupProcedureEvents == 0)
        #expect(fast.setupProcedureEvents == 2 + 1 + 7)
        let (anchor, _) = plain.setup(startingAt: .zero)
        // ADV_IND 39 octets (376 µs) + T_IFS + CONNECT_IND 36 octets (352 µs) + 1.25 ms.
        #expect(anchor == .microseconds(376 + 150 + 352 + 1_250))
        let (fastAnchor, log) = fast.setup(startingAt: .zero)
        #expect(fastAnchor == anchor + .milliseconds(30) * 10)
        #expect(log.end! < fastAnchor)
    }
}

struct BLEConnectionTests {
    @Test func firstTransferConnectsAndLaterOnesUseTheNextAnchor() throws {
        let link = try BLELink(phy: .le2M, connectionInterval: .milliseconds(15), attMTU: 247)
        var connection = try BLEConnection(
            link: link, disconnectsAfterTransfer: false, streamKey: StreamKey(masterSeed: 1, entity: 3, purpose: "ble"))
        var sim = Simulator<BLEEvent>()
        connection.startTransfer(bytes: 2_440, direction: .uplink, at: .zero, in: &sim) { $0 }
        var reports: [BLETransferReport] = []
        sim.run { sim, event in
            if let report = connection.handle(event) { reports.append(report) }
            if reports.count == 1 && sim.pendingCount == 0 {
                connection.startTransfer(bytes: 244, direction: .downlink, at: sim.now + .milliseconds(100), in: &sim) {
                    $0
                }
            }
        }
        #expect(reports.count == 2)
        let (anchor, _) = link.setup(startingAt: .zero)
        // 10 SDUs of one fragment each; 10 exchanges of 1392 µs fit in one 15 ms event.
        #expect(reports[0].exchanges == 10)
        #expect(reports[0].end == anchor + link.exchangeDuration(payloadOctets: 251) * 10)
        // The second starts at the first anchor at or after its request (anchors every 15 ms from `anchor`).
        let requested = reports[0].end + .milliseconds(100)
        let steps = (requested - anchor).nanoseconds / SimTime.milliseconds(15).nanoseconds + 1
        let nextAnchor = anchor + .milliseconds(15) * steps
        #expect(reports[1].end == nextAnchor + link.exchangeDuration(payloadOctets: 251))
        #expect(connection.isConnected)
        let log = connection.activity
        #expect(log.intervals.first?.start == .zero)
        #expect(log.end == reports[1].end)
    }
    @Test func aDisconnectingDevicePaysForSetUpOnEveryTransfer() throws {
        let link = try BLELink(phy: .le2M, connectionInterval: .milliseconds(30), attMTU: 247)
        var connection = try BLEConnection(link: link, streamKey: StreamKey(masterSeed: 1, entity: 3, purpose: "ble"))
        var sim = Simulator<BLEEvent>()
        connection.startTransfer(bytes: 244, direction: .uplink, at: .zero, in: &sim) { $0 }
        connection.startTransfer(bytes: 244, direction: .uplink, at: .milliseconds(10_000), in: &sim) { $0 }
        var reports: [BLETransferReport] = []
        sim.run { _, event in if let report = connection.handle(event) { reports.append(report) } }
        let (anchor, _) = link.setup(startingAt: .zero)
        let (second, _) = link.setup(startingAt: .milliseconds(10_000))
        #expect(reports.map(\.end) == [anchor, second].map { $0 + link.exchangeDuration(payloadOctets: 251) })
        #expect(!connection.isConnected)
        // 60 s of idle connection at 30 ms with latency 3: one empty exchange every 120 ms → 500 of 44 µs each.
        let idle = link.idleConnectionRadioTime(over: .milliseconds(60_000), peripheralLatency: 3)
        #expect(idle.receive == .microseconds(500 * 44) && idle.transmit == idle.receive)
    }
}

struct RadioActivityLogTests {
    @Test func logFillsGapsWithSleepMergesEqualStatesAndJoinsAcrossDrains() {
        var log = RadioActivityLog()
        log.record(.transmit(dBm: 14), from: .milliseconds(10), to: .milliseconds(20))
        log.record(.transmit(dBm: 14), from: .milliseconds(20), to: .milliseconds(25))
        log.record(.receive, from: .milliseconds(40), to: .milliseconds(41))
        #expect(
            log.intervals == [
                RadioInterval(start: .milliseconds(10), end: .milliseconds(25), state: .transmit(dBm: 14)),
                RadioInterval(start: .milliseconds(25), end: .milliseconds(40), state: .sleep),
                RadioInterval(start: .milliseconds(40), end: .milliseconds(41), state: .receive),
            ])
        let drained = log.drain()
        #expect(drained.count == 3 && log.intervals.isEmpty)
        log.record(.receive, from: .milliseconds(50), to: .milliseconds(60))
        #expect(log.intervals.first == RadioInterval(start: .milliseconds(41), end: .milliseconds(50), state: .sleep))
        #expect(log.end == .milliseconds(60))
    }
}
