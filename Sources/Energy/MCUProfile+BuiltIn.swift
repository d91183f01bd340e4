// SPDX-License-Identifier: GPL-3.0-or-later

/// Built-in microcontroller profiles with their datasheet sources.
///
/// Idle: where the cited source has no row for "core halted, clocks running" at the profile's clock,
/// idle is set to the active current — an upper bound, so idle energy is never understated.
extension MCUProfile {
    /// STMicroelectronics STM32L476 (Cortex-M4F, ultra-low-power class) at 80 MHz, 3.0 V.
    ///
    /// Source: STM32L476xx datasheet DS10198, "Features" (front page), "Ultra-low-power with
    /// FlexPowerControl" bullets (checked against a public reproduction of that list):
    /// - 100 µA/MHz run mode (LDO mode) — the SMPS figure, 39 µA/MHz at 3.3 V, is not used.
    /// - 1.4 µA Stop 2 mode with RTC (1.1 µA without) — used for ``MCUState/sleep`` (SRAM retained,
    ///   RTC wake-up).
    /// - Idle: no row at 80 MHz is cited; the active current is used (upper bound).
    public static let stm32l476 = MCUProfile(
        name: "STM32L476",
        core: "Cortex-M4F",
        clockMegahertz: 80,
        activeMicroamperesPerMegahertz: 100,
        idleMilliamperes: 8.0,
        sleepMicroamperes: 1.4,
        supplyVolts: 3.0,
        source: "ST DS10198 (STM32L476xx) front page: 100 µA/MHz run (LDO), 1.4 µA Stop 2 with RTC; idle = run (bound)"
    )

    /// STMicroelectronics STM32F746 (Cortex-M7, high-performance class) at 216 MHz, 3.3 V.
    ///
    /// Not verified against the datasheet: no public text of the STM32F745xx/STM32F746xx datasheet
    /// DS10916 §6.3.6 "Supply current characteristics" tables was found, so both figures are unconfirmed.
    /// Intended source: run mode from Flash (ART and L1 cache on), all peripherals disabled, 25 °C,
    /// 102 mA at 216 MHz (472 µA/MHz); Stop mode, main regulator in low-power mode, Flash in deep
    /// power-down, 0.13 mA — used for ``MCUState/sleep``. Idle = active (upper bound). These figures are
    /// to be checked against DS10916 before they back a published number.
    public static let stm32f746 = MCUProfile(
        name: "STM32F746",
        core: "Cortex-M7",
        clockMegahertz: 216,
        activeMicroamperesPerMegahertz: 472,
        idleMilliamperes: 101.952,
        sleepMicroamperes: 130,
        supplyVolts: 3.3,
        source:
            "ST DS10916 (STM32F746xx) §6.3.6, run at 216 MHz and Stop mode: not verified; to be checked"
    )

    /// Espressif ESP32 (dual-core Xtensa LX6) at 240 MHz, 3.3 V.
    ///
    /// Source: ESP32 Series Datasheet (Espressif) v5.2, §4 "Functional Description", Table 4-2 "Power
    /// Consumption by Power Modes" (checked against a public text extraction of that version):
    /// - Modem-sleep, CPU powered up at 240 MHz, dual-core chips: 30–68 mA; the upper figure, 68 mA
    ///   (283.3 µA/MHz), is used for training, which keeps both cores busy.
    /// - Light-sleep: 0.8 mA — used for ``MCUState/idle`` (CPU paused, RAM retained, fast wake-up).
    /// - Deep-sleep, RTC timer + RTC memory: 10 µA — used for ``MCUState/sleep``.
    public static let esp32 = MCUProfile(
        name: "ESP32",
        core: "Xtensa LX6 (dual)",
        clockMegahertz: 240,
        activeMicroamperesPerMegahertz: 68_000.0 / 240.0,
        idleMilliamperes: 0.8,
        sleepMicroamperes: 10,
        supplyVolts: 3.3,
        source:
            "Espressif ESP32 Series Datasheet v5.2, Table 4-2 (modem-sleep 240 MHz, light-sleep, deep-sleep)"
    )

    /// Nordic nRF52840 application core (Cortex-M4F) at 64 MHz, 3 V, DC/DC on.
    ///
    /// Not verified against the datasheet: the "CPU running" and "Sleep" pages of the nRF52840 Product
    /// Specification could not be read, so both figures are unconfirmed. Intended source: CPU running
    /// CoreMark from Flash at 64 MHz with DC/DC, 3.3 mA (52 µA/MHz); System ON with the RTC running,
    /// 1.5 µA — used for ``MCUState/sleep``; which RAM-retention condition that row assumes is unconfirmed.
    /// Idle = active (upper bound).
    public static let nrf52840 = MCUProfile(
        name: "nRF52840",
        core: "Cortex-M4F",
        clockMegahertz: 64,
        activeMicroamperesPerMegahertz: 52,
        idleMilliamperes: 3.328,
        sleepMicroamperes: 1.5,
        supplyVolts: 3.0,
        source:
            "Nordic nRF52840 Product Specification: 52 µA/MHz CoreMark, 1.5 µA System ON + RTC; not verified"
    )

    /// Every built-in MCU profile.
    public static let builtIn: [MCUProfile] = [.stm32l476, .stm32f746, .esp32, .nrf52840]
}
