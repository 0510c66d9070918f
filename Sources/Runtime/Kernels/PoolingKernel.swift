// x (N, C, H, W) -> y (N, C, OH, OW): MaxPool and AveragePool.
//
// Per (image, channel) plane: a `PaddedPlane` copy in the worker's scratch (filled with -inf for
// max, 0 for average), then each output row eight or sixteen outputs at a time over all taps.
// Average divisors factor into a row count times a column count (a tap is inside the counted
// region exactly when its row and its column are), so they are precomputed once per geometry:
// with count_include_pad the counted region is the input plus its pads, without it the input
// alone; in ceil mode, windows running past the end pad count only what lies inside.

/// The geometry of a pooling window over an input of fixed size.
///
///     x (N, C, H, W) -> y (N, C, OH, OW)
public struct PoolGeometry: Sendable, Hashable, CustomStringConvertible {
    /// C, H and W.
    public var channels: Int, inputHeight: Int, inputWidth: Int
    /// Kernel, strides, dilations and pads.
    public var window: Window
    /// Round the output size up rather than down (a last partial window).
    public var ceilMode: Bool

    /// Pooling `window` over `channels` planes of `inputHeight` x `inputWidth`.
    public init(channels: Int, inputHeight: Int, inputWidth: Int, window: Window, ceilMode: Bool = false) {
        self.channels = channels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.window = window
        self.ceilMode = ceilMode
    }

    /// OH.
    public var outputHeight: Int { window.outputHeight(inputHeight, ceilMode: ceilMode) }
    /// OW.
    public var outputWidth: Int { window.outputWidth(inputWidth, ceilMode: ceilMode) }
    /// C * H * W.
    public var inputCount: Int { channels * inputHeight * inputWidth }
    /// C * OH * OW.
    public var outputCount: Int { channels * outputHeight * outputWidth }

    /// Why the geometry is unusable, or nil.
    public var problem: String? {
        if channels < 1 { return "channels \(channels) must be positive" }
        return window.problem(height: inputHeight, width: inputWidth)
    }

    public var description: String {
        "pool \(channels)x\(inputHeight)x\(inputWidth) -> \(outputHeight)x\(outputWidth) \(window)"
            + (ceilMode ? " ceil" : "")
    }
}

/// Max or average pooling, prepared once per geometry.
public struct Pooling: Sendable {
    /// Which reduction over the window.
    public enum Kind: Sendable, Hashable {
        /// The largest value in the window (padding never wins).
        case max
        /// The mean; `countIncludePad` divides by the window's size including its pads.
        case average(countIncludePad: Bool)
    }

    /// The reduction.
    public let kind: Kind
    /// Shapes and window.
    public let geometry: PoolGeometry
    let plane: PaddedPlane
    /// Average only: counted taps per output row, and 1 / counted taps per output column.
    let rowCounts: [Float], columnReciprocals: [Float]

    /// Prepares pooling of `kind` over `geometry`.
    ///
    /// - Precondition: `geometry.problem == nil`.
    public init(kind: Kind, geometry: PoolGeometry) {
        precondition(geometry.problem == nil, "Pooling: \(geometry.problem ?? "")")
        self.kind = kind
        self.geometry = geometry
        let w = geometry.window
        plane = PaddedPlane(window: w, inputHeight: geometry.inputHeight, inputWidth: geometry.inputWidth,
                            outputHeight: geometry.outputHeight, outputWidth: geometry.outputWidth)
        if case let .average(includePad) = kind {
            rowCounts = (0..<geometry.outputHeight).map {
                Float(Self.countedTaps($0, stride: w.strideHeight, padBegin: w.padTop, padEnd: w.padBottom,
                                       kernel: w.kernelHeight, dilation: w.dilationHeight,
                                       size: geometry.inputHeight, includePad: includePad))
            }
            columnReciprocals = (0..<geometry.outputWidth).map {
                1 / Float(Self.countedTaps($0, stride: w.strideWidth, padBegin: w.padLeft, padEnd: w.padRight,
                                           kernel: w.kernelWidth, dilation: w.dilationWidth,
                                           size: geometry.inputWidth, includePad: includePad))
            }
        } else {
            rowCounts = []
            columnReciprocals = []
        }
    }

    /// Taps of output `o`'s window along one axis that fall in the counted region.
    static func countedTaps(_ o: Int, stride: Int, padBegin: Int, padEnd: Int, kernel: Int,
                            dilation: Int, size: Int, includePad: Bool) -> Int {
        let lower = includePad ? -padBegin : 0, upper = includePad ? size + padEnd : size
        var count = 0
        for k in 0..<kernel {
            let i = o * stride - padBegin + k * dilation
            if i >= lower && i < upper { count += 1 }
        }
        return count
    }

    /// Floats of scratch `run` needs (one padded plane per worker).
    public func scratchCount(parallelism: Parallelism) -> Int { parallelism.threads * plane.count }

    /// Pools `batch` images of `x` into `y`; `scratch` holds `scratchCount(parallelism:)` floats.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                    scratch: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let g = geometry, plane = plane, kind = kind
        let oh = g.outputHeight, ow = g.outputWidth
        let inPlane = g.inputHeight * g.inputWidth, outPlane = oh * ow
        plane.tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            rowCounts.withUnsafeBufferPointer { rowCounts in
                columnReciprocals.withUnsafeBufferPointer { columnReciprocals in
                    let offsets = offsetBuffer.baseAddress!
                    parallelism.forEach(batch * g.channels) { item, worker in
                        let padded = scratch + worker * plane.count
                        let out = y + item * outPlane
                        switch kind {
                        case .max:
                            plane.fill(from: x + item * inPlane, into: padded, padding: -.infinity)
                            for row in 0..<oh {
                                Self.maxRow(UnsafePointer(padded) + row * plane.rowStep, out + row * ow,
                                            count: ow, offsets: offsets, taps: plane.taps)
                            }
                        case .average:
                            plane.fill(from: x + item * inPlane, into: padded, padding: 0)
                            for row in 0..<oh {
                                Self.averageRow(UnsafePointer(padded) + row * plane.rowStep, out + row * ow,
                                                count: ow, offsets: offsets, taps: plane.taps,
                                                rowScale: 1 / rowCounts[row],
                                                columnScales: columnReciprocals.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }

    /// out[j] = max over taps of base[offsets[t] + j]; eight outputs at a time, the last vector
    /// partial (reading into the padded plane's slack, storing only the outputs that exist).
    @inline(__always)
    static func maxRow(_ base: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
                       offsets: UnsafePointer<Int>, taps: Int) {
        var j = 0
        while j < count {
            var m = (base + offsets[0] + j).vec8()
            for t in 1..<taps { m = VectorMath.max(m, (base + offsets[t] + j).vec8()) }
            let n = Swift.min(8, count - j)
            if n == 8 { out.store(m, at: j) } else { (out + j).store(m, count: n) }
            j += 8
        }
    }

    /// out[j] = rowScale * columnScales[j] * sum over taps of base[offsets[t] + j].
    @inline(__always)
    static func averageRow(_ base: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
                           offsets: UnsafePointer<Int>, taps: Int, rowScale: Float,
                           columnScales: UnsafePointer<Float>) {
        var j = 0
        while j < count {
            var s = Vec8.zero
            for t in 0..<taps { s += (base + offsets[t] + j).vec8() }
            let n = Swift.min(8, count - j)
            if n == 8 {
                out.store(s * rowScale * columnScales.vec8(j), at: j)
            } else {
                (out + j).store(s * rowScale * Vec8(partial: columnScales + j, count: n), count: n)
            }
            j += 8
        }
    }
}
