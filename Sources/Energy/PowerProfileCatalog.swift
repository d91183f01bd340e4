// SPDX-License-Identifier: GPL-3.0-or-later

/// The table of named radio, MCU and battery profiles a run can refer to: the built-in ones plus any a
/// manifest adds.
///
/// Names are matched without regard to case (`"sx1276"` finds `"SX1276"`). Adding a profile under a
/// name that is already taken is an error, so a manifest cannot silently shadow a sourced profile;
/// give a variant its own name.
public struct PowerProfileCatalog: Sendable {
    /// Radios by lower-cased name.
    public private(set) var radios: [String: RadioProfile] = [:]
    /// MCUs by lower-cased name.
    public private(set) var mcus: [String: MCUProfile] = [:]
    /// Batteries by lower-cased name.
    public private(set) var batteries: [String: BatterySpec] = [:]

    /// An empty catalog.
    public init() {}

    /// The catalog of every built-in profile (``RadioProfile/builtIn``, ``MCUProfile/builtIn``,
    /// ``BatterySpec/presets``).
    public static var builtIn: PowerProfileCatalog {
        var catalog = PowerProfileCatalog()
        do {
            for radio in RadioProfile.builtIn { try catalog.add(radio) }
            for mcu in MCUProfile.builtIn { try catalog.add(mcu) }
            for battery in BatterySpec.presets { try catalog.add(battery) }
        } catch {
            preconditionFailure("a built-in profile is invalid: \(error)")
        }
        return catalog
    }

    /// Adds a radio profile after validating it.
    ///
    /// - Throws: ``ProfileError`` for an invalid profile or a name already in the catalog.
    public mutating func add(_ radio: RadioProfile) throws(ProfileError) {
        try radio.validate()
        try Self.claim(radio.name, in: self.radios)
        self.radios[radio.name.lowercased()] = radio
    }

    /// Adds an MCU profile after validating it.
    ///
    /// - Throws: ``ProfileError`` for an invalid profile or a name already in the catalog.
    public mutating func add(_ mcu: MCUProfile) throws(ProfileError) {
        try mcu.validate()
        try Self.claim(mcu.name, in: self.mcus)
        self.mcus[mcu.name.lowercased()] = mcu
    }

    /// Adds a battery spec after validating it.
    ///
    /// - Throws: ``ProfileError`` for an invalid spec or a name already in the catalog.
    public mutating func add(_ battery: BatterySpec) throws(ProfileError) {
        try battery.validate()
        try Self.claim(battery.name, in: self.batteries)
        self.batteries[battery.name.lowercased()] = battery
    }

    /// The radio profile called `name`.
    ///
    /// - Throws: ``ProfileError`` listing the known names when there is none.
    public func radio(named name: String) throws(ProfileError) -> RadioProfile {
        try Self.find(name, in: self.radios, kind: "radio", names: self.radios.values.map(\.name))
    }

    /// The MCU profile called `name`.
    ///
    /// - Throws: ``ProfileError`` listing the known names when there is none.
    public func mcu(named name: String) throws(ProfileError) -> MCUProfile {
        try Self.find(name, in: self.mcus, kind: "mcu", names: self.mcus.values.map(\.name))
    }

    /// The battery spec called `name`.
    ///
    /// - Throws: ``ProfileError`` listing the known names when there is none.
    public func battery(named name: String) throws(ProfileError) -> BatterySpec {
        try Self.find(name, in: self.batteries, kind: "battery", names: self.batteries.values.map(\.name))
    }

    private static func claim<T>(_ name: String, in table: [String: T]) throws(ProfileError) {
        guard table[name.lowercased()] == nil else {
            throw ProfileError(profile: name, field: "name", expected: "a name not already in the catalog")
        }
    }

    private static func find<T>(_ name: String, in table: [String: T], kind: String, names: [String])
        throws(ProfileError) -> T
    {
        guard let found = table[name.lowercased()] else {
            throw ProfileError(
                profile: name, field: kind, expected: "one of \(names.sorted().joined(separator: ", "))")
        }
        return found
    }
}
