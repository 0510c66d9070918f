// x (N, C, H, W), w (C, 1, KH, KW) -> y (N, C, OH, OW), groups == C (multiplier 1), small maps.
//
// The planar depthwise path (Convolution+Depthwise.swift) copies each channel into its own padded
// plane and runs its rows eight outputs at a time. On 7x7 to 28x28 maps a row is one to four
// vectors and the per-plane work (filling a plane, splitting stride-2 phases, row tails) costs
// more than the arithmetic: a strided 14x14 layer spent most of its time filling planes
// (benchmarks/README.md, "Interleaved depthwise").
//
// Here eight channels go together. A block's input planes are transposed, eight positions at a
// time, into a zero-padded buffer (PH, PW, 8) in the worker's scratch, so the eight channels of a
// position are one vector. Every output position of the block is then KH * KW fused
// multiply-adds of full vectors, whatever the stride and width; the result (OH * OW, 8) is
// transposed back into the eight output planes, activation applied on the way. (onnxruntime keeps
// whole networks in this NCHW8c layout; we keep NCHW between operators and pay two transposes.)

import KernelSupport

extension Convolution {
    /// Input planes up to this many positions take the interleaved path: 28x28 at stride 1,
    /// 56x56 when strided (the planar path splits phases per plane). On larger maps the rows are
    /// long enough for the planar path's vectors, and the interleaved block outgrows L1: at 56x56
    /// stride 1 the planar path was the faster, at 56x56 stride 2 and at 28x28 the interleaved one
    /// (benchmarks/README.md, "Interleaved depthwise").
    static func interleavedDepthwiseLimit(strided: Bool) -> Int { strided ? 56 * 56 : 28 * 28 }

    /// Whether a depthwise shape runs interleaved: one output per channel, at least a block
    /// of channels, a small map.
    static func usesInterleavedDepthwise(_ g: ConvShape) -> Bool {
        g.groups == g.inputChannels && g.outputChannels == g.inputChannels && g.inputChannels >= 8
            && g.inputHeight * g.inputWidth
                <= interleavedDepthwiseLimit(strided: g.window.strideHeight * g.window.strideWidth > 1)
    }

    /// w (C, KH * KW) -> (ceil(C / 8), KH * KW, 8): for each block, each tap's eight channel
    /// weights side by side, zeros past the last channel.
    static func interleaveDepthwiseWeights(_ w: [Float], channels: Int, taps: Int) -> [Float] {
        let blocks = (channels + 7) / 8
        var packed = [Float](repeating: 0, count: blocks * taps * 8)
        for c in 0..<channels {
            for t in 0..<taps {
                packed[(c / 8 * taps + t) * 8 + c % 8] = w[c * taps + t]
            }
        }
        return packed
    }

    func runInterleavedDepthwise(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let layout = interleavedPlane!
        let blocks = (g.inputChannels + 7) / 8
        let perWorker = layout.scratchFloats
        // The padded buffer's border is zeros for every block: written once per worker, then
        // each block overwrites only the interior.
        for worker in 0..<parallelism.threads {
            Runs.fill(a.scratch! + worker * perWorker, 0, layout.paddedFloats)
        }
        layout.tapOffsets.withUnsafeBufferPointer { tapBuffer in
            layout.packOffsets.withUnsafeBufferPointer { packBuffer in
                let taps = tapBuffer.baseAddress!, pack = packBuffer.baseAddress!
                parallelism.forEach(a.batch * blocks) { item, worker in
                    let image = item / blocks, block = item % blocks
                    let c0 = block * 8, n = min(8, g.inputChannels - c0)
                    let padded = a.scratch! + worker * perWorker
                    let product = padded + layout.paddedFloats
                    let planes = product + layout.outputFloats
                    let outPlane = g.outputHeight * g.outputWidth
                    let start = image * g.outputCount + c0 * outPlane
                    Interleave.pack(a.x + image * g.inputCount + c0 * g.inputHeight * g.inputWidth,
                                    channels: n, positions: g.inputHeight * g.inputWidth,
                                    offsets: pack, into: padded)
                    let bias = n == 8 ? a.bias.vec8(c0) : Vec8(partial: a.bias + c0, count: n)
                    let job = InterleavedDepthwiseBlock(
                        layout: layout, padded: UnsafePointer(padded), taps: taps,
                        weights: a.weights + block * layout.taps * 8, bias: bias, product: product)
                    if let residual = a.residual {
                        // y may be the residual itself: the sums go through planar scratch.
                        Activation.none.accept(job)
                        let stride = layout.outputFloats / 8
                        Interleave.unpack(UnsafePointer(product), positions: outPlane, channels: n,
                                          into: planes, planeStride: stride)
                        for k in 0..<n {
                            activation.apply(planes + k * stride, residual + start + k * outPlane,
                                             a.y + start + k * outPlane, count: outPlane)
                        }
                    } else {
                        activation.accept(job)
                        Interleave.unpack(UnsafePointer(product), positions: outPlane, channels: n,
                                          into: a.y + start, planeStride: outPlane)
                    }
                }
            }
        }
    }
}

