// SPDX-License-Identifier: GPL-3.0-or-later

/// The supply currents of a radio transceiver in each of its states: data, not code.
///
/// Built-in profiles (``sx1276``, ``sx1262``, ``nrf52840``) carry their datasheet sources; a manifest
/// can add more with the same fields. Currents are in milliamperes as datasheets print them and are
/// quantised to whole nanoamperes when looked up (``current(for:)``).
public struct RadioProfile: Codable, Hashable, Sendable {
    /// The supply current while transmitting at one output power.
    public struct TransmitLevel: Codable, Hashable, Sendable {
        /// The RF output power, in dBm.
        public var dBm: Int
        /// The supply current at that power, in milliamperes.
        public var milliamperes: Double

        enum CodingKeys: String, CodingKey {
            case dBm
            case milliamperes = "mA"
        }

        /// Creates a level.
        public init(dBm: Int, milliamperes: Double) {
            self.dBm = dBm
            self.milliamperes = milliamperes
        }
    }

    /// The profile's name, unique in a ``PowerProfileCatalog``.
    public var name: String
    /// The supply voltage the currents were specified at, in volts.
    public var supplyVolts: Double
    /// Transmit currents by output power; one entry per power.
    public var transmit: [TransmitLevel]
    /// Receive current, in milliamperes.
    public var receiveMilliamperes: Double
    /// Idle (standby, oscillator running) current, in milliamperes.
    public var idleMilliamperes: Double
    /// Sleep current, in milliamperes.
    public var sleepMilliamperes: Double
    /// Where the figures come from (datasheet, revision, section/table).
    public var source: String

    /// Manifest keys: units as suffixes, like the rest of the manifest (`capacity_mAh`, `mean_on_s`).
    enum CodingKeys: String, CodingKey {
        case name
        case supplyVolts = "supply_V"
        case transmit
        case receiveMilliamperes = "receive_mA"
        case idleMilliamperes = "idle_mA"
        case sleepMilliamperes = "sleep_mA"
        case source
    }

    /// Creates a profile. Call ``validate()`` on profiles that come from users.
    public init(
        name: String, supplyVolts: Double, transmit: [TransmitLevel], receiveMilliamperes: Double,
        idleMilliamperes: Double, sleepMilliamperes: Double, source: String
    ) {
        self.name = name
        self.supplyVolts = supplyVolts
        self.transmit = transmit
        self.receiveMilliamperes = receiveMilliamperes
        self.idleMilliamperes = idleMilliamperes
        self.sleepMilliamperes = sleepMilliamperes
        self.source = source
    }

    /// The output powers the profile knows, ascending.
    public var transmitPowers: [Int] { self.transmit.map(\.dBm).sorted() }

    /// Checks that every figure is usable.
    ///
    /// - Throws: ``ProfileError`` for an empty name, a non-positive voltage, a negative or non-finite
    ///   current, no transmit level, or two levels at the same power.
    public func validate() throws(ProfileError) {
        guard !self.name.isEmpty else {
            throw ProfileError(profile: "(radio)", field: "name", expected: "a non-empty name")
        }
        try ProfileError.requirePositive(self.supplyVolts, self.name, "supplyVolts")
        try ProfileError.requireNonNegative(self.receiveMilliamperes, self.name, "receiveMilliamperes")
        try ProfileError.requireNonNegative(self.idleMilliamperes, self.name, "idleMilliamperes")
        try ProfileError.requireNonNegative(self.sleepMilliamperes, self.name, "sleepMilliamperes")
        guard !self.transmit.isEmpty else {
            throw ProfileError(
                profile: self.name, field: "transmit", expected: "at least one {dBm, milliamperes} level")
        }
        var seen = Set<Int>()
        for level in self.transmit {
            try ProfileError.requireNonNegative(
                level.milliamperes, self.name, "transmit[\(level.dBm) dBm].milliamperes")
            guard seen.insert(level.dBm).inserted else {
                throw ProfileError(
                    profile: self.name, field: "transmit",
                    expected: "one level per power (\(level.dBm) dBm appears twice)")
            }
        }
    }

    /// The supply current in `state`.
    ///
    /// - Throws: ``ProfileError`` when the profile has no level at the requested transmit power: powers
    ///   are not interpolated, so a link model asking for one the profile lacks is told so.
    public func current(for state: RadioState) throws(ProfileError) -> Current {
        switch state {
        case .transmit(let dBm):
            guard let level = self.transmit.first(where: { $0.dBm == dBm }) else {
                let known = self.transmitPowers.map { "\($0)" }.joined(separator: ", ")
                throw ProfileError(
                    profile: self.name, field: "transmit",
                    expected: "a level at \(dBm) dBm (the profile has \(known) dBm)")
            }
            return .milliamperes(level.milliamperes)
        case .receive: return .milliamperes(self.receiveMilliamperes)
        case .idle: return .milliamperes(self.idleMilliamperes)
        case .sleep: return .milliamperes(self.sleepMilliamperes)
        }
    }

    /// The supply voltage, to the millivolt.
    public var supplyVoltage: Voltage { .volts(self.supplyVolts) }
}
