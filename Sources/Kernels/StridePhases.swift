// x (C, H, W) -> phases (C, rows, s, width): a convolution's input zero-padded and with every row
// split into its horizontal stride's s phases (phase p holds padded columns p, p + s, p + 2s...),
// so that consecutive output columns read consecutive floats at every tap. With stride 2, output
// column ox reads padded column 2 ox + kx: tap kx = 0 is phase 0 at ox, kx = 1 phase 1 at ox,
// kx = 2 phase 0 at ox + 1. With stride 1 it is a plain zero-padded copy.
//
// The direct channel lanes (Convolution+DirectLanes.swift) read their tiles' rows from it: tap
// (ky, kx) of channel c for the output pixels (oy, ox0 ..< ox0 + n) starts at
//   c * plane + start(row: oy, column: ox0) + taps[ky * KW + kx]
// and runs n floats on. The copy is about the input's size, where the column matrix of a stride-2
// 3x3 is 9/4 of it.

import KernelSupport

struct StridePhases: Equatable {
    /// Padded rows kept: those some output reads, `(OH - 1) * sh + (KH - 1) * dh + 1`.
    let rows: Int
    /// The horizontal stride: phases per row.
    let phases: Int
    /// Floats of one phase of a row: `OW + (KW - 1) * dw / sw`.
    let width: Int
    /// The vertical stride, the pads before the input.
    let strideHeight: Int, padTop: Int, padLeft: Int
    /// Each tap's offset from its channel's start, (ky, kx) in the weights' order.
    let taps: [Int]

    init(_ g: ConvShape) {
        let w = g.window
        rows = (g.outputHeight - 1) * w.strideHeight + (w.kernelHeight - 1) * w.dilationHeight + 1
        phases = w.strideWidth
        width = g.outputWidth + (w.kernelWidth - 1) * w.dilationWidth / w.strideWidth
        strideHeight = w.strideHeight
        padTop = w.padTop
        padLeft = w.padLeft
        let pitch = phases * width
        var taps: [Int] = []
        for ky in 0..<w.kernelHeight {
            for kx in 0..<w.kernelWidth {
                let column = kx * w.dilationWidth
                taps.append(ky * w.dilationHeight * pitch + column % phases * width + column / phases)
            }
        }
        self.taps = taps
    }

    /// Floats between two rows.
    var rowPitch: Int { phases * width }
    /// Floats per channel.
    var plane: Int { rows * rowPitch }

    /// The offset of output pixel (oy, ox)'s window in its channel, tap (0, 0).
    func start(row oy: Int, column ox: Int) -> Int { oy * strideHeight * rowPitch + ox }

    /// Writes `channels` of one image's x (C, H, W) to their planes of `phases`.
    func copy(_ x: UnsafePointer<Float>, height: Int, width inputWidth: Int, channels: Range<Int>,
              to phases: UnsafeMutablePointer<Float>) {
        for c in channels {
            let source = x + c * height * inputWidth, target = phases + c * plane
            for row in 0..<rows {
                let iy = row - padTop, d = target + row * rowPitch
                if iy < 0 || iy >= height {
                    d.update(repeating: 0, count: rowPitch)
                } else {
                    copyRow(source + iy * inputWidth, count: inputWidth, to: d)
                }
            }
        }
    }

    /// One input row of `count` floats into its phases at `d`: the vector loops for strides 1 and
    /// 2 over the columns that need no pad, `copyRowPlain` for the rest and other strides.
    func copyRow(_ s: UnsafePointer<Float>, count: Int, to d: UnsafeMutablePointer<Float>) {
        // Phase columns i whose padded columns i * s + p (every p) are all inside the row.
        let first = (padLeft + phases - 1) / phases
        switch phases {
        case 1:
            let last = min(width, count + padLeft)  // one past
            guard first < last else { return copyRowPlain(s, count: count, to: d, from: 0) }
            d.update(repeating: 0, count: first)
            d.advanced(by: first).update(from: s + (first - padLeft), count: last - first)
            d.advanced(by: last).update(repeating: 0, count: width - last)
        case 2:
            // Phase columns first ..< stop read both their input columns inside the row
            // (`deinterleave`); the plain loop takes those that reach into the pads.
            let stop = max(first, min(width, (count + padLeft) / 2))
            copyRowPlain(s, count: count, to: d, from: 0, to: min(first, width))
            if stop > first {
                deinterleave(s + 2 * first - padLeft, count: stop - first, even: d + first, odd: d + width + first)
            }
            copyRowPlain(s, count: count, to: d, from: stop)
        default:
            copyRowPlain(s, count: count, to: d, from: 0)
        }
    }

    /// The plain version: phase columns `from ..< to` of every phase, zero outside the row.
    func copyRowPlain(_ s: UnsafePointer<Float>, count: Int, to d: UnsafeMutablePointer<Float>,
                      from: Int, to end: Int? = nil) {
        let end = end ?? width
        for p in 0..<phases {
            for i in from..<max(from, end) {
                let ix = i * phases + p - padLeft
                d[p * width + i] = ix >= 0 && ix < count ? s[ix] : 0
            }
        }
    }
}