/// The layout of one block's zero-padded interleaved input (PH, PW, 8) and of its products.
struct InterleavedPlane: Sendable {
    let window: SlidingWindow
    let outputHeight: Int, outputWidth: Int
    /// Padded rows and columns: every row and column some window touches.
    let rows: Int, columns: Int
    /// Floats from an output position's window corner to tap (kh, kw), row-major.
    let tapOffsets: [Int]
    /// For each input position (row-major), the float offset of its vector in the padded
    /// buffer, or of the discard slot after it for positions no window reads.
    let packOffsets: [Int]

    init(window w: SlidingWindow, inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int) {
        window = w
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        let rows = (outputHeight - 1) * w.strideHeight + w.effectiveHeight
        let columns = (outputWidth - 1) * w.strideWidth + w.effectiveWidth
        self.rows = rows
        self.columns = columns
        var taps: [Int] = []
        for kh in 0..<w.kernelHeight {
            for kw in 0..<w.kernelWidth {
                taps.append(8 * (kh * w.dilationHeight * columns + kw * w.dilationWidth))
            }
        }
        tapOffsets = taps
        var pack: [Int] = []
        pack.reserveCapacity(inputHeight * inputWidth)
        for ih in 0..<inputHeight {
            for iw in 0..<inputWidth {
                let r = ih + w.padTop, c = iw + w.padLeft
                pack.append(8 * (r < rows && c < columns ? r * columns + c : rows * columns))
            }
        }
        packOffsets = pack
    }

    var taps: Int { window.kernelHeight * window.kernelWidth }

    /// The padded buffer and its discard slot.
    var paddedFloats: Int { (rows * columns + 1) * 8 }
    /// The products (OH * OW, 8), positions rounded up to a multiple of 8 so the transpose
    /// back reads whole vectors.
    var outputFloats: Int { (outputHeight * outputWidth + 7) / 8 * 64 }
    /// Per worker: the padded buffer, the products, and planar sums for a residual epilogue.
    var scratchFloats: Int { paddedFloats + 2 * outputFloats }
}

/// The products of one block of eight channels: product[(i * OW + j) * 8 + k] = f(bias[k] +
/// sum over taps t of weights[t * 8 + k] * padded[(i sH * PW + j sW) * 8 + offsets[t] + k]).
struct InterleavedDepthwiseBlock: ActivationVisitor {
    let layout: InterleavedPlane
    let padded: UnsafePointer<Float>
    let taps: UnsafePointer<Int>
    let weights: UnsafePointer<Float>
    let bias: Vec8
    let product: UnsafeMutablePointer<Float>

    @inline(__always)
    func visit<F: VectorFunction>(_ f: F) {
        let w = layout.window
        if layout.taps == 9 && w.dilationWidth == 1 {
            switch w.strideWidth {
            case 1: return nine(f, Stride1.self)
            case 2: return nine(f, Stride2.self)
            default: break
            }
        }
        general(f)
    }

