// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

extension Float: ElementaryFunctionsProviding {
    static func exponential(_ x: Float) -> Float { expf(x) }
    static func logarithm(_ x: Float) -> Float { logf(x) }
}

extension Double: ElementaryFunctionsProviding {
    static func exponential(_ x: Double) -> Double { exp(x) }
    static func logarithm(_ x: Double) -> Double { log(x) }
}
