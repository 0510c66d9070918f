// x (N, C, H, W) -> y (N, C, OH, OW): MaxPool and AveragePool, the fast path of `Reference.pool`.
//
// Per (image, channel) plane: a `PaddedPlane` copy in the worker's scratch (filled with -inf for
// max, 0 for average), then each output row eight or sixteen outputs at a time over all taps.
// Average divisors factor into a row count times a column count (a tap is inside the counted
// region exactly when its row and its column are), so they are precomputed once per shape:
// with count_include_pad the counted region is the input plus its pads, without it the input
// alone; in ceil mode, windows running past the end pad count only what lies inside.

/// Max or average pooling, prepared once per shape.
import KernelSupport

public struct Pooling: Sendable {
    /// Max or average.
    public let kind: PoolKind
    /// Channels, input size and window (2-D).
    public let shape: PoolShape
    let plane: PaddedPlane
    /// Average only: counted taps per output row, and 1 / counted taps per output column.
    let rowCounts: [Float], columnReciprocals: [Float]

    /// Prepares pooling of `kind` over `shape`.
    ///
    /// - Precondition: `shape.problem == nil` and the pool is 2-D (`shape.isPlanar`).
    public init(kind: PoolKind, shape: PoolShape) {
        precondition(shape.problem == nil, "Pooling: \(shape.problem ?? "")")
        precondition(shape.isPlanar, "Pooling: 3-D pools run on the reference only")
        self.kind = kind
        self.shape = shape
        let w = shape.window
        plane = PaddedPlane(window: w, inputHeight: shape.inputHeight, inputWidth: shape.inputWidth,
                            outputHeight: shape.outputHeight, outputWidth: shape.outputWidth)
        if case let .average(includePad) = kind {
            rowCounts = (0..<shape.outputHeight).map {
                Float(Self.countedTaps($0, stride: w.strideHeight, padBegin: w.padTop, padEnd: w.padBottom,
                                       kernel: w.kernelHeight, dilation: w.dilationHeight,
                                       size: shape.inputHeight, includePad: includePad))
            }
            columnReciprocals = (0..<shape.outputWidth).map {
                1 / Float(Self.countedTaps($0, stride: w.strideWidth, padBegin: w.padLeft, padEnd: w.padRight,
                                           kernel: w.kernelWidth, dilation: w.dilationWidth,
                                           size: shape.inputWidth, includePad: includePad))
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
        let g = shape, plane = plane, kind = kind
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

extension Pooling {
    /// `run` on arrays with its own scratch, for tests and one-off calls; returns `y`.
    public func run(_ x: [Float], batch: Int, parallelism: Parallelism = .machine) -> [Float] {
        precondition(x.count == batch * shape.inputCount, "Pooling: x has \(x.count) floats")
        var y = [Float](repeating: 0, count: batch * shape.outputCount)
        var scratch = [Float](repeating: 0, count: scratchCount(parallelism: parallelism))
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    run(xb.baseAddress!, yb.baseAddress!, batch: batch, scratch: sb.baseAddress!,
                        parallelism: parallelism)
                }
            }
        }
        return y
    }
}