    /// Any window: four positions at a time, the taps in a loop.
    @inline(__always)
    private func general<F: VectorFunction>(_ f: F) {
        let oh = layout.outputHeight, ow = layout.outputWidth, n = layout.taps
        let rowStep = 8 * layout.window.strideHeight * layout.columns, step = 8 * layout.window.strideWidth
        for i in 0..<oh {
            let row = padded + i * rowStep
            let out = product + 8 * i * ow
            var j = 0
            while j + 4 <= ow {
                let p = row + j * step
                var a0 = bias, a1 = bias, a2 = bias, a3 = bias
                for t in 0..<n {
                    let wt = weights.vec8(8 * t), q = p + taps[t]
                    a0 = VectorMath.fma(a0, wt, q.vec8())
                    a1 = VectorMath.fma(a1, wt, q.vec8(step))
                    a2 = VectorMath.fma(a2, wt, q.vec8(2 * step))
                    a3 = VectorMath.fma(a3, wt, q.vec8(3 * step))
                }
                out.store(f(a0), at: 8 * j)
                out.store(f(a1), at: 8 * j + 8)
                out.store(f(a2), at: 8 * j + 16)
                out.store(f(a3), at: 8 * j + 24)
                j += 4
            }
            while j < ow {
                let p = row + j * step
                var a = bias
                for t in 0..<n { a = VectorMath.fma(a, weights.vec8(8 * t), (p + taps[t]).vec8()) }
                out.store(f(a), at: 8 * j)
                j += 1
            }
        }
    }

    /// 3x3, dense columns, a horizontal stride known at compile time: the nine weights stay in
    /// registers and every load is a constant offset from one of three row pointers.
    @inline(__always)
    private func nine<F: VectorFunction, S: StaticStride>(_ f: F, _: S.Type) {
        let oh = layout.outputHeight, ow = layout.outputWidth
        let rowStep = 8 * layout.window.strideHeight * layout.columns
        let down = 8 * layout.window.dilationHeight * layout.columns
        let s = 8 * S.value
        let wt = weights
        let w0 = wt.vec8(0), w1 = wt.vec8(8), w2 = wt.vec8(16), w3 = wt.vec8(24), w4 = wt.vec8(32)
        let w5 = wt.vec8(40), w6 = wt.vec8(48), w7 = wt.vec8(56), w8 = wt.vec8(64)
        @inline(__always) func window(_ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>,
                                      _ r2: UnsafePointer<Float>, _ o: Int) -> Vec8 {
            var a = VectorMath.fma(bias, w0, r0.vec8(o))
            a = VectorMath.fma(a, w1, r0.vec8(o + 8))
            a = VectorMath.fma(a, w2, r0.vec8(o + 16))
            a = VectorMath.fma(a, w3, r1.vec8(o))
            a = VectorMath.fma(a, w4, r1.vec8(o + 8))
            a = VectorMath.fma(a, w5, r1.vec8(o + 16))
            a = VectorMath.fma(a, w6, r2.vec8(o))
            a = VectorMath.fma(a, w7, r2.vec8(o + 8))
            return VectorMath.fma(a, w8, r2.vec8(o + 16))
        }
        for i in 0..<oh {
            var r0 = padded + i * rowStep
            var r1 = r0 + down, r2 = r1 + down
            var out = product + 8 * i * ow
            var j = 0
            while j + 4 <= ow {
                let a0 = window(r0, r1, r2, 0), a1 = window(r0, r1, r2, s)
                let a2 = window(r0, r1, r2, 2 * s), a3 = window(r0, r1, r2, 3 * s)
                out.store(f(a0), at: 0)
                out.store(f(a1), at: 8)
                out.store(f(a2), at: 16)
                out.store(f(a3), at: 24)
                r0 += 4 * s; r1 += 4 * s; r2 += 4 * s; out += 32
                j += 4
            }
            while j < ow {
                out.store(f(window(r0, r1, r2, 0)), at: 0)
                r0 += s; r1 += s; r2 += s; out += 8
                j += 1
            }
        }
    }
}

/// A horizontal stride fixed at compile time, so the kernel's loads are constant offsets.
protocol StaticStride { static var value: Int { get } }
enum Stride1: StaticStride { static var value: Int { 1 } }
enum Stride2: StaticStride { static var value: Int { 2 } }

