// Settling a window from ONNX's attributes (kernel, strides, dilations, pads, auto_pad) over the
// input's spatial sizes. The window itself, and the dimension names every kernel's shape comment
// uses, are in KernelSupport/Shapes/SlidingWindow.swift.

extension SlidingWindow {
    /// Resolves `attributes` over the `input` spatial sizes (one to three axes, the trailing
    /// axes of D, H, W) with the given kernel sizes.
    ///
    /// - Parameter padsWithinKernel: pools require every pad to be smaller than the window
    ///   (a window entirely in padding has no value).
    static func resolve(_ attributes: WindowAttributes, input: [Int], kernel: [Int],
                        padsWithinKernel: Bool) throws -> SlidingWindow {
        let rank = input.count
        precondition((1...3).contains(rank), "SlidingWindow.resolve: \(rank) spatial axes")
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
        /// The pads per axis while they are settled.
        struct Axes {
            let kernel: [Int], dilations: [Int]
            var padBegin: [Int], padEnd: [Int]
            func effective(_ i: Int) -> Int { dilations[i] * (kernel[i] - 1) + 1 }
        }
        var window = Axes(kernel: kernel, dilations: dilations, padBegin: [Int](repeating: 0, count: rank),
                          padEnd: [Int](repeating: 0, count: rank))
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
        }
        // The axes right-aligned on (D, H, W); missing leading axes are one wide.
        func axis(_ values: [Int], _ i: Int, _ missing: Int) -> Int { i < 3 - rank ? missing : values[i - (3 - rank)] }
        var resolved = SlidingWindow(kernel: (axis(kernel, 1, 1), axis(kernel, 2, 1)),
                                     stride: (axis(strides, 1, 1), axis(strides, 2, 1)),
                                     dilation: (axis(dilations, 1, 1), axis(dilations, 2, 1)),
                                     pads: (axis(window.padBegin, 1, 0), axis(window.padBegin, 2, 0),
                                            axis(window.padEnd, 1, 0), axis(window.padEnd, 2, 0)))
        resolved.kernelDepth = axis(kernel, 0, 1)
        resolved.strideDepth = axis(strides, 0, 1)
        resolved.dilationDepth = axis(dilations, 0, 1)
        resolved.padFront = axis(window.padBegin, 0, 0)
        resolved.padBack = axis(window.padEnd, 0, 0)
        return resolved
    }
}
