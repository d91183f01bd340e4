// SPDX-License-Identifier: GPL-3.0-or-later

import Federation
import SimKernel
import Testing

struct PayloadCodecTests {
    let stream = RandomStream(StreamKey(masterSeed: 5, entity: 0, purpose: "payload"))

    func values(for specs: [IndexSpec]) -> [[Float]] {
        zip(specs, smallLayout.tensors).map { spec, tensor in
            (0..<spec.resolve(tensor).count(of: tensor.elementCount)).map { _ in Float(stream.normal()) }
        }
    }

    /// Hand count for the whole model in float32: 6 + 4 tensors × 4 header bytes + 4 bytes × 586 parameters.
    @Test func fullModelCostsHeadersPlusFourBytesPerParameter() {
        let codec = PayloadCodec(layout: smallLayout)
        let specs = [IndexSpec](repeating: .all, count: 4)
        let bytes = codec.encode(version: 3, specs: specs, values: values(for: specs))
        #expect(smallLayout.parameterCount == 216 + 8 + 320 + 10)
        #expect(bytes.count == 6 + 4 * 4 + 4 * 554)
    }

    @Test(arguments: ValuePrecision.allCases)
    func everyIndexEncodingRoundTrips(precision: ValuePrecision) throws {
        let codec = PayloadCodec(layout: smallLayout, precision: precision)
        let specs: [IndexSpec] = [
            .channelWindow(outputs: ChannelWindow(start: 6, count: 4, total: 8), inputs: .all(3)),
            .none,
            .seeded(seed: 99, count: 40),
            .explicit([0, 3, 4, 9]),
        ]
        let sent = values(for: specs)
        let bytes = codec.encode(version: 12, specs: specs, values: sent)
        let (version, receivedSpecs, received) = try codec.decode(bytes)
        #expect(version == 12)
        #expect(receivedSpecs == specs)
        let tolerance: (Float) -> Float = { x in
            switch precision {
            case .float32: 0
            case .float16: abs(x) / 2048 + 1e-7
            case .int8: sent.flatMap { $0 }.map(abs).max()! / 127 / 2 * 1.0001
            }
        }
        for (a, b) in zip(sent.flatMap { $0 }, received.flatMap { $0 }) { #expect(abs(a - b) <= tolerance(a)) }
    }

    /// A dense list is cheaper as a bitmap (⌈320/8⌉ = 40 bytes); a sparse one as gaps (3 one-byte varints + count).
    @Test func explicitListsUseTheSmallerEncoding() {
        let codec = PayloadCodec(layout: smallLayout)
        func size(_ list: [UInt32]) -> Int {
            let specs: [IndexSpec] = [.none, .none, .explicit(list), .none]
            let vals: [[Float]] = [[], [], [Float](repeating: 1, count: list.count), []]
            return codec.encode(version: 0, specs: specs, values: vals).count - 6 - 4 - 4 * list.count
        }
        #expect(size((0..<200).map { UInt32($0 * 3 / 2) }) == 40)
        #expect(size([5, 6, 100]) == 4 + 3)
    }

    @Test func truncatedOrCorruptPayloadsAreRejected() {
        let codec = PayloadCodec(layout: smallLayout)
        let specs = [IndexSpec](repeating: .all, count: 4)
        let bytes = codec.encode(version: 1, specs: specs, values: values(for: specs))
        #expect(throws: PayloadDecodingError.self) { try codec.decode(Array(bytes.dropLast())) }
        var badTag = bytes
        badTag[8] = 9  // the first tensor's index tag
        #expect(throws: PayloadDecodingError.self) { try codec.decode(badTag) }
        #expect(throws: PayloadDecodingError.self) { try codec.decode(bytes + [0]) }
    }
}

extension PayloadCodecTests {
    /// A random-index sub-network, encoded, decoded and resolved against the receiver's own layout, is the
    /// sender's subset element for element, with the sender's values (float32 is exact).
    @Test(arguments: [true, false])
    func randomIndexSubsetsSurviveTheWire(sharedSeed: Bool) throws {
        let sender = RandomStream(StreamKey(masterSeed: 5, entity: 3, purpose: "subnet"))
        let specs = try ExtractionPolicy.randomIndex(sharedSeed: sharedSeed).extract(
            layout: smallLayout, capacityRatio: 0.3, step: 0, stream: sender)
        let sent = ParameterSubset(tensors: zip(specs, smallLayout.tensors).map { $0.resolve($1) })
        let values = values(for: specs)
        let bytes = PayloadCodec(layout: smallLayout).encode(version: 4, specs: specs, values: values)
        let receiverLayout = ModelLayout(tensors: smallLayout.tensors)
        let (version, receivedSpecs, receivedValues) = try PayloadCodec(layout: receiverLayout).decode(bytes)
        let received = ParameterSubset(tensors: zip(receivedSpecs, receiverLayout.tensors).map { $0.resolve($1) })
        #expect(version == 4)
        #expect(received == sent)
        #expect(receivedValues == values)
        for (subset, tensor) in zip(received.tensors, smallLayout.tensors) {
            #expect(subset.count(of: tensor.elementCount) == Int((0.3 * Double(tensor.elementCount)).rounded(.up)))
        }
    }
}
