// SPDX-License-Identifier: GPL-3.0-or-later

/// `value / scale` written exactly with `digits` decimals (`scale` = 10^digits), for integer results.
func decimal(_ value: Int64, scale: Int64, digits: Int) -> String {
    let sign = value < 0 ? "-" : ""
    let magnitude = value.magnitude
    let fraction = String(magnitude % UInt64(scale))
    return "\(sign)\(magnitude / UInt64(scale)).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
}

/// `value` with `digits` decimals (rounded to nearest, ties away from zero), printed without floating-point
/// formatting.
func fixed(_ value: Double, digits: Int = 4) -> String {
    var scale: Int64 = 1
    for _ in 0..<digits { scale *= 10 }
    return decimal(Int64((value * Double(scale)).rounded()), scale: scale, digits: digits)
}
