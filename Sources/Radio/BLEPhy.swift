// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A Bluetooth LE physical layer (Core Specification v5.x, Vol 6 Part A §3 and Part B §2).
public enum BLEPhy: String, CaseIterable, Hashable, Sendable {
    /// LE 1M: 1 Msym/s, 1 µs per bit, 1-octet preamble.
    case le1M = "1M"
    /// LE 2M: 2 Msym/s, 0.5 µs per bit, 2-octet preamble.
    case le2M = "2M"
    /// LE Coded with S = 2 (500 kbit/s payload coding).
    case codedS2 = "coded-s2"
    /// LE Coded with S = 8 (125 kbit/s payload coding).
    case codedS8 = "coded-s8"

    /// Access address (4), CRC (3) octets of every packet (Vol 6 Part B §2.1).
    public static let accessAddressOctets = 4
    /// CRC length in octets.
    public static let crcOctets = 3
    /// The data-channel PDU header: 2 octets (Vol 6 Part B §2.4).
    public static let dataHeaderOctets = 2
    /// The message integrity check added to every non-empty encrypted PDU (Vol 6 Part E §1).
    public static let micOctets = 4

    /// The on-air duration of a data-channel packet whose PDU (header + payload + MIC) has `pduOctets` octets.
    ///
    /// Uncoded PHYs: `(preamble + access address + PDU + CRC) · 8` bits at 1 or 2 Mbit/s.
    /// Coded PHY (Vol 6 Part B §2.2): preamble 80 µs, access address 32 bits, CI 2 bits and TERM1 3 bits
    /// at S = 8 (256 + 16 + 24 µs), then PDU, CRC and TERM2 (3 bits) at S µs per bit.
    /// An empty PDU lasts 80 µs (1M), 44 µs (2M), 462 µs (S=2) and 720 µs (S=8).
    @inlinable
    public func packetDuration(pduOctets: Int) -> SimTime {
        let crcAndAddress = Self.accessAddressOctets + Self.crcOctets
        switch self {
        case .le1M:
            // 1-octet preamble, 1 µs per bit.
            return .microseconds(Int64(8 * (1 + crcAndAddress + pduOctets)))
        case .le2M:
            // 2-octet preamble, 0.5 µs per bit: 4 µs per octet.
            return .microseconds(Int64(4 * (2 + crcAndAddress + pduOctets)))
        case .codedS2, .codedS8:
            let microsecondsPerBit = self == .codedS2 ? 2 : 8
            // Preamble 80 µs + access address 256 µs + CI 16 µs + TERM1 24 µs (all coded at S = 8).
            let fecBlock1Microseconds = 80 + 256 + 16 + 24
            let fecBlock2Bits = 8 * (pduOctets + Self.crcOctets) + 3  // + TERM2
            return .microseconds(Int64(fecBlock1Microseconds + fecBlock2Bits * microsecondsPerBit))
        }
    }
}
