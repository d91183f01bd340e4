// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

extension BLELink {
    /// The steady-state application throughput of a one-way bulk transfer on an error-free link, in bits
    /// per second.
    ///
    /// Model: the sender streams full ATT PDUs (`ATT_MTU − 3` data octets each) cut into LL fragments.
    /// Each connection event packs whole exchanges (data packet + T_IFS + empty ACK + T_IFS) back to back
    /// from the anchor point while the next exchange still ends by the next anchor, up to
    /// ``maxPacketsPerEvent``; the rest of the interval is idle. With one fragment per SDU this is the
    /// familiar `packets per event × (ATT_MTU − 3) × 8 / interval`. The packing repeats with a period of at
    /// most the number of fragments per SDU, so the result is exact (no sampling).
    public var throughputBitsPerSecond: Double {
        let fragments = self.fragmentPayloadOctets(applicationOctets: self.applicationOctetsPerSDU)
        let exchanges = fragments.map { self.exchangeDuration(payloadOctets: $0) }
        // Fragment index at the start of each event; the packing is periodic once an index repeats.
        var firstSeen: [Int: (event: Int, sdus: Int)] = [:]
        var fragment = 0
        var sdus = 0
        var event = 0
        while firstSeen[fragment] == nil {
            firstSeen[fragment] = (event, sdus)
            var used = SimTime.zero
            var packets = 0
            while used + exchanges[fragment] <= self.connectionInterval
                && packets < (self.maxPacketsPerEvent ?? Int.max)
            {
                used = used + exchanges[fragment]
                packets += 1
                fragment += 1
                if fragment == fragments.count {
                    fragment = 0
                    sdus += 1
                }
            }
            event += 1
        }
        guard let start = firstSeen[fragment] else { return 0 }
        let periodEvents = event - start.event
        let periodSDUs = sdus - start.sdus
        let bits = Double(periodSDUs) * Double(self.applicationOctetsPerSDU) * 8
        return bits / (Double(periodEvents) * self.connectionInterval.seconds)
    }

    /// The throughput in kilobits per second (1 kbit = 1000 bits).
    public var throughputKilobitsPerSecond: Double { self.throughputBitsPerSecond / 1_000 }
}
