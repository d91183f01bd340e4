// SPDX-License-Identifier: GPL-3.0-or-later

/// Built-in microcontroller profiles with their datasheet sources.
///
/// Idle: where the cited source has no row for "core halted, clocks running" at the profile's clock,
/// idle is set to the active current — an upper bound, so idle energy is never understated.
extension MCUProfile {
    /// STMicroelectronics STM32L476 (Cortex-M4F, ultra-low-power class) at 80 MHz, 3.0 V.
    ///
    /// Source: STM32L476xx datasheet DS10198, "Features" (front page), ultra-low-power bullets:
    /// - 100 µA/MHz run mode (LDO mode).
    /// - 1.4 µA Stop 2 with RTC — used for ``MCUState/sleep`` (SRAM retained, RTC wake-up).
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
    /// Source: STM32F745xx/STM32F746xx datasheet DS10916, §6.3.6 "Supply current characteristics",
    /// run mode from Flash (ART and L1 cache on), all peripherals disabled, 25 °C: 102 mA at 216 MHz
    /// (472 µA/MHz); Stop mode, main regulator in low-power mode, Flash in deep power-down: 0.13 mA —
    /// used for ``MCUState/sleep``. Idle = active (upper bound). These figures are to be checked against
    /// the named datasheet before they back a published number.
    public static let stm32f746 = MCUProfile(
        name: "STM32F746",
        core: "Cortex-M7",
        clockMegahertz: 216,
        activeMicroamperesPerMegahertz: 472,
        idleMilliamperes: 101.952,
        sleepMicroamperes: 130,
        supplyVolts: 3.3,
        source:
            "ST DS10916 (STM32F746xx) §6.3.6 run from Flash at 216 MHz and Stop mode; idle = run (bound); to be checked"
    )

    /// Espressif ESP32 (dual-core Xtensa LX6) at 240 MHz, 3.3 V.
    ///
    /// Source: ESP32 Series Datasheet (Espressif), table "Power Consumption by Power Modes":
    /// - Modem-sleep, 240 MHz, dual-core: 30–68 mA; the upper figure, 68 mA (283.3 µA/MHz), is used for
    ///   training, which keeps both cores busy.
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
            "Espressif ESP32 Series Datasheet, Power Consumption by Power Modes (modem-sleep 240 MHz, light-, deep-sleep)"
    )

    /// Nordic nRF52840 application core (Cortex-M4F) at 64 MHz, 3 V, DC/DC on.
    ///
    /// Source: nRF52840 Product Specification v1.7, §5.2 "Current consumption: electrical
    /// specification": CPU running CoreMark from Flash at 64 MHz with DC/DC, 3.3 mA (52 µA/MHz);
    /// System ON, RTC running: 1.5 µA — used for ``MCUState/sleep``. Idle = active (upper bound).
    public static let nrf52840 = MCUProfile(
        name: "nRF52840",
        core: "Cortex-M4F",
        clockMegahertz: 64,
        activeMicroamperesPerMegahertz: 52,
        idleMilliamperes: 3.328,
        sleepMicroamperes: 1.5,
        supplyVolts: 3.0,
        source:
            "Nordic nRF52840 Product Specification v1.7 §5.2: 52 µA/MHz CoreMark from Flash, 1.5 µA System ON with RTC"
    )

    /// Every built-in MCU profile.
    public static let builtIn: [MCUProfile] = [.stm32l476, .stm32f746, .esp32, .nrf52840]
}
