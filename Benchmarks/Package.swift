// swift-tools-version:6.0
// Benchmarks for ftte-sim, kept in a nested package so that the main build and CI do not compile them.
// SPDX-License-Identifier: GPL-3.0-or-later

import PackageDescription

let package = Package(
    name: "ftte-sim-benchmarks",
    dependencies: [
        .package(name: "ftte-sim", path: "../"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .executableTarget(
            name: "kernel-bench",
            dependencies: [
                .product(name: "SimKernel", package: "ftte-sim"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
        .executableTarget(
            name: "train-crosscheck",
            dependencies: [
                .product(name: "TinyTrain", package: "ftte-sim"), .product(name: "SimKernel", package: "ftte-sim"),
            ]
        ),
        .executableTarget(
            name: "train-bench",
            dependencies: [
                .product(name: "TinyTrain", package: "ftte-sim"), .product(name: "SimKernel", package: "ftte-sim"),
            ]
        ),
        // OpenBLAS (Debian: libopenblas-dev), the peer of the GEMM benchmark; the engine does not use it.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .executableTarget(
            name: "gemm-bench",
            dependencies: [
                "COpenBLAS",
                .product(name: "TinyTrain", package: "ftte-sim"),
                .product(name: "CTinyKernels", package: "ftte-sim"),
            ]
        ),
        .executableTarget(
            name: "radio-bench",
            dependencies: [
                .product(name: "Radio", package: "ftte-sim"),
                .product(name: "SimKernel", package: "ftte-sim"),
            ]
        ),
    ]
)
