// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

@testable import TinyTrain

struct ParsingTests {
    @Test(arguments: [
        ("262144", 262_144), ("256KiB", 262_144), ("1MiB", 1_048_576), ("512kB", 512_000), ("1.5 MiB", 1_572_864),
        ("2GB", 2_000_000_000),
    ])
    func byteSizesParseBinaryAndDecimalUnits(text: String, bytes: Int) throws {
        #expect(try ByteSize.parse(text) == bytes)
    }

    @Test(arguments: ["", "12XB", "-1KiB", "0.5B", "KiB"])
    func malformedByteSizesAreRejected(text: String) {
        #expect(throws: PlanError.self) { try ByteSize.parse(text) }
    }

    @Test
    func updateSpecClausesApplyLeftToRight() throws {
        let model = try ModelZoo.cnnCIFAR()
        let resolved = try UpdateSpec(parsing: "bias-only,last:2@0.25,conv1=f,conv2=w[0;3]").resolve(for: model)
        let byName = Dictionary(uniqueKeysWithValues: resolved.map { (model.nodes[$0.key].name, $0.value) })
        #expect(byName["conv1"] == .frozen)
        #expect(byName["conv2"] == LayerUpdate(weights: .indices([0, 3]), bias: true))
        #expect(byName["conv3"] == .biasOnly)
        #expect(byName["conv4"] == LayerUpdate(weights: .ratio(0.25), bias: true))
        #expect(byName["fc"] == LayerUpdate(weights: .ratio(0.25), bias: true))
        let plan = try TrainingPlan.compile(model, update: UpdateSpec(parsing: "last:2@0.25"))
        #expect(plan.layers.map(\.trainableRows.count) == [0, 0, 0, 16, 3])
    }

    @Test(arguments: ["last:0", "last:x", "fc=q", "fc=w@1.5", "nolayer=w", "fc=w[]", "fc=w[99]", "sideways"])
    func malformedUpdateSpecsAreRejected(text: String) throws {
        let model = try ModelZoo.cnnCIFAR()
        #expect(throws: PlanError.self) {
            try TrainingPlan.compile(model, update: UpdateSpec(parsing: text))
        }
    }

    @Test(arguments: ["full", "bias-only", "none", "last:3", "bias-only,last:2@0.25,conv1=w[0;2],fc=b,conv2=f"])
    func updateSpecDescriptionParsesBackToTheSameSpec(text: String) throws {
        let spec = try UpdateSpec(parsing: text)
        #expect(spec.description == text)
        #expect(try UpdateSpec(parsing: spec.description) == spec)
    }

    @Test
    func updateSpecFileEqualsTheCompactForm() throws {
        let path = ModelDescriptionTests.modelsDirectory.deletingLastPathComponent()
            .appendingPathComponent("updates/sparse-cifar.yaml").path
        #expect(try UpdateSpec.resolve(path) == UpdateSpec(parsing: "bias-only,last:2@0.25"))
    }
}
