// The geometry of a window sliding over the trailing spatial axes, as Conv, MaxPool and
// AveragePool share it: explicit or automatic pads, strides, dilations, and the output size
// (floor, or ceil in ceil_mode, where a last window starting inside the end padding is dropped,
// as PyTorch and onnxruntime do).

/// The plain operators: the specification of every operator, and the fallback the executor runs
/// when no fast kernel takes a node. Loops over raw pointers, no allocation inside.
enum Reference {}

/// A window over `input` spatial sizes, resolved to explicit pads and output sizes.
struct SlidingWindow: Sendable, Equatable {
    /// Spatial input sizes (H, W for 2-D).
    var input: [Int]
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padBegin: [Int]
    var padEnd: [Int]
    /// Spatial output sizes (OH, OW for 2-D).
    var output: [Int]

    var rank: Int { input.count }

    /// Extent of the dilated kernel on axis `i`.
    func effective(_ i: Int) -> Int { dilations[i] * (kernel[i] - 1) + 1 }

    /// Resolves `attributes` over `input` with the given kernel sizes.
    ///
    /// - Parameter padsWithinKernel: pools require every pad to be smaller than the window
    ///   (a window entirely in padding has no value).
    static func resolve(_ attributes: WindowAttributes, input: [Int], kernel: [Int], ceilMode: Bool,
                        padsWithinKernel: Bool) throws -> SlidingWindow {
        let rank = input.count
        func perAxis(_ values: [Int]?, _ name: String, default value: Int) throws -> [Int] {
            guard let values else { return [Int](repeating: value, count: rank) }
            guard values.count == rank else {
                throw OpFailure.malformed("\(name) has \(values.count) values for \(rank) spatial axes")
            }
            return values
        }
        guard kernel.count == rank, kernel.allSatisfy({ $0 >= 1 }) else {
            throw OpFailure.malformed("kernel \(kernel) does not fit \(rank) spatial axes")
        }
        let strides = try perAxis(attributes.strides, "strides", default: 1)
        let dilations = try perAxis(attributes.dilations, "dilations", default: 1)
        var window = SlidingWindow(input: input, kernel: kernel, strides: strides, dilations: dilations,
                                   padBegin: [Int](repeating: 0, count: rank),
                                   padEnd: [Int](repeating: 0, count: rank), output: [])
        switch attributes.autoPad {
        case .notSet:
            if let pads = attributes.pads {
                guard pads.count == 2 * rank else {
                    throw OpFailure.malformed("pads has \(pads.count) values for \(rank) spatial axes")
                }
                window.padBegin = Array(pads[0..<rank])
                window.padEnd = Array(pads[rank...])
            }
        case .valid:
            break
        case .sameUpper, .sameLower:
            for i in 0..<rank {
                let out = (input[i] + strides[i] - 1) / strides[i]
                let total = max(0, (out - 1) * strides[i] + window.effective(i) - input[i])
                let small = total / 2
                window.padBegin[i] = attributes.autoPad == .sameUpper ? small : total - small
                window.padEnd[i] = total - window.padBegin[i]
            }
        }
        for i in 0..<rank {
            let eff = window.effective(i)
            if padsWithinKernel && (window.padBegin[i] >= eff || window.padEnd[i] >= eff) {
                throw OpFailure.malformed("pads \(window.padBegin[i]), \(window.padEnd[i]) are not smaller than the window \(eff)")
            }
            let span = input[i] + window.padBegin[i] + window.padEnd[i] - eff
            guard span >= 0 else {
                throw OpFailure.shape("window \(eff) is larger than the padded input \(input[i] + window.padBegin[i] + window.padEnd[i]) on spatial axis \(i)")
            }
            var out = (ceilMode ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1
            if ceilMode && (out - 1) * strides[i] >= input[i] + window.padBegin[i] { out -= 1 }
            window.output.append(out)
        }
        return window
    }
}
