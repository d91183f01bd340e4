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

    /// The supply voltage of `component`.
    public func voltage(of component: Component) -> Voltage {
        switch component {
        case .radio: self.radio.supplyVoltage
        case .mcu: self.mcu.supplyVoltage
        }
    }
}
