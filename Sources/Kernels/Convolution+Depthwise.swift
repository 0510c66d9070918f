// x (N, C, H, W), w (C * M, 1, KH, KW) -> y (N, C * M, OH, OW), groups == C, multiplier M.
//
// Per (image, channel): the input plane is copied once into the worker's scratch as a zero-padded
// `PaddedPlane`, so every tap of eight consecutive outputs reads eight consecutive floats
// whatever the stride. Each output row is then computed sixteen or eight outputs at a time with
// all KH * KW taps accumulated in registers, bias included; the epilogue (residual, activation)
// runs on the finished row while it is in L1.

import KernelSupport

extension Convolution {
    func runDepthwise(_ a: Arguments, parallelism: Parallelism) {
        let g = shape
        let plane = paddedPlane!
        let channels = g.inputChannels
        let multiplier = g.outputChannels / channels
        let outPlane = g.outputHeight * g.outputWidth
        // A single-phase plane's border is the same zeros for every channel: written once per
        // worker here, then each channel copies only its rows in.
        if plane.isSinglePhase {
            Runs.fill(a.scratch!, 0, parallelism.threads * plane.count)
        }
        plane.tapOffsets.withUnsafeBufferPointer { offsetBuffer in
            let offsets = offsetBuffer.baseAddress!
            parallelism.forEach(a.batch * channels) { item, worker in
                let image = item / channels, c = item % channels
                let padded = a.scratch! + worker * plane.count
                let x = a.x + image * g.inputCount + c * g.inputHeight * g.inputWidth
                if plane.isSinglePhase {
                    plane.fillInterior(from: x, into: padded)
                } else {
                    plane.fill(from: x, into: padded, padding: 0)
                }
                for m in 0..<multiplier {
                    let oc = c * multiplier + m
                    let start = image * g.outputCount + oc * outPlane
                    let job = DepthwisePlane(
                        plane: UnsafePointer(padded), rowStep: plane.rowStep, offsets: offsets, taps: plane.taps,
                        weights: a.weights + oc * plane.taps, bias: a.bias[oc],
                        out: a.y + start, residual: a.residual.map { $0 + start },
                        rows: g.outputHeight, width: g.outputWidth)
                    if plane.taps == 9 { activation.accept(DepthwisePlane9(job)) } else { activation.accept(job) }
                }
            }
        }
    }
}

/// One output plane of a depthwise convolution: out[i, j] = f(bias + residual[i, j] +
/// sum over taps t of weights[t] * plane[i * rowStep + offsets[t] + j]).
///
/// Eight outputs at a time with every tap accumulated in registers; a row's last vector may
/// read past the row's end, which the padded plane's slack allows.
struct DepthwisePlane: ActivationVisitor {
    let plane: UnsafePointer<Float>, rowStep: Int
    let offsets: UnsafePointer<Int>, taps: Int
    let weights: UnsafePointer<Float>, bias: Float
    let out: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?
    let rows: Int, width: Int

    @inline(__always)
    func visit<F: VectorFunction>(_ f: F) {
        let bias = Vec8(repeating: bias), offsets = offsets, weights = weights, taps = taps
        eachRow(f) { p in
            var a = bias
            for t in 0..<taps { a = VectorMath.fma(a, Vec8(repeating: weights[t]), p.vec8(offsets[t])) }
            return a
        }
    }

    /// The loop over the plane's rows, sixteen then eight outputs at a time: out = f(eight(p) +
    /// residual), where `eight(p)` gives the eight sums whose window starts at `p` (the output
    /// row's start in the plane, plus the column).
    @inline(__always)
    func eachRow<F: VectorFunction>(_ f: F, _ eight: (UnsafePointer<Float>) -> Vec8) {
        let residualIsOutput = residual == UnsafePointer(out)
        for row in 0..<rows {
            let base = plane + row * rowStep
            let y = out + row * width
            let r = residual.map { $0 + row * width }
            var c = 0
            while c + 16 <= width {
                var a0 = eight(base + c), a1 = eight(base + c + 8)
                if let r {
                    a0 += r.vec8(c)
                    a1 += r.vec8(c + 8)
                }
                y.store(f(a0), at: c)
                y.store(f(a1), at: c + 8)
                c += 16
            }
            while c < width {
                var a0 = eight(base + c)
                let n = Swift.min(8, width - c)
                // Eight lanes past the row's end land in the rows after it, written after this
                // one: allowed while they stay inside this plane, and unless those rows are the
                // residual still to be read.
                let whole = n == 8 || ((row * width + c + 8 <= rows * width) && !residualIsOutput)
                if let r { a0 += whole ? r.vec8(c) : Vec8(partial: r + c, count: n) }
                if whole { y.store(f(a0), at: c) } else { (y + c).store(f(a0), count: n) }
                c += 8
            }
        }
    }
}

/// `DepthwisePlane` for a window of nine taps (3x3, any stride or dilation), the one depthwise
/// networks use: the nine weights and offsets live in registers for the whole plane, and each
/// eight outputs take nine loads and nine fused multiply-adds, nothing else.
struct DepthwisePlane9: ActivationVisitor {
    let job: DepthwisePlane
    init(_ job: DepthwisePlane) { self.job = job }

    @inline(__always)
    func visit<F: VectorFunction>(_ f: F) {
        let o = job.offsets, wt = job.weights
        let o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7], o8 = o[8]
        let w0 = Vec8(repeating: wt[0]), w1 = Vec8(repeating: wt[1]), w2 = Vec8(repeating: wt[2])
        let w3 = Vec8(repeating: wt[3]), w4 = Vec8(repeating: wt[4]), w5 = Vec8(repeating: wt[5])
        let w6 = Vec8(repeating: wt[6]), w7 = Vec8(repeating: wt[7]), w8 = Vec8(repeating: wt[8])
        let bias = Vec8(repeating: job.bias)
        job.eachRow(f) { p in
            var a = VectorMath.fma(bias, w0, p.vec8(o0))
            a = VectorMath.fma(a, w1, p.vec8(o1))
            a = VectorMath.fma(a, w2, p.vec8(o2))
            a = VectorMath.fma(a, w3, p.vec8(o3))
            a = VectorMath.fma(a, w4, p.vec8(o4))
            a = VectorMath.fma(a, w5, p.vec8(o5))
            a = VectorMath.fma(a, w6, p.vec8(o6))
            a = VectorMath.fma(a, w7, p.vec8(o7))
            return VectorMath.fma(a, w8, p.vec8(o8))
        }
    }
}
