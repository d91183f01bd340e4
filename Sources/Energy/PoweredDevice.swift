// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel

/// A call on a ``PoweredDevice`` or ``DeviceLifecycle`` that its history does not allow.
public enum LifecycleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The requested time is before the time the device has already been accounted to.
    case timeWentBackwards(device: UInt64, accountedUntil: SimTime, requested: SimTime)
    /// The device is dead; nothing more may happen to it.
    case afterDeath(Death, requested: SimTime)
    /// The event does not apply in the device's present status (e.g. coming online while online,
    /// starting a participation while offline, waking the radio of an offline device).
    case invalidTransition(device: UInt64, status: DeviceStatus, event: DeviceLifecycle.Event)
    /// The profile has no current for the requested state.
    case profile(ProfileError)

    public var description: String {
        switch self {
        case .timeWentBackwards(let device, let accountedUntil, let requested):
            "device \(device): time \(requested.nanoseconds) ns is before \(accountedUntil.nanoseconds) ns, "
                + "up to which it is already accounted"
        case .afterDeath(let death, let requested):
            "\(death); nothing can happen to it at \(requested.nanoseconds) ns"
        case .invalidTransition(let device, let status, let event):
            "device \(device) is \(status.rawValue): \(event.rawValue) does not apply"
        case .profile(let error): error.description
        }
    }
}

/// One device's power life: the states of its radio and MCU, its energy ledger, its battery, and its
/// status (``DeviceLifecycle``): online, offline, busy, dead.
///
/// A scenario drives it with the times of its own events: ``enter(_:at:)-(RadioState,_)`` when a
/// component changes state, ``harvest(_:at:)`` when a pulse arrives, and the status events
/// ``wentOffline(at:)``, ``cameOnline(at:)``, ``participationStarted(at:)``,
/// ``participationEnded(_:at:)``, ``excluded(reason:at:)``. Each call first accounts the time since the
/// previous one at the old states — and if the battery reaches its cutoff in that span, the device dies
/// *at the exact nanosecond* of the cutoff: the call returns the battery ``Death`` (or its
/// ``Death/actions``), the requested change does not happen, and every later call throws
/// ``LifecycleError/afterDeath(_:requested:)``.
///
/// Going offline does not end the device: its radio and MCU go to sleep (it keeps drawing their sleep
/// currents, so the battery can still run flat while offline) and it may come back. While offline only
/// sleep states may be entered.
///
/// After every change the scenario asks ``predictedCutoff()`` and keeps one pending "battery" event on
/// its ``Simulator`` at that time (``DeviceEventBook/updateCutoff(of:event:on:)``); when that event fires
/// it calls ``advance(to:)``, which returns the death.
public struct PoweredDevice: Hashable, Sendable {
    /// The device's id (as in the traces).
    public let id: UInt64
    /// Energy by state so far.
    public private(set) var ledger: EnergyLedger
    /// The battery, or `nil` for a mains-powered device.
    public private(set) var battery: Battery?
    /// The radio's present state.
    public internal(set) var radioState: RadioState
    /// The MCU's present state.
    public internal(set) var mcuState: MCUState
    /// The time up to which energy and battery are accounted.
    public private(set) var accountedUntil: SimTime
    /// The device's status machine.
    public internal(set) var lifecycle: DeviceLifecycle
    /// The radio's current in its present state (priced when the state was entered).
    public internal(set) var radioCurrent: Current
    /// The MCU's current in its present state.
    public internal(set) var mcuCurrent: Current

    /// Creates a device in the given states at `start`.
    ///
    /// - Parameters:
    ///   - id: The device's id.
    ///   - profile: Its radio and MCU currents.
    ///   - battery: Its battery, or `nil` for mains power.
    ///   - radio: The radio's initial state.
    ///   - mcu: The MCU's initial state.
    ///   - isOnline: Its initial availability.
    ///   - start: When accounting starts.
    /// - Throws: ``ProfileError`` when the profile is invalid, cannot price the initial states, or draws a
    ///   peak current above the battery's pulse limit (``DevicePowerProfile/checkPulseLimit(of:)``).
    public init(
        id: UInt64, profile: DevicePowerProfile, battery: Battery?, radio: RadioState = .sleep,
        mcu: MCUState = .sleep, isOnline: Bool = true, start: SimTime = .zero
    ) throws(ProfileError) {
        try profile.validate()
        if let battery { try profile.checkPulseLimit(of: battery.spec) }
        self.radioCurrent = try profile.current(for: .radio(radio))
        self.mcuCurrent = profile.mcu.current(for: mcu)
        self.id = id
        self.ledger = EnergyLedger(profile: profile)
        self.battery = battery
        self.radioState = radio
        self.mcuState = mcu
        self.lifecycle = DeviceLifecycle(device: id, isOnline: isOnline)
        self.accountedUntil = start
    }

