// x (N, C, H, W) -> y (N, C, OH, OW): MaxPool and AveragePool, the fast path of `Reference.pool`.
//
// Per (image, channel) plane, one of three ways; the first two read a padded copy in the worker's
// scratch (-inf around it for max, 0 for average):
// - `grid` (horizontal stride 1, or output rows narrower than 16): a `PoolingPlane`, its border
//   written once per call, the windows evaluated sixteen at a time over the plane's wide grid
//   in one flat run (vertical stride 1) or a run per output row, then each row's results copied
//   out. Small maps (Inception-v3's 12x12 and 5x5) no longer pay a row loop per output row.
// - `phases` (wide maps with a horizontal stride: average pools, Inception-v3's 52x52 max pool): a
//   `PaddedPlane` split by column phase, each output row eight outputs at a time over all
//   taps; the grid would evaluate every column there, twice the work.
// - `maxRows` (max pools 2 or 3 columns wide with a horizontal stride of 2 over rows of 48 or more
//   outputs, the stems'): no copy, the window's rows then its columns (`MaxPoolRows`).
// A NaN in a window gives NaN on every layout, as in `Reference.pool`.
// Average divisors are precomputed once per shape for every output, as the product of a row
// count and a column count (a tap is inside the counted region exactly when its row and its
// column are): with count_include_pad the counted region is the input plus its pads, without
// it the input alone; in ceil mode, windows running past the end pad count only what lies inside.

/// Max or average pooling, prepared once per shape.
import KernelSupport

public struct Pooling: Sendable {
    /// Max or average.
    public let kind: PoolKind
    /// Channels, input size and window (2-D).
    public let shape: PoolShape
    /// How a plane is laid out and read (see the file comment).
    enum Layout: Sendable {
        case grid(PoolingPlane)
        case phases(PaddedPlane)
        case maxRows(MaxPoolRows)
    }
    let layout: Layout
    /// Average only: 1 / counted taps for each output, at its place on the wide grid (r PW + j sW)
    /// for `grid`, at r OW + j for `phases`; zero elsewhere, with a vector of slack.
    let reciprocals: [Float]

