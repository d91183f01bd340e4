// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A call on a ``PoweredDevice`` that its history does not allow.
public enum LifecycleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The requested time is before the time the device has already been accounted to.
    case timeWentBackwards(device: UInt64, accountedUntil: SimTime, requested: SimTime)
    /// The device has already dropped out; nothing more may happen to it.
    case afterDropout(Dropout, requested: SimTime)
    /// The profile has no current for the requested state.
    case profile(ProfileError)

    public var description: String {
        switch self {
        case .timeWentBackwards(let device, let accountedUntil, let requested):
            "device \(device): time \(requested.nanoseconds) ns is before \(accountedUntil.nanoseconds) ns, "
                + "up to which it is already accounted"
        case .afterDropout(let dropout, let requested):
            "\(dropout); nothing can happen to it at \(requested.nanoseconds) ns"
        case .profile(let error): error.description
        }
    }
}

/// One device's power life: the states of its radio and MCU, its energy ledger, its battery, and the
/// moment it drops out.
///
/// A scenario drives it with the times of its own events: ``enter(_:at:)`` when a
/// component changes state, ``harvest(_:at:)`` when a pulse arrives, ``drop(_:at:)`` for causes outside
/// this module. Each call first accounts the time since the previous one at the old states — and if the
/// battery reaches its cutoff in that span, the device dies *at the exact nanosecond* of the cutoff: the
/// call returns the battery ``Dropout``, the requested change does not happen, and every later call
/// throws ``LifecycleError/afterDropout(_:requested:)``.
///
/// After every change the scenario asks ``predictedCutoff()`` and keeps one pending "battery" event on
/// its ``Simulator`` at that time (cancelling the previous one); when that event fires it calls
/// ``advance(to:)``, which returns the dropout, and cancels the device's other pending events.
public struct PoweredDevice: Hashable, Sendable {
    /// The device's id (as in the traces).
    public let id: UInt64
    /// Energy by state so far.
    public private(set) var ledger: EnergyLedger
    /// The battery, or `nil` for a mains-powered device.
    public private(set) var battery: Battery?
    /// The radio's present state.
    public private(set) var radioState: RadioState
    /// The MCU's present state.
    public private(set) var mcuState: MCUState
    /// The time up to which energy and battery are accounted.
    public private(set) var accountedUntil: SimTime
    /// The dropout, once the device has dropped out.
    public private(set) var dropout: Dropout?
    /// The radio's current in its present state (priced when the state was entered).
    public private(set) var radioCurrent: Current
    /// The MCU's current in its present state.
    public private(set) var mcuCurrent: Current

    /// Creates a device in the given states at `start`.
    ///
    /// - Throws: ``ProfileError`` when the profile is invalid or cannot price the initial states.
    public init(
        id: UInt64, profile: DevicePowerProfile, battery: Battery?, radio: RadioState = .sleep,
        mcu: MCUState = .sleep, start: SimTime = .zero
    ) throws(ProfileError) {
        try profile.validate()
        self.radioCurrent = try profile.current(for: .radio(radio))
        self.mcuCurrent = profile.mcu.current(for: mcu)
        self.id = id
        self.ledger = EnergyLedger(profile: profile)
        self.battery = battery
        self.radioState = radio
        self.mcuState = mcu
        self.accountedUntil = start
    }

    /// Creates a device powered by `supply` (a full battery, or mains) in the given states at `start`.
    ///
    /// - Throws: ``ProfileError`` when the profile or battery spec is invalid or the profile cannot price
    ///   the initial states.
    public init(
        id: UInt64, profile: DevicePowerProfile, supply: PowerSupply, radio: RadioState = .sleep,
        mcu: MCUState = .sleep, start: SimTime = .zero
    ) throws(ProfileError) {
        let battery: Battery?
        switch supply {
        case .mains: battery = nil
        case .battery(let spec): battery = try Battery(spec: spec)
        }
        try self.init(id: id, profile: profile, battery: battery, radio: radio, mcu: mcu, start: start)
    }

    /// Whether the device is still in the run.
    public var isAlive: Bool { self.dropout == nil }

    /// The present total draw of both components.
    public var draw: Current { self.radioCurrent + self.mcuCurrent }