    /// Creates a device powered by `supply` (a full battery, or mains) in the given states at `start`.
    ///
    /// - Parameters:
    ///   - id: The device's id.
    ///   - profile: Its radio and MCU currents.
    ///   - supply: A full battery of a spec, or mains.
    ///   - radio: The radio's initial state.
    ///   - mcu: The MCU's initial state.
    ///   - isOnline: Its initial availability.
    ///   - start: When accounting starts.
    /// - Throws: ``ProfileError`` as ``init(id:profile:battery:radio:mcu:isOnline:start:)``, or for an
    ///   invalid battery spec.
    public init(
        id: UInt64, profile: DevicePowerProfile, supply: PowerSupply, radio: RadioState = .sleep,
        mcu: MCUState = .sleep, isOnline: Bool = true, start: SimTime = .zero
    ) throws(ProfileError) {
        let battery: Battery?
        switch supply {
        case .mains: battery = nil
        case .battery(let spec): battery = try Battery(spec: spec)
        }
        try self.init(
            id: id, profile: profile, battery: battery, radio: radio, mcu: mcu, isOnline: isOnline, start: start)
    }

    /// Whether the device is still in the run (not dead; it may be offline).
    public var isAlive: Bool { self.lifecycle.death == nil }

    /// The present status.
    public var status: DeviceStatus { self.lifecycle.status }

    /// The death, once the device is dead.
    public var death: Death? { self.lifecycle.death }

    /// The present total draw of both components.
    public var draw: Current { self.radioCurrent + self.mcuCurrent }

    /// When the battery would reach its cutoff if the present states were kept.
    ///
    /// - Returns: The absolute time; `nil` for mains power, a dead device, or a battery that outlives
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
    /// - Parameter time: The time to account up to.
    /// - Returns: The battery death if the cutoff was reached in `(accountedUntil, time]`; accounting
    ///   then stops at the cutoff time. Its ``Death/actions`` say what the scenario must do.
    /// - Throws: ``LifecycleError`` if `time` is before ``accountedUntil`` or the device is dead.
    @discardableResult
    public mutating func advance(to time: SimTime) throws(LifecycleError) -> Death? {
        if let death = self.lifecycle.death { throw .afterDeath(death, requested: time) }
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
        guard died else { return nil }
        _ = try self.lifecycle.batteryDepleted(at: self.accountedUntil)
        return self.lifecycle.death
    }

    /// Moves the radio to `state` at `time`.
    ///
    /// - Parameters:
    ///   - state: The new radio state.
    ///   - time: When.
    /// - Returns: The battery death if the battery died before `time` (the radio then never enters
    ///   `state`).
    /// - Throws: ``LifecycleError`` for a time in the past, a dead device, a state other than sleep while
    ///   offline, or a state the profile cannot price (checked before anything is accounted).
    @discardableResult
    public mutating func enter(_ state: RadioState, at time: SimTime) throws(LifecycleError) -> Dropout? {
        let current: Current
        do {
            current = try self.ledger.profile.current(for: .radio(state))
        } catch {
            throw .profile(error)
        }
        try self.requireAwakeAllowed(state != .sleep, at: time)
        if let death = try self.advance(to: time) { return death }
        self.radioState = state
        self.radioCurrent = current
        return nil
    }

    /// Moves the MCU to `state` at `time`.
    ///
    /// - Parameters:
    ///   - state: The new MCU state.
    ///   - time: When.
    /// - Returns: The battery death if the battery died before `time`.
    /// - Throws: ``LifecycleError`` for a time in the past, a dead device, or a state other than sleep
    ///   while offline.
    @discardableResult
    public mutating func enter(_ state: MCUState, at time: SimTime) throws(LifecycleError) -> Dropout? {
        try self.requireAwakeAllowed(state != .sleep, at: time)
        if let death = try self.advance(to: time) { return death }
        self.mcuState = state
        self.mcuCurrent = self.ledger.profile.mcu.current(for: state)
        return nil
    }

    /// Adds a harvest pulse at `time` (after accounting up to it).
    ///
    /// - Parameters:
    ///   - charge: The harvested charge.
    ///   - time: When it arrives.
    /// - Returns: The battery death if the battery died before the pulse arrived.
    /// - Throws: ``LifecycleError`` for a time in the past or a dead device.
    @discardableResult
    public mutating func harvest(_ charge: Charge, at time: SimTime) throws(LifecycleError) -> Death? {
        if let death = try self.advance(to: time) { return death }
        self.battery?.recharge(charge)
        return nil
    }

    private func requireAwakeAllowed(_ awake: Bool, at time: SimTime) throws(LifecycleError) {
        if let death = self.lifecycle.death { throw .afterDeath(death, requested: time) }
        if awake, self.lifecycle.status == .offline { throw self.lifecycle.invalid(.wake) }
    }
}
