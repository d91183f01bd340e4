// SPDX-License-Identifier: GPL-3.0-or-later

/// A part of a device that draws current on its own: the radio or the microcontroller.
///
/// The two run concurrently (the MCU may sleep while the radio transmits), so a device's draw at any
/// instant is the sum of both components' currents.
public enum Component: String, CaseIterable, Codable, Hashable, Sendable {
    /// The radio transceiver (LoRa, BLE).
    case radio
    /// The microcontroller core (training, protocol work, sleep).
    case mcu
}

/// What the radio is doing.
///
/// This is Energy's own vocabulary; it does not depend on any radio model. Whatever simulates the link
/// maps its activity onto these states (transmitting a frame ⇒ ``transmit(dBm:)``, a receive window ⇒
/// ``receive``, …).
public enum RadioState: Hashable, Sendable {
    /// Transmitting at the given output power, in dBm.
    case transmit(dBm: Int)
    /// Receiving (or listening in a receive window).
    case receive
    /// Powered and ready, oscillator running (Semtech "standby", Nordic "TXIDLE/RXIDLE").
    case idle
    /// The lowest-power state that keeps configuration.
    case sleep
}

/// What the microcontroller is doing.
public enum MCUState: String, CaseIterable, Hashable, Sendable {
    /// Running code at its full clock: on-device training and other computation.
    case active
    /// Core halted waiting for an interrupt, clocks running (Arm "Sleep" / WFI).
    case idle
    /// The deepest state from which the device wakes on a timer (e.g. STM32 Stop 2, ESP32 deep sleep).
    case sleep
}

/// The state of one component: the unit an energy ledger accounts by.
public enum PowerState: Hashable, Sendable {
    /// A radio state.
    case radio(RadioState)
    /// A microcontroller state.
    case mcu(MCUState)

    /// The component this state belongs to.
    @inlinable
    public var component: Component {
        switch self {
        case .radio: .radio
        case .mcu: .mcu
        }
    }

    /// A stable, CSV-friendly label: `radio_tx_14dBm`, `radio_rx`, `radio_idle`, `radio_sleep`,
    /// `mcu_active`, `mcu_idle`, `mcu_sleep`.
    public var label: String {
        switch self {
        case .radio(.transmit(let dBm)): "radio_tx_\(dBm)dBm"
        case .radio(.receive): "radio_rx"
        case .radio(.idle): "radio_idle"
        case .radio(.sleep): "radio_sleep"
        case .mcu(let state): "mcu_\(state.rawValue)"
        }
    }
}

extension PowerState: Comparable {
    /// A fixed order for reports: radio before MCU; transmit levels by power, then receive, idle, sleep;
    /// MCU active, idle, sleep.
    public static func < (lhs: PowerState, rhs: PowerState) -> Bool {
        lhs.sortKey < rhs.sortKey
    }

    private var sortKey: (Int, Int, Int) {
        switch self {
        case .radio(.transmit(let dBm)): (0, 0, dBm)
        case .radio(.receive): (0, 1, 0)
        case .radio(.idle): (0, 2, 0)
        case .radio(.sleep): (0, 3, 0)
        case .mcu(.active): (1, 0, 0)
        case .mcu(.idle): (1, 1, 0)
        case .mcu(.sleep): (1, 2, 0)
        }
    }
}
