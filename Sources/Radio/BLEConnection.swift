// SPDX-License-Identifier: GPL-3.0-or-later

import Energy
import SimKernel

/// An event of a ``BLEConnection``: the end of a transfer. Only the connection creates these.
public struct BLEEvent: Hashable, Sendable {
    @usableFromInline let transfer: Int
}

/// The end of a BLE transfer, delivered by ``BLEConnection/handle(_:)`` at the time the last fragment was
/// acknowledged.
public struct BLETransferReport: Hashable, Sendable {
    /// The transfer's number on this connection (0, 1, …).
    public var transfer: Int
    /// Which way the data went.
    public var direction: LinkDirection
    /// Application bytes asked for.
    public var bytes: Int
    /// When the transfer was asked for.
    public var start: SimTime
    /// When it ended.
    public var end: SimTime
    /// Whether every byte arrived.
    public var delivered: Bool
    /// Link-layer exchanges, retransmissions included.
    public var exchanges: Int
    /// Exchanges repeated after a loss.
    public var retransmissions: Int
}

/// One device's BLE connection to its central, driven by the caller's ``Simulator``.
///
/// A transfer on an unconnected link first connects (advertising, CONNECT_IND and the MTU, data-length and
/// PHY procedures of ``BLELink/setup(startingAt:)``). With ``disconnectsAfterTransfer`` (the default) the
/// device drops the connection after each transfer and sleeps until the next one, which connects again;
/// otherwise later transfers use the next anchor of the kept connection, and the keep-alive events of the
/// idle connection are **not** in the time line (they would be one exchange per interval): account for
/// them with ``BLELink/idleConnectionRadioTime(over:peripheralLatency:)``. The device radio's time line is
/// recorded as ``RadioInterval``s. Loss draws come from the stream of the `streamKey` passed in.
public struct BLEConnection {
    /// The link's parameters.
    public let link: BLELink
    /// Probability that one data exchange fails and is retried.
    public let packetErrorRate: Double
    let stream: RandomStream
    var firstAnchor: SimTime?
    var busyUntil = SimTime.zero
    var transfersStarted = 0
    var pending: [Int: BLETransferReport] = [:]
    /// Whether the device disconnects after every transfer (and connects again for the next).
    public let disconnectsAfterTransfer: Bool
    /// The device radio's time line.
    public private(set) var activity = RadioActivityLog()

    /// Creates an unconnected link.
    ///
    /// - Parameters:
    ///   - link: the connection parameters.
    ///   - packetErrorRate: probability that one data exchange fails and is retried.
    ///   - disconnectsAfterTransfer: drop the connection after each transfer (the default).
    ///   - streamKey: names the stream of loss draws (e.g. entity = device, purpose = "ble-link").
    /// - Throws: ``RadioParameterError`` when the packet error rate is outside [0, 1).
    public init(
        link: BLELink, packetErrorRate: Double = 0, disconnectsAfterTransfer: Bool = true, streamKey: StreamKey
    ) throws(RadioParameterError) {
        guard (0..<1).contains(packetErrorRate) else {
            throw RadioParameterError(
                parameter: "packet error rate", value: "\(packetErrorRate)", expected: "0 ≤ rate < 1")
        }
        self.link = link
        self.packetErrorRate = packetErrorRate
        self.disconnectsAfterTransfer = disconnectsAfterTransfer
        self.stream = RandomStream(streamKey)
    }

    /// Whether the connection has been established.
    public var isConnected: Bool { self.firstAnchor != nil }

    /// Starts moving `bytes` in `direction` at `time` (or when the previous transfer on this link ends) and
    /// schedules the event that reports its end.
    ///
    /// - Returns: The transfer's number.
    /// - Precondition: `time >= sim.now` and `bytes >= 0`.
    @discardableResult
    public mutating func startTransfer<Event>(
        bytes: Int, direction: LinkDirection, at time: SimTime, in sim: inout Simulator<Event>,
        wrap: (BLEEvent) -> Event
    ) -> Int {
        precondition(bytes >= 0 && time >= sim.now, "a transfer needs a non-negative size and a time not in the past")
        var begin = Swift.max(time, self.busyUntil)
        if self.firstAnchor == nil {
            let (anchor, log) = self.link.setup(startingAt: begin)
            self.activity.append(contentsOf: log)
            self.firstAnchor = anchor
            begin = anchor
        }
        // The next anchor point at or after `begin`.
        let first = self.firstAnchor ?? begin
        let interval = self.link.connectionInterval.nanoseconds
        let events = (begin.nanoseconds - first.nanoseconds + interval - 1) / interval
        let anchor = first + SimTime(nanoseconds: events * interval)
        let result = self.link.transfer(
            applicationBytes: bytes, direction: direction, startingAt: anchor, packetErrorRate: self.packetErrorRate,
            stream: self.stream)
        self.activity.append(contentsOf: result.activity)
        // The link is busy until the event after the last exchange; the next transfer starts at a later anchor.
        self.busyUntil = Swift.max(result.end, anchor)
        if self.disconnectsAfterTransfer { self.firstAnchor = nil }
        let id = self.transfersStarted
        self.transfersStarted += 1
        self.pending[id] = BLETransferReport(
            transfer: id, direction: direction, bytes: bytes, start: time, end: self.busyUntil,
            delivered: result.delivered, exchanges: result.exchanges, retransmissions: result.retransmissions)
        scheduleModelEvent(wrap(BLEEvent(transfer: id)), at: self.busyUntil, in: &sim)
        return id
    }

    /// Handles the connection's event: returns the report of the transfer that ended.
    public mutating func handle(_ event: BLEEvent) -> BLETransferReport? {
        self.pending.removeValue(forKey: event.transfer)
    }

    /// Removes and returns the recorded radio intervals.
    ///
    /// - Returns: Everything recorded since the last drain, which may reach past the clock.
    public mutating func drainActivity() -> [RadioInterval] { self.activity.drain() }

    /// Removes and returns the radio intervals up to `time`, splitting the one that straddles it and keeping
    /// the rest for a later drain (see ``LoRaWANNetwork/drainActivity(of:until:)`` for the run-loop pattern).
    ///
    /// - Parameter time: the time to drain up to; not after the simulator's clock.
    /// - Returns: The intervals in `[previous drain, time)`, in time order, contiguous.
    public mutating func drainActivity(until time: SimTime) -> [RadioInterval] { self.activity.drain(until: time) }

    /// Cancels every transfer in progress or queued on this connection at `time` (the device died or went
    /// offline): the connection is dropped and the radio freed.
    ///
    /// Their end events become no-ops and hand out no report. The time line ends at `time`: a packet on the
    /// air is cut there (the radio is switched off mid-packet) and later exchanges are dropped. A new
    /// transfer may start from `time` on; it connects again first.
    ///
    /// - Parameter time: the cancel time, normally the simulator's clock; activity already drained past it
    ///   is kept (the cut is then at the end of what was drained).
    /// - Returns: The numbers of the cancelled transfers, in order.
    @discardableResult
    public mutating func cancelTransfer(at time: SimTime) -> [Int] {
        let cancelled = self.pending.keys.sorted()
        self.pending.removeAll()
        let cut = self.activity.truncate(at: time)
        self.busyUntil = Swift.min(self.busyUntil, cut)
        self.firstAnchor = nil
        return cancelled
    }
}
