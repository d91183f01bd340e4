// SPDX-License-Identifier: GPL-3.0-or-later

/// Built-in microcontroller profiles with their datasheet sources.
///
/// Idle: where the cited source has no row for "core halted, clocks running" at the profile's clock,
/// idle is set to the active current — an upper bound, so idle energy is never understated.
///
/// Training throughput (``trainingMACsPerSecond`` = clock × ``trainingMACsPerCycle``): the float32
/// multiply-accumulate rate of a convolution/matrix inner loop, derived from the core's FPU pipeline as GCC
/// models it (`gcc/config/arm/cortex-m4-fpu.md` and `cortex-m7.md`, the scheduling descriptions Arm
/// contributed; they follow the cores' Technical Reference Manuals):
/// - Cortex-M4F: a single-precision VFMA/VMLA (`cortex_m4_fmacs`) occupies the FPU for 3 cycles, so at most
///   1/3 MAC per cycle; the operand load that the loop cannot hide adds about 1 cycle ⇒ 4 cycles per MAC,
///   ``cortexM4FMACsPerCycle`` = 0.25.
/// - Cortex-M7: VFMA (`cortex_m7_fmacs`) issues every cycle (fully pipelined, dual-issue), but a float
///   load uses the single load/store unit for a cycle and a MAC needs two operands ⇒ 2 cycles per MAC,
///   ``cortexM7MACsPerCycle`` = 0.5.
/// These are ceilings of well-scheduled kernels, not measurements; a manifest's `macs_per_s` overrides them.
extension MCUProfile {
    /// Cortex-M4F float32 MACs per cycle: 1 / (3 FPU cycles per VFMA + 1 load cycle).
    public static let cortexM4FMACsPerCycle = 1.0 / 4.0
    /// Cortex-M7 float32 MACs per cycle: 1 / (2 single-issue loads per MAC).
    public static let cortexM7MACsPerCycle = 1.0 / 2.0

    /// STMicroelectronics STM32L476 (Cortex-M4F, ultra-low-power class) at 80 MHz, 3.0 V.
    ///
    /// Training: 80 MHz × 0.25 MAC/cycle = 2.0 × 10⁷ MAC/s (Cortex-M4F derivation above).
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
        source: "ST DS10198 (STM32L476xx) front page: 100 µA/MHz run (LDO), 1.4 µA Stop 2 with RTC; idle = run (bound)",
        trainingMACsPerCycle: MCUProfile.cortexM4FMACsPerCycle
    )

    /// STMicroelectronics STM32F746 (Cortex-M7, high-performance class) at 216 MHz, 3.3 V.
    ///
    /// Not verified against the datasheet: no public text of the STM32F745xx/STM32F746xx datasheet
    /// DS10916 §6.3.6 "Supply current characteristics" tables was found (searched again for this
    /// revision: documentation, web-page and code collections), so both figures are unconfirmed.
    /// Intended source: run mode from Flash (ART and L1 cache on), all peripherals disabled, 25 °C,
    /// 102 mA at 216 MHz (472 µA/MHz); Stop mode, main regulator in low-power mode, Flash in deep
    /// power-down, 0.13 mA — used for ``MCUState/sleep``. Idle = active (upper bound). These figures are
    /// to be checked against DS10916 before they back a published number.
    ///
    /// Training: 216 MHz × 0.5 MAC/cycle = 1.08 × 10⁸ MAC/s (Cortex-M7 derivation above).
    public static let stm32f746 = MCUProfile(
        name: "STM32F746",
        core: "Cortex-M7",
        clockMegahertz: 216,
        activeMicroamperesPerMegahertz: 472,
        idleMilliamperes: 101.952,
        sleepMicroamperes: 130,
        supplyVolts: 3.3,
        source:
            "ST DS10916 (STM32F746xx) §6.3.6, run at 216 MHz and Stop mode: not verified; to be checked",
        trainingMACsPerCycle: MCUProfile.cortexM7MACsPerCycle
    )

    /// Espressif ESP32 (dual-core Xtensa LX6) at 240 MHz, 3.3 V.
    ///
    /// Source: ESP32 Series Datasheet (Espressif) v5.2, §4 "Functional Description", Table 4-2 "Power
    /// Consumption by Power Modes" (checked against a public text extraction of that version):
    /// - Modem-sleep, CPU powered up at 240 MHz, dual-core chips: 30–68 mA; the upper figure, 68 mA
    ///   (283.3 µA/MHz), is used for training, which keeps both cores busy.
    /// - Light-sleep: 0.8 mA — used for ``MCUState/idle`` (CPU paused, RAM retained, fast wake-up).
    /// - Deep-sleep, RTC timer + RTC memory: 10 µA — used for ``MCUState/sleep``.
    ///
    /// Training: 240 MHz × 0.25 MAC/cycle = 6.0 × 10⁷ MAC/s on one core. No cycle figure for the LX6
    /// single-precision `MADD.S` was found, so the Cortex-M4F figure (one FPU MAC and one load per step)
    /// is assumed: not verified. Using both cores would need a parallel kernel; not assumed.
    public static let esp32 = MCUProfile(
        name: "ESP32",
        core: "Xtensa LX6 (dual)",
        clockMegahertz: 240,
        activeMicroamperesPerMegahertz: 68_000.0 / 240.0,
        idleMilliamperes: 0.8,
        sleepMicroamperes: 10,
        supplyVolts: 3.3,
        source:
            "Espressif ESP32 Series Datasheet v5.2, Table 4-2 (modem-sleep 240 MHz, light-sleep, deep-sleep); "
            + "training MACs/cycle assumed equal to Cortex-M4F (not verified)",
        trainingMACsPerCycle: MCUProfile.cortexM4FMACsPerCycle
    )

    /// Nordic nRF52840 application core (Cortex-M4F) at 64 MHz, 3 V, DC/DC on.
    ///
    /// Not verified against the datasheet: the "CPU running" and "Sleep" pages of the nRF52840 Product
    /// Specification could not be read, so both figures are unconfirmed. Intended source: CPU running
    /// CoreMark from Flash at 64 MHz with DC/DC, 3.3 mA (52 µA/MHz); System ON with the RTC running,
    /// 1.5 µA — used for ``MCUState/sleep``; which RAM-retention condition that row assumes is unconfirmed.
    /// Idle = active (upper bound). The radio profile ``RadioProfile/nrf52840`` is derived from the
    /// whole-chip "Compounded" rows minus this active current, so MCU + radio equals the printed totals.
    ///
    /// Training: 64 MHz × 0.25 MAC/cycle = 1.6 × 10⁷ MAC/s (Cortex-M4F derivation above).
    public static let nrf52840 = MCUProfile(
        name: "nRF52840",
        core: "Cortex-M4F",
        clockMegahertz: 64,
        activeMicroamperesPerMegahertz: 52,
        idleMilliamperes: 3.328,
        sleepMicroamperes: 1.5,
        supplyVolts: 3.0,
        source:
            "Nordic nRF52840 Product Specification: 52 µA/MHz CoreMark, 1.5 µA System ON + RTC; not verified",
        trainingMACsPerCycle: MCUProfile.cortexM4FMACsPerCycle
    )

    /// Every built-in MCU profile.
    public static let builtIn: [MCUProfile] = [.stm32l476, .stm32f746, .esp32, .nrf52840]
}