/// Moving eight planes into and out of the interleaved layout, eight positions at a time through
/// an 8x8 transpose.
enum Interleave {
    /// x (n, positions), n <= 8 planes one after another -> dst[offsets[p] + k] = x[k, p]; the
    /// lanes of channels past `n` get zeros.
    @inline(__always)
    static func pack(_ x: UnsafePointer<Float>, channels n: Int, positions: Int,
                     offsets: UnsafePointer<Int>, into dst: UnsafeMutablePointer<Float>) {
        var p = 0
        if n == 8 {
            // A full block: whole vectors from all eight planes, no lane or channel checks.
            let s = positions
            while p + 8 <= positions {
                let q = x + p
                let t = transpose(q.vec8(), q.vec8(s), q.vec8(2 * s), q.vec8(3 * s),
                                  q.vec8(4 * s), q.vec8(5 * s), q.vec8(6 * s), q.vec8(7 * s))
                scatter(t, count: 8, to: dst, at: offsets + p)
                p += 8
            }
        }
        while p < positions {
            let m = min(8, positions - p)
            @inline(__always) func row(_ k: Int) -> Vec8 {
                if k >= n { return Vec8() }
                let src = x + k * positions + p
                return m == 8 ? src.vec8() : Vec8(partial: src, count: m)
            }
            let t = transpose(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
            scatter(t, count: m, to: dst, at: offsets + p)
            p += 8
        }
    }

    /// The first `count` vectors of `t` to `dst + offsets[q]`.
    @inline(__always)
    private static func scatter(_ t: (Vec8, Vec8, Vec8, Vec8, Vec8, Vec8, Vec8, Vec8), count: Int,
                                to dst: UnsafeMutablePointer<Float>, at o: UnsafePointer<Int>) {
        if count == 8 {
            dst.store(t.0, at: o[0]); dst.store(t.1, at: o[1]); dst.store(t.2, at: o[2])
            dst.store(t.3, at: o[3]); dst.store(t.4, at: o[4]); dst.store(t.5, at: o[5])
            dst.store(t.6, at: o[6]); dst.store(t.7, at: o[7])
        } else {
            withUnsafeBytes(of: t) { raw in
                let v = raw.assumingMemoryBound(to: Vec8.self)
                for q in 0..<count { dst.store(v[q], at: o[q]) }
            }
        }
    }

    /// src (positions rounded up to 8, 8) -> dst[k * planeStride + p] = src[p * 8 + k] for the
    /// first `n` channels.
    @inline(__always)
    static func unpack(_ src: UnsafePointer<Float>, positions: Int, channels n: Int,
                       into dst: UnsafeMutablePointer<Float>, planeStride: Int) {
        var p = 0
        if n == 8 {
            let d = planeStride
            while p + 8 <= positions {
                let s = src + 8 * p, o = dst + p
                let t = transpose(s.vec8(0), s.vec8(8), s.vec8(16), s.vec8(24),
                                  s.vec8(32), s.vec8(40), s.vec8(48), s.vec8(56))
                o.store(t.0); o.store(t.1, at: d); o.store(t.2, at: 2 * d); o.store(t.3, at: 3 * d)
                o.store(t.4, at: 4 * d); o.store(t.5, at: 5 * d); o.store(t.6, at: 6 * d); o.store(t.7, at: 7 * d)
                p += 8
            }
        }
        while p < positions {
            let m = min(8, positions - p)
            let s = src + 8 * p
            let t = transpose(s.vec8(0), s.vec8(8), s.vec8(16), s.vec8(24),
                              s.vec8(32), s.vec8(40), s.vec8(48), s.vec8(56))
            withUnsafeBytes(of: t) { raw in
                let v = raw.assumingMemoryBound(to: Vec8.self)
                for k in 0..<n {
                    let d = dst + k * planeStride + p
                    if m == 8 { d.store(v[k]) } else { d.store(v[k], count: m) }
                }
            }
            p += 8
        }
    }

    /// The 8x8 transpose: result.k[r] = row r [k]. Three rounds of unzipping the 64 floats
    /// (evens then odds) rotate each index's six bits right by three, row and column swapped.
    @inline(__always)
    static func transpose(_ a0: Vec8, _ a1: Vec8, _ a2: Vec8, _ a3: Vec8, _ a4: Vec8, _ a5: Vec8,
                          _ a6: Vec8, _ a7: Vec8) -> (Vec8, Vec8, Vec8, Vec8, Vec8, Vec8, Vec8, Vec8) {
        @inline(__always) func unzip(_ a: Vec8, _ b: Vec8) -> (Vec8, Vec8) {
            let v = SIMD16(lowHalf: a, highHalf: b)
            return (v.evenHalf, v.oddHalf)
        }
        var r = (a0, a1, a2, a3, a4, a5, a6, a7)
        for _ in 0..<3 {
            let (b0, b4) = unzip(r.0, r.1), (b1, b5) = unzip(r.2, r.3)
            let (b2, b6) = unzip(r.4, r.5), (b3, b7) = unzip(r.6, r.7)
            r = (b0, b1, b2, b3, b4, b5, b6, b7)
        }
        return r
    }
}