    /// When the battery would reach its cutoff if the present states were kept.
    ///
    /// - Returns: The absolute time; `nil` for mains power, a dropped device, or a battery that outlives
    ///   any run at this draw.
    public func predictedCutoff() -> SimTime? {
        guard self.isAlive, let battery = self.battery, let span = battery.timeToCutoff(at: self.draw) else {
            return nil
        }
        let (sum, overflow) = self.accountedUntil.nanoseconds.addingReportingOverflow(span.nanoseconds)
        return overflow ? nil : SimTime(nanoseconds: sum)
    }

    /// Accounts energy and battery up to `time` at the present states.
    ///
    /// - Returns: The battery dropout if the cutoff was reached in `(accountedUntil, time]`; accounting
    ///   then stops at the cutoff time.
    /// - Throws: ``LifecycleError`` if `time` is before ``accountedUntil`` or the device has dropped out.
    @discardableResult
    public mutating func advance(to time: SimTime) throws(LifecycleError) -> Dropout? {
        if let dropout = self.dropout { throw .afterDropout(dropout, requested: time) }
        guard time >= self.accountedUntil else {
            throw .timeWentBackwards(device: self.id, accountedUntil: self.accountedUntil, requested: time)
        }
        var span = time - self.accountedUntil
        var died = false
        if var battery = self.battery {
            if let cutoff = battery.discharge(at: self.draw, for: span) {
                span = cutoff
                died = true
            }
            self.battery = battery
        }
        do {
            try self.ledger.record(.radio(self.radioState), for: span)
            try self.ledger.record(.mcu(self.mcuState), for: span)
        } catch {
            preconditionFailure("a state priced on entry could not be priced again: \(error)")
        }
        self.accountedUntil = self.accountedUntil + span
        if died {
            let dropout = Dropout(device: self.id, time: self.accountedUntil, cause: .battery)
            self.dropout = dropout
            return dropout
        }
        return nil
    }

    /// Moves the radio to `state` at `time`.
    ///
    /// - Returns: The battery dropout if the battery died before `time` (the radio then never enters
    ///   `state`).
    /// - Throws: ``LifecycleError`` for a time in the past, a dropped device, or a state the profile
    ///   cannot price (checked before anything is accounted).
    @discardableResult
    public mutating func enter(_ state: RadioState, at time: SimTime) throws(LifecycleError) -> Dropout? {
        let current: Current
        do {
            current = try self.ledger.profile.current(for: .radio(state))
        } catch {
            throw .profile(error)
        }
        if let dropout = try self.advance(to: time) { return dropout }
        self.radioState = state
        self.radioCurrent = current
        return nil
    }

    /// Moves the MCU to `state` at `time`.
    ///
    /// - Returns: The battery dropout if the battery died before `time`.
    /// - Throws: ``LifecycleError`` for a time in the past or a dropped device.
    @discardableResult
    public mutating func enter(_ state: MCUState, at time: SimTime) throws(LifecycleError) -> Dropout? {
        if let dropout = try self.advance(to: time) { return dropout }
        self.mcuState = state
        self.mcuCurrent = self.ledger.profile.mcu.current(for: state)
        return nil
    }

    /// Adds a harvest pulse at `time` (after accounting up to it).
    ///
    /// - Returns: The battery dropout if the battery died before the pulse arrived.
    /// - Throws: ``LifecycleError`` for a time in the past or a dropped device.
    @discardableResult
    public mutating func harvest(_ charge: Charge, at time: SimTime) throws(LifecycleError) -> Dropout? {
        if let dropout = try self.advance(to: time) { return dropout }
        self.battery?.recharge(charge)
        return nil
    }

    /// Records a dropout for a cause outside this module (offline, link, out-of-memory, NaN) at `time`.
    ///
    /// - Returns: The device's dropout: the battery one if the battery died first, else the new one.
    /// - Throws: ``LifecycleError`` for a time in the past or a device that had already dropped out.
    @discardableResult
    public mutating func drop(_ cause: DropoutCause, at time: SimTime) throws(LifecycleError) -> Dropout {
        if let dropout = try self.advance(to: time) { return dropout }
        let dropout = Dropout(device: self.id, time: time, cause: cause)
        self.dropout = dropout
        return dropout
    }
}
