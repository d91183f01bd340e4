// SPDX-License-Identifier: GPL-3.0-or-later

/// The supply currents of a microcontroller: active current per MHz at a clock, idle and sleep currents.
///
/// Active current scales with the clock (datasheets print it as µA/MHz), so a profile holds the
/// per-MHz figure and the clock it runs at; a manifest may lower the clock of a built-in part by
/// copying it with another ``clockMegahertz``. Training runs in ``MCUState/active``.
public struct MCUProfile: Codable, Hashable, Sendable {
    /// The profile's name, unique in a ``PowerProfileCatalog``.
    public var name: String
    /// The core (`"Cortex-M4F"`, `"Cortex-M7"`, `"Xtensa LX6 (dual)"`).
    public var core: String
    /// The core clock, in MHz.
    public var clockMegahertz: Double
    /// Active (running) current per MHz of clock, in µA/MHz.
    public var activeMicroamperesPerMegahertz: Double
    /// Idle current (core halted, clocks running), in milliamperes.
    public var idleMilliamperes: Double
    /// Sleep current (wake on timer, state retained), in microamperes.
    public var sleepMicroamperes: Double
    /// The supply voltage the currents were specified at, in volts.
    public var supplyVolts: Double
    /// Where the figures come from (datasheet, revision, section/table).
    public var source: String
    /// Sustained float32 multiply-accumulates per clock cycle in training kernels (the derivation and its
    /// source are on each built-in profile); `nil` when the profile gives no training rate.
    public var trainingMACsPerCycle: Double?

    /// Manifest keys: units as suffixes, like the rest of the manifest.
    enum CodingKeys: String, CodingKey {
        case name
        case core
        case clockMegahertz = "clock_MHz"
        case activeMicroamperesPerMegahertz = "active_uA_per_MHz"
        case idleMilliamperes = "idle_mA"
        case sleepMicroamperes = "sleep_uA"
        case supplyVolts = "supply_V"
        case source
        case trainingMACsPerCycle = "training_MACs_per_cycle"
    }

    /// Creates a profile. Call ``validate()`` on profiles that come from users.
    public init(
        name: String, core: String, clockMegahertz: Double, activeMicroamperesPerMegahertz: Double,
        idleMilliamperes: Double, sleepMicroamperes: Double, supplyVolts: Double, source: String,
        trainingMACsPerCycle: Double? = nil
    ) {
        self.name = name
        self.core = core
        self.clockMegahertz = clockMegahertz
        self.activeMicroamperesPerMegahertz = activeMicroamperesPerMegahertz
        self.idleMilliamperes = idleMilliamperes
        self.sleepMicroamperes = sleepMicroamperes
        self.supplyVolts = supplyVolts
        self.source = source
        self.trainingMACsPerCycle = trainingMACsPerCycle
    }

    /// The default float32 training throughput: ``clockMegahertz`` × 10⁶ × ``trainingMACsPerCycle``, in
    /// MAC/s; `nil` when the profile has no MACs-per-cycle figure. The simulation's compute time is
    /// MACs / this rate (``TrainingCost``) unless the manifest gives a device class its own rate.
    public var trainingMACsPerSecond: Double? {
        self.trainingMACsPerCycle.map { self.clockMegahertz * 1e6 * $0 }
    }

    /// The active current at ``clockMegahertz``, in milliamperes.
    public var activeMilliamperes: Double { self.activeMicroamperesPerMegahertz * self.clockMegahertz / 1_000 }

    /// Checks that every figure is usable.
    ///
    /// - Throws: ``ProfileError`` for an empty name, a non-positive clock or voltage, a negative or
    ///   non-finite current, or a non-positive MACs-per-cycle figure.
    public func validate() throws(ProfileError) {
        guard !self.name.isEmpty else {
            throw ProfileError(profile: "(mcu)", field: "name", expected: "a non-empty name")
        }
        try ProfileError.requirePositive(self.clockMegahertz, self.name, "clockMegahertz")
        try ProfileError.requireNonNegative(
            self.activeMicroamperesPerMegahertz, self.name, "activeMicroamperesPerMegahertz")
        try ProfileError.requireNonNegative(self.idleMilliamperes, self.name, "idleMilliamperes")
        try ProfileError.requireNonNegative(self.sleepMicroamperes, self.name, "sleepMicroamperes")
        try ProfileError.requirePositive(self.supplyVolts, self.name, "supplyVolts")
        if let perCycle = self.trainingMACsPerCycle {
            try ProfileError.requirePositive(perCycle, self.name, "trainingMACsPerCycle")
        }
    }

    /// The supply current in `state`, to the nanoampere.
    public func current(for state: MCUState) -> Current {
        switch state {
        case .active: .milliamperes(self.activeMilliamperes)
        case .idle: .milliamperes(self.idleMilliamperes)
        case .sleep: .microamperes(self.sleepMicroamperes)
        }
    }

    /// The supply voltage, to the millivolt.
    public var supplyVoltage: Voltage { .volts(self.supplyVolts) }
}
