// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing

/// A conv 3→8 (3×3) feeding, after 2×2 pooling and a flatten, a linear 8·4 → 10.
let smallLayout = ModelLayout(tensors: [
    TensorLayout(
        name: "conv.weight", outputChannels: 8, inputChannels: 3, kernelElements: 9, slicesInputChannels: false),
    TensorLayout(name: "conv.bias", outputChannels: 8, inputChannels: 1),
    TensorLayout(
        name: "fc.weight", outputChannels: 10, inputChannels: 8, inputSpatialElements: 4, slicesOutputChannels: false),
    TensorLayout(name: "fc.bias", outputChannels: 10, inputChannels: 1, slicesOutputChannels: false),
])

struct SubNetworkTests {
    let stream = RandomStream(StreamKey(masterSeed: 1, entity: 0, purpose: "subnet"))

    @Test func widthKeepsTheFirstChannelsOfEveryHiddenDimension() throws {
        let specs = try ExtractionPolicy.width.extract(
            layout: smallLayout, capacityRatio: 0.5, step: 7, stream: stream)
        let subsets = zip(specs, smallLayout.tensors).map { $0.resolve($1) }
        // conv: output channels 0–3, every input channel and tap: elements 0..<4·27.
        #expect(subsets[0] == .indices((0..<108).map { UInt32($0) }))
        #expect(subsets[1] == .indices([0, 1, 2, 3]))
        // fc: every output; input channels 0–3, each a plane of 4 features: columns 0..<16 of each 32-wide row.
        let expected = (0..<10).flatMap { row in (0..<16).map { UInt32(row * 32 + $0) } }
        #expect(subsets[2] == .indices(expected))
        #expect(subsets[3] == .all)
    }

    @Test func rollingWindowAdvancesWithTheRoundAndWraps() throws {
        let specs = try ExtractionPolicy.rolling.extract(
            layout: smallLayout, capacityRatio: 0.5, step: 6, stream: stream)
        #expect(specs[1] == .channelWindow(outputs: ChannelWindow(start: 6, count: 4, total: 8), inputs: .all(1)))
        #expect(specs[1].resolve(smallLayout.tensors[1]) == .indices([0, 1, 6, 7]))
        let fullCycle = try (0..<8).map { round throws(FederationConfigurationError) in
            try ExtractionPolicy.rolling.extract(
                layout: smallLayout, capacityRatio: 0.25, step: round, stream: stream)[1]
                .resolve(smallLayout.tensors[1])
        }
        let covered = Set(fullCycle.flatMap { $0.indexList(of: 8) })
        #expect(covered.count == 8, "every channel is trained within C rounds")
    }

    @Test func randomIndexHoldsTheRightCountAndSeededSelectionsRegenerate() throws {
        let seeded = try ExtractionPolicy.randomIndex(sharedSeed: true).extract(
            layout: smallLayout, capacityRatio: 0.3, step: 0, stream: stream)
        for (spec, tensor) in zip(seeded, smallLayout.tensors) {
            let subset = spec.resolve(tensor)
            let list = subset.indexList(of: tensor.elementCount)
            #expect(list.count == Int((0.3 * Double(tensor.elementCount)).rounded(.up)))
            #expect(zip(list, list.dropFirst()).allSatisfy { $0 < $1 })
            #expect(spec.resolve(tensor) == subset, "both ends derive the same indices from the seed")
        }
        let explicit = try ExtractionPolicy.randomIndex(sharedSeed: false).extract(
            layout: smallLayout, capacityRatio: 0.3, step: 0, stream: stream)
        guard case .explicit(let list) = explicit[2] else {
            Issue.record("expected an explicit list")
            return
        }
        #expect(list.count == 96)
    }

    @Test func capacityRatioOutsideTheUnitIntervalIsRejected() {
        #expect(throws: FederationConfigurationError.self) {
            try ExtractionPolicy.width.extract(layout: smallLayout, capacityRatio: 0, step: 0, stream: stream)
        }
        #expect(throws: FederationConfigurationError.self) {
            try ExtractionPolicy.width.extract(layout: smallLayout, capacityRatio: 1.5, step: 0, stream: stream)
        }
    }

    @Test func gatherThenScatterRoundTrips() throws {
        let specs = try ExtractionPolicy.randomIndex(sharedSeed: false).extract(
            layout: smallLayout, capacityRatio: 0.4, step: 0, stream: stream)
        let subset = ParameterSubset(tensors: zip(specs, smallLayout.tensors).map { $0.resolve($1) })
        let original = smallLayout.tensors.map { t in (0..<t.elementCount).map { Float($0) } }
        var target = smallLayout.tensors.map { [Float](repeating: -1, count: $0.elementCount) }
        subset.scatter(subset.gather(original), into: &target)
        for (tensor, sub) in subset.tensors.enumerated() {
            let held = Set(sub.indexList(of: original[tensor].count))
            for index in original[tensor].indices {
                #expect(target[tensor][index] == (held.contains(UInt32(index)) ? original[tensor][index] : -1))
            }
        }
    }
}
