// SPDX-License-Identifier: GPL-3.0-or-later

/// Builds a ``ModelGraph`` node by node, inferring and checking shapes as it goes.
///
/// ```swift
/// var b = ModelBuilder(name: "mlp", input: TensorShape(channels: 1, height: 28, width: 28))
/// var x = try b.flatten(b.input)
/// x = try b.linear(x, out: 64, name: "fc1")
/// x = try b.relu(x)
/// x = try b.linear(x, out: 10, name: "fc2")
/// let model = try b.build(output: x)
/// ```
public struct ModelBuilder: Sendable {
    /// The model's name.
    public let name: String
    private var nodes: [GraphNode]
    private var counters: [String: Int] = [:]

    /// A builder whose node 0 is an input of the given shape.
    /// - Parameters:
    ///   - name: the model's name.
    ///   - input: one sample's shape.
    public init(name: String, input: TensorShape) {
        self.name = name
        self.nodes = [GraphNode(name: "input", operation: .input, inputs: [], shape: input)]
    }

    /// The input node.
    public var input: NodeID { 0 }

    /// Output shape of a node already added.
    public func shape(of node: NodeID) -> TensorShape { nodes[node].shape }

    /// Adds a 2-D convolution.
    /// - Throws: ``ModelError`` when the geometry does not fit the input.
    @discardableResult
    public mutating func conv2d(
        _ x: NodeID, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1, bias: Bool = true,
        name: String? = nil
    ) throws -> NodeID {
        let attributes = Conv2DAttributes(
            outChannels: out, kernel: kernel, stride: stride, padding: padding, groups: groups, bias: bias)
        return try add(.conv2d(attributes), inputs: [x], name: name)
    }

    /// Adds a fully connected layer (its input is read flattened).
    @discardableResult
    public mutating func linear(_ x: NodeID, out: Int, bias: Bool = true, name: String? = nil) throws -> NodeID {
        try add(.linear(outFeatures: out, bias: bias), inputs: [x], name: name)
    }

    /// Adds a frozen batch norm (folded into the preceding conv2d or linear layer at compile time).
    @discardableResult
    public mutating func batchNorm(
        _ x: NodeID, epsilon: Double = BatchNormParameters.defaultEpsilon, name: String? = nil
    )
        throws -> NodeID
    {
        try add(.batchNorm(epsilon: epsilon), inputs: [x], name: name)
    }

    /// Adds ReLU.
    @discardableResult
    public mutating func relu(_ x: NodeID, name: String? = nil) throws -> NodeID {
        try add(.activation(.relu), inputs: [x], name: name)
    }

    /// Adds ReLU6.
    @discardableResult
    public mutating func relu6(_ x: NodeID, name: String? = nil) throws -> NodeID {
        try add(.activation(.relu6), inputs: [x], name: name)
    }

    /// Adds max pooling.
    @discardableResult
    public mutating func maxPool(_ x: NodeID, kernel: Int, stride: Int, name: String? = nil) throws -> NodeID {
        try add(.maxPool(PoolAttributes(kernel: kernel, stride: stride)), inputs: [x], name: name)
    }

    /// Adds average pooling.
    @discardableResult
    public mutating func avgPool(_ x: NodeID, kernel: Int, stride: Int, name: String? = nil) throws -> NodeID {
        try add(.avgPool(PoolAttributes(kernel: kernel, stride: stride)), inputs: [x], name: name)
    }

    /// Adds global average pooling.
    @discardableResult
    public mutating func globalAvgPool(_ x: NodeID, name: String? = nil) throws -> NodeID {
        try add(.globalAvgPool, inputs: [x], name: name)
    }

    /// Adds the elementwise sum of two nodes of equal shape.
    @discardableResult
    public mutating func add(_ a: NodeID, _ b: NodeID, name: String? = nil) throws -> NodeID {
        try add(.add, inputs: [a, b], name: name)
    }

    /// Adds a flatten.
    @discardableResult
    public mutating func flatten(_ x: NodeID, name: String? = nil) throws -> NodeID {
        try add(.flatten, inputs: [x], name: name)
    }

