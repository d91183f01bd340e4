// SPDX-License-Identifier: GPL-3.0-or-later

/// `value / scale` written exactly with `digits` decimals (`scale` = 10^digits), for integer results.
func decimal(_ value: Int64, scale: Int64, digits: Int) -> String {
    let sign = value < 0 ? "-" : ""
    let magnitude = value.magnitude
    let fraction = String(magnitude % UInt64(scale))
    return "\(sign)\(magnitude / UInt64(scale)).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
}

/// A number with four decimals (rounded half to even), printed without floating-point formatting.
func fixed(_ value: Double) -> String {
    decimal(Int64((value * 10_000).rounded(.toNearestOrEven)), scale: 10_000, digits: 4)
}
