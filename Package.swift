// swift-tools-version:6.0
// ftte-sim — a discrete-event simulator for federated learning on tiny IoT devices.
// SPDX-License-Identifier: GPL-3.0-or-later

import PackageDescription

let package = Package(
    name: "ftte-sim",
    products: [
        .executable(name: "ftte-sim", targets: ["ftte-sim"]),
        .library(name: "SimKernel", targets: ["SimKernel"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Energy", targets: ["Energy"]),
        .library(name: "TinyTrain", targets: ["TinyTrain"]),
        .library(name: "CTinyKernels", targets: ["CTinyKernels"]),
        .library(name: "Radio", targets: ["Radio"]),
        .library(name: "Federation", targets: ["Federation"]),
        .library(name: "BoundedYAML", targets: ["BoundedYAML"]),
        .library(name: "Scenario", targets: ["Scenario"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // GNU Scientific Library (RNG, distributions, statistics). Debian: libgsl-dev.
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(
            name: "SimKernel",
            dependencies: ["CGSL"]
        ),
        .target(
            name: "Federation",
            dependencies: ["SimKernel", "TinyTrain"]
        ),
        // zlib, for gzip-compressed data files. Debian: zlib1g-dev.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "Datasets",
            dependencies: ["SimKernel", "CZlib"],
            resources: [.copy("Resources/fashion-mnist-subset")]
        ),
        // Power states, current profiles, batteries, ledgers, availability, stragglers, dropouts.
        .target(
            name: "Energy",
            dependencies: ["SimKernel"]
        ),
        // The one YAML loader for manifests and model files: bounded depth, size and alias expansion.
        .target(
            name: "BoundedYAML",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Float32 matrix-product kernels, compiled per instruction-set level (baseline, x86-64-v3, x86-64-v4, NEON)
        // and chosen at start-up by CPU detection. No fused multiply-add (-ffp-contract=off), so that every level
        // gives the same bits; optimised in debug builds too (the kernels are vector code).
        .target(
            name: "CTinyKernels",
            cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]
        ),
        // Tiny training engine: compile-time autodiff, static memory planner, arena executor.
        .target(
            name: "TinyTrain",
            dependencies: ["BoundedYAML", "CTinyKernels", .product(name: "Yams", package: "Yams")],
            // The kernels are optimised in debug builds too, so that the test suite's end-to-end simulations
            // train at a usable speed (`-O` after SwiftPM's `-Onone` wins; results are identical).
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // LoRa PHY, LoRaWAN class A MAC, BLE link and channel models. Radio records its activity in
        // Energy's power-state vocabulary (one-way: Energy never imports Radio).
        .target(
            name: "Radio",
            dependencies: ["SimKernel", "Energy"]
        ),
        // The git commit of the sources compiled, written at build time by the SourceCommit plugin.
        .target(
            name: "BuildInfo",
            plugins: ["SourceCommit"]
        ),
        .plugin(
            name: "SourceCommit",
            capability: .buildTool()
        ),
        // The simulated world: manifests and sweeps, devices, the run loop, traces.
        .target(
            name: "Scenario",
            dependencies: [
                "SimKernel", "Radio", "Energy", "TinyTrain", "Datasets", "Federation", "BoundedYAML", "BuildInfo",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/quickstart.yaml")]
        ),
        .executableTarget(
            name: "ftte-sim",
            dependencies: [
                "SimKernel",
                "TinyTrain",
                "Radio",
                "Datasets",
                "Federation",
                "Scenario",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SimKernelTests",
            dependencies: ["SimKernel"]
        ),
        .testTarget(
            name: "FederationTests",
            dependencies: ["Federation", "SimKernel", "TinyTrain", "Datasets", "Scenario"]
        ),
        .testTarget(
            name: "DatasetsTests",
            dependencies: ["Datasets"]
        ),
        .testTarget(
            name: "EnergyTests",
            dependencies: ["Energy", "SimKernel"]
        ),
        .testTarget(
            name: "TinyTrainTests",
            dependencies: ["TinyTrain", "SimKernel"]
        ),
        .testTarget(
            name: "RadioTests",
            dependencies: ["Radio", "Energy", "SimKernel"]
        ),
        .testTarget(
            name: "ScenarioTests",
            dependencies: ["Scenario", "SimKernel", "BoundedYAML"]
        ),
        .testTarget(
            name: "BoundedYAMLTests",
            dependencies: ["BoundedYAML"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["ftte-sim"]
        ),
    ]
)
