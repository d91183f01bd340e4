// SPDX-License-Identifier: GPL-3.0-or-later

/// The federation layer's view of one parameter tensor: how its flat elements map to channels.
///
/// Elements are stored output-channel-major, `(o · inputs + i) · kernelElements + k`, as the training engine
/// stores convolution (OIHW) and linear (OI) weights; a bias is a tensor with one input and one kernel element.
/// `inputs = inputChannels × inputSpatialElements`: a linear layer after a flatten of C×H×W features has
/// `inputChannels = C` and `inputSpatialElements = H·W`, so channel slicing keeps whole feature planes.
public struct TensorLayout: Hashable, Sendable {
    /// A readable name ("conv1.weight").
    public var name: String
    /// Output channels (rows).
    public var outputChannels: Int
    /// Input channels per group (1 for a depthwise convolution or a bias).
    public var inputChannels: Int
    /// Input elements per input channel (H·W for a linear layer after a flatten, else 1).
    public var inputSpatialElements: Int
    /// Elements per (output, input) pair: kh·kw for a convolution, 1 otherwise.
    public var kernelElements: Int
    /// Whether width-style policies may slice the output channels (false for the classifier's outputs).
    public var slicesOutputChannels: Bool
    /// Whether width-style policies may slice the input channels (false for the first layer's image
    /// channels and for depthwise or bias tensors).
    public var slicesInputChannels: Bool

    /// Creates a layout.
    public init(
        name: String, outputChannels: Int, inputChannels: Int, inputSpatialElements: Int = 1, kernelElements: Int = 1,
        slicesOutputChannels: Bool = true, slicesInputChannels: Bool = true
    ) {
        precondition(outputChannels > 0 && inputChannels > 0 && inputSpatialElements > 0 && kernelElements > 0)
        self.name = name
        self.outputChannels = outputChannels
        self.inputChannels = inputChannels
        self.inputSpatialElements = inputSpatialElements
        self.kernelElements = kernelElements
        self.slicesOutputChannels = slicesOutputChannels
        self.slicesInputChannels = slicesInputChannels && inputChannels > 1
    }

    /// Inputs per output channel: `inputChannels × inputSpatialElements`.
    public var inputs: Int { self.inputChannels * self.inputSpatialElements }

    /// Number of scalar parameters.
    public var elementCount: Int { self.outputChannels * self.inputs * self.kernelElements }

    /// The flat indices of the elements whose output channel is in `outputs` and input channel in `inputs`,
    /// in increasing order when both lists are increasing.
    public func elements(outputChannels outputs: [Int], inputChannels inputs: [Int]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(outputs.count * inputs.count * self.inputSpatialElements * self.kernelElements)
        let rowLength = self.inputs * self.kernelElements
        let planeLength = self.inputSpatialElements * self.kernelElements
        for output in outputs {
            for input in inputs {
                let start = output * rowLength + input * planeLength
                for offset in 0..<planeLength { result.append(UInt32(start + offset)) }
            }
        }
        return result
    }
}

/// The parameter tensors of a model, in the training engine's order.
public struct ModelLayout: Hashable, Sendable {
    /// The tensors.
    public var tensors: [TensorLayout]

    /// Creates a layout from its tensors.
    public init(tensors: [TensorLayout]) { self.tensors = tensors }

    /// Total scalar parameters.
    public var parameterCount: Int { self.tensors.reduce(0) { $0 + $1.elementCount } }
}