    /// Adds any operation after checking its inputs and inferring its shape.
    /// - Parameters:
    ///   - operation: what the node computes (not `.input`).
    ///   - inputs: producers (one, or two for `.add`).
    ///   - name: unique name; defaults to the kind and a counter (`conv2d_3`).
    /// - Returns: the new node.
    /// - Throws: ``ModelError`` naming the node when shapes, geometry or names do not fit.
    @discardableResult
    public mutating func add(_ operation: Operation, inputs: [NodeID], name: String? = nil) throws -> NodeID {
        let kind = operation.kindName
        let nodeName: String
        if let name {
            nodeName = name
        } else {
            counters[kind, default: 0] += 1
            nodeName = "\(kind)_\(counters[kind]!)"
        }
        func fail(_ message: String) -> ModelError { ModelError(keyPath: nodeName, message: message) }
        guard !nodes.contains(where: { $0.name == nodeName }) else { throw fail("the name is already used") }
        for input in inputs where !nodes.indices.contains(input) { throw fail("input \(input) does not exist") }
        let expectedInputs = operation == .add ? 2 : 1
        guard operation != .input, inputs.count == expectedInputs else {
            throw fail("expected \(expectedInputs) input(s), got \(inputs.count)")
        }
        let shape = try Self.inferShape(operation, inputs: inputs.map { nodes[$0].shape }, fail: fail)
        nodes.append(GraphNode(name: nodeName, operation: operation, inputs: inputs, shape: shape))
        return nodes.count - 1
    }

    /// Finishes the graph.
    /// - Parameter output: the node whose output is the logits of the softmax cross-entropy loss.
    /// - Throws: ``ModelError`` when the output is not a vector of at least two classes.
    public func build(output: NodeID) throws -> ModelGraph {
        guard nodes.indices.contains(output), output > 0 else {
            throw ModelError(keyPath: "output", message: "expected an existing non-input node")
        }
        let shape = nodes[output].shape
        guard shape.height == 1, shape.width == 1, shape.channels >= 2 else {
            throw ModelError(
                keyPath: nodes[output].name,
                message: "the loss expects logits of shape classes×1×1 with at least 2 classes, got \(shape)")
        }
        return ModelGraph(name: name, nodes: nodes, output: output)
    }

    private static func inferShape(
        _ operation: Operation, inputs: [TensorShape], fail: (String) -> ModelError
    ) throws -> TensorShape {
        let x = inputs[0]
        switch operation {
        case .input:
            throw fail("an input cannot be added")
        case .conv2d(let a):
            guard a.outChannels > 0, a.kernel > 0, a.stride > 0, a.padding >= 0, a.groups > 0 else {
                throw fail("expected positive out, kernel, stride, groups and non-negative padding")
            }
            guard x.channels % a.groups == 0, a.outChannels % a.groups == 0 else {
                throw fail("groups (\(a.groups)) must divide in channels (\(x.channels)) and out (\(a.outChannels))")
            }
            let height = (x.height + 2 * a.padding - a.kernel) / a.stride + 1
            let width = (x.width + 2 * a.padding - a.kernel) / a.stride + 1
            guard x.height + 2 * a.padding >= a.kernel, x.width + 2 * a.padding >= a.kernel, height > 0, width > 0
            else {
                throw fail("kernel \(a.kernel) with padding \(a.padding) does not fit input \(x)")
            }
            return TensorShape(channels: a.outChannels, height: height, width: width)
        case .linear(let out, _):
            guard out > 0 else { throw fail("expected a positive out") }
            return TensorShape(channels: out)
        case .batchNorm(let epsilon):
            guard epsilon > 0, epsilon.isFinite else { throw fail("expected a positive epsilon") }
            return x
        case .activation:
            return x
        case .maxPool(let p), .avgPool(let p):
            guard p.kernel > 0, p.stride > 0, x.height >= p.kernel, x.width >= p.kernel else {
                throw fail("pool window \(p.kernel) (stride \(p.stride)) does not fit input \(x)")
            }
            guard p.kernel * p.kernel <= Int(UInt8.max) + 1 else {
                throw fail("pool window \(p.kernel)×\(p.kernel) exceeds 256 elements")
            }
            return TensorShape(
                channels: x.channels, height: (x.height - p.kernel) / p.stride + 1,
                width: (x.width - p.kernel) / p.stride + 1)
        case .globalAvgPool:
            return TensorShape(channels: x.channels)
        case .add:
            guard inputs[0] == inputs[1] else {
                throw fail("add expects equal shapes, got \(inputs[0]) and \(inputs[1])")
            }
            return x
        case .flatten:
            return TensorShape(channels: x.elementCount)
        }
    }
}