    /// Prepares pooling of `kind` over `shape`.
    ///
    /// - Precondition: `shape.problem == nil` and the pool is 2-D (`shape.isPlanar`).
    public init(kind: PoolKind, shape: PoolShape) {
        precondition(shape.problem == nil, "Pooling: \(shape.problem ?? "")")
        precondition(shape.isPlanar, "Pooling: 3-D pools run on the reference only")
        self.kind = kind
        self.shape = shape
        let w = shape.window
        let oh = shape.outputHeight, ow = shape.outputWidth
        let gridPlane: PoolingPlane?
        if kind == .max && MaxPoolRows.applies(shape) {
            layout = .maxRows(MaxPoolRows(shape: shape))
            gridPlane = nil
        } else if w.strideWidth == 1 || ow < 16 {
            let plane = PoolingPlane(window: w, inputHeight: shape.inputHeight, inputWidth: shape.inputWidth,
                                     outputHeight: oh, outputWidth: ow)
            layout = .grid(plane)
            gridPlane = plane
        } else {
            layout = .phases(PaddedPlane(window: w, inputHeight: shape.inputHeight, inputWidth: shape.inputWidth,
                                         outputHeight: oh, outputWidth: ow))
            gridPlane = nil
        }
        guard case let .average(includePad) = kind else {
            reciprocals = []
            return
        }
        let rowCounts = (0..<oh).map {
            Self.countedTaps($0, stride: w.strideHeight, padBegin: w.padTop, padEnd: w.padBottom,
                             kernel: w.kernelHeight, dilation: w.dilationHeight,
                             size: shape.inputHeight, includePad: includePad)
        }
        let columnCounts = (0..<ow).map {
            Self.countedTaps($0, stride: w.strideWidth, padBegin: w.padLeft, padEnd: w.padRight,
                             kernel: w.kernelWidth, dilation: w.dilationWidth,
                             size: shape.inputWidth, includePad: includePad)
        }
        let (rowStep, columnStep) = gridPlane.map { ($0.width, w.strideWidth) } ?? (ow, 1)
        var reciprocals = [Float](repeating: 0, count: (gridPlane?.wideCount ?? oh * ow) + 16)
        for (r, rowCount) in rowCounts.enumerated() {
            for (j, columnCount) in columnCounts.enumerated() {
                reciprocals[r * rowStep + j * columnStep] = 1 / Float(rowCount * columnCount)
            }
        }
        self.reciprocals = reciprocals
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

    /// Floats of scratch `run` needs (per worker, a padded plane, and the wide grid for `grid`).
    public func scratchCount(parallelism: Parallelism) -> Int {
        switch layout {
        case let .grid(plane): return parallelism.threads * plane.count
        case let .phases(plane): return parallelism.threads * plane.count
        case let .maxRows(rows): return parallelism.threads * rows.bufferFloats
        }
    }

    /// Pools `batch` images of `x` into `y`; `scratch` holds `scratchCount(parallelism:)` floats.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                    scratch: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        switch layout {
        case let .grid(plane): runGrid(plane, x, y, batch: batch, scratch: scratch, parallelism: parallelism)
        case let .phases(plane): runPhases(plane, x, y, batch: batch, scratch: scratch, parallelism: parallelism)
        case let .maxRows(rows):
            let inPlane = shape.inputHeight * shape.inputWidth, outPlane = shape.outputHeight * shape.outputWidth
            parallelism.forEach(batch * shape.channels) { item, worker in
                rows.run(x + item * inPlane, y + item * outPlane, buffer: scratch + worker * rows.bufferFloats)
            }
        }
    }

    private func runGrid(_ plane: PoolingPlane, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                         batch: Int, scratch: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let g = shape, kind = kind
        let inPlane = g.inputHeight * g.inputWidth, outPlane = g.outputHeight * g.outputWidth
        let taps = plane.padded.taps
        let padding: Float = kind == .max ? -.infinity : 0
        plane.padded.tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            reciprocals.withUnsafeBufferPointer { reciprocals in
                // Whether each worker's plane has its border yet (the scratch is other steps' too).
                withUnsafeTemporaryAllocation(of: Bool.self, capacity: parallelism.threads) { bordered in
                    bordered.initialize(repeating: false)
                    let offsets = offsetBuffer.baseAddress!
                    parallelism.forEach(batch * g.channels) { item, worker in
                        let padded = scratch + worker * plane.count
                        let wide = padded + plane.planeCount
                        if !bordered[worker] {
                            plane.fillBorder(padded, padding: padding)
                            bordered[worker] = true
                        }
                        plane.padded.fillInterior(from: x + item * inPlane, into: padded)
                        plane.forEachRun { read, write, count in
                            switch kind {
                            case .max:
                                Self.maxRun(padded + read, wide + write, count: count, offsets: offsets, taps: taps)
                            case .average:
                                Self.averageRun(padded + read, wide + write, count: count, offsets: offsets,
                                                taps: taps, reciprocals: reciprocals.baseAddress! + write)
                            }
                        }
                        plane.copyOut(wide, to: y + item * outPlane)
                    }
                }
            }
        }
    }

    private func runPhases(_ plane: PaddedPlane, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           batch: Int, scratch: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let g = shape, kind = kind
        let oh = g.outputHeight, ow = g.outputWidth
        let inPlane = g.inputHeight * g.inputWidth, outPlane = oh * ow
        plane.tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            reciprocals.withUnsafeBufferPointer { reciprocals in
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
                                            reciprocals: reciprocals.baseAddress! + row * ow)
                        }
                    }
                }
            }
        }
    }

    /// out[j] = max over taps of base[offsets[t] + j] (NaN if any is NaN, as in `Reference.pool`);
    /// eight outputs at a time, the last vector partial (reading into the padded plane's slack,
    /// storing only the outputs that exist).
    @inline(__always)
    static func maxRow(_ base: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
                       offsets: UnsafePointer<Int>, taps: Int) {
        var j = 0
        while j < count {
            var m = (base + offsets[0] + j).vec8(), nan = m .!= m
            for t in 1..<taps {
                let v = (base + offsets[t] + j).vec8()
                m = VectorMath.max(m, v)
                nan = nan .| (v .!= v)
            }
            m.replace(with: .nan, where: nan)
            let n = Swift.min(8, count - j)
            if n == 8 { out.store(m, at: j) } else { (out + j).store(m, count: n) }
            j += 8
        }
    }

    /// out[j] = reciprocals[j] * sum over taps of base[offsets[t] + j] (`reciprocals` has a
    /// vector of slack past the row).
    @inline(__always)
    static func averageRow(_ base: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
                           offsets: UnsafePointer<Int>, taps: Int, reciprocals: UnsafePointer<Float>) {
        var j = 0
        while j < count {
            var s = Vec8.zero
            for t in 0..<taps { s += (base + offsets[t] + j).vec8() }
            let n = Swift.min(8, count - j)
            if n == 8 {
                out.store(s * reciprocals.vec8(j), at: j)
            } else {
                (out + j).store(s * reciprocals.vec8(j), count: n)
            }
            j += 8
        }
    }

    typealias Vec16 = SIMD16<Float>

    /// wide[q] = max over taps of plane[offsets[t] + q] (NaN if any is NaN), q in 0..<count,
    /// sixteen at a time (the last vector past `count`, into the grid's rounding).
    @inline(__always)
    static func maxRun(_ plane: UnsafePointer<Float>, _ wide: UnsafeMutablePointer<Float>, count: Int,
                       offsets: UnsafePointer<Int>, taps: Int) {
        var q = 0
        while q < count {
            let p = UnsafeRawPointer(plane + q)
            var m = p.loadUnaligned(fromByteOffset: 4 * offsets[0], as: Vec16.self), nan = m .!= m
            for t in 1..<taps {
                let v = p.loadUnaligned(fromByteOffset: 4 * offsets[t], as: Vec16.self)
                m = m.replacing(with: v, where: m .< v)
                nan = nan .| (v .!= v)
            }
            m.replace(with: .nan, where: nan)
            UnsafeMutableRawPointer(wide + q).storeBytes(of: m, as: Vec16.self)
            q += 16
        }
    }

    /// wide[q] = reciprocals[q] * sum over taps of plane[offsets[t] + q].
    @inline(__always)
    static func averageRun(_ plane: UnsafePointer<Float>, _ wide: UnsafeMutablePointer<Float>, count: Int,
                           offsets: UnsafePointer<Int>, taps: Int, reciprocals: UnsafePointer<Float>) {
        var q = 0
        while q < count {
            let p = UnsafeRawPointer(plane + q)
            var s = Vec16.zero
            for t in 0..<taps { s += p.loadUnaligned(fromByteOffset: 4 * offsets[t], as: Vec16.self) }
            let scale = UnsafeRawPointer(reciprocals + q).loadUnaligned(as: Vec16.self)
            UnsafeMutableRawPointer(wide + q).storeBytes(of: s * scale, as: Vec16.self)
            q += 16
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
