// SPDX-License-Identifier: GPL-3.0-or-later

/// A device's radio and microcontroller profiles: everything needed to turn a ``PowerState`` into a
/// current and a supply voltage.
public struct DevicePowerProfile: Codable, Hashable, Sendable {
    /// The radio's currents.
    public var radio: RadioProfile
    /// The microcontroller's currents.
    public var mcu: MCUProfile

    /// Creates a profile from its parts.
    public init(radio: RadioProfile, mcu: MCUProfile) {
        self.radio = radio
        self.mcu = mcu
    }

    /// Validates both parts.
    ///
    /// - Throws: the first ``ProfileError`` of either part.
    public func validate() throws(ProfileError) {
        try self.radio.validate()
        try self.mcu.validate()
    }

    /// The supply current in `state`.
    ///
    /// - Throws: ``ProfileError`` when the radio has no level at a requested transmit power.
    public func current(for state: PowerState) throws(ProfileError) -> Current {
        switch state {
        case .radio(let radioState): try self.radio.current(for: radioState)
        case .mcu(let mcuState): self.mcu.current(for: mcuState)
        }
    }

    /// The largest total draw the profile can make: the highest transmit level plus the MCU's larger of
    /// active and idle (the two components may be at their peaks together).
    public var peakDraw: (current: Current, radio: RadioState, mcu: MCUState) {
        let level = self.radio.transmit.max { $0.milliamperes < $1.milliamperes }
        let radioState = RadioState.transmit(dBm: level?.dBm ?? 0)
        let radioCurrent = Current.milliamperes(level?.milliamperes ?? 0)
        let mcuState: MCUState = self.mcu.idleMilliamperes > self.mcu.activeMilliamperes ? .idle : .active
        return (radioCurrent + self.mcu.current(for: mcuState), radioState, mcuState)
    }

    /// Refuses a profile whose peak draw exceeds what `battery` can source in a pulse.
    ///
    /// - Parameter battery: The battery spec; a spec without ``BatterySpec/maxPulseMilliamperes`` accepts
    ///   any draw.
    /// - Throws: ``ProfileError`` naming the battery, the peak current and the states that draw it.
    public func checkPulseLimit(of battery: BatterySpec) throws(ProfileError) {
        guard let limit = battery.maxPulseMilliamperes else { return }
        let peak = self.peakDraw
        guard peak.current <= .milliamperes(limit) else {
            throw ProfileError(
                profile: battery.name, field: "maxPulseMilliamperes",
                expected:
                    "at least the device's peak draw: \(peak.current.milliamperes) mA "
                    + "(\(PowerState.radio(peak.radio).label) on \(self.radio.name) + "
                    + "\(PowerState.mcu(peak.mcu).label) on \(self.mcu.name)) exceeds the \(limit) mA pulse limit")
        }
    }

    /// The supply voltage of `component`.
    public func voltage(of component: Component) -> Voltage {
        switch component {
        case .radio: self.radio.supplyVoltage
        case .mcu: self.mcu.supplyVoltage
        }
    }
}
