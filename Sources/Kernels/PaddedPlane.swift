// x (H, W) -> padded plane (sW, PH, PW'), for the sliding-window kernels that do not go through
// sgemm (depthwise convolution, max and average pooling).
//
// The input plane is copied once into a worker's scratch, surrounded by a fill value (0 for
// convolution and average pooling, -inf for max pooling) and split by column phase for the
// horizontal stride: phase p holds padded columns p, p + sW, p + 2 sW, ... Output column j with
// tap kw then reads phase (kw dW) mod sW at column j + (kw dW) / sW, so eight consecutive outputs
// read eight consecutive floats for every tap, whatever the stride. The loops need no bounds
// checks, and a tap is one offset from the start of an output row.

/// The layout of one padded, phase-split input plane for a window over a fixed input size.
import KernelSupport

struct PaddedPlane: Sendable {
    let window: SlidingWindow
    let inputHeight: Int, inputWidth: Int
    let outputHeight: Int, outputWidth: Int
    /// Padded rows: (OH - 1) sH + (KH - 1) dH + 1, every row some window touches.
    let rows: Int
    /// Columns of one phase: ceil(((OW - 1) sW + (KW - 1) dW + 1) / sW).
    let phaseWidth: Int
    /// Offset of tap (kh, kw), row-major over the window, from the start of an output row.
    let tapOffsets: [Int]

    init(window: SlidingWindow, inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int) {
        self.window = window
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        let rows = (outputHeight - 1) * window.strideHeight + window.effectiveHeight
        let padded = (outputWidth - 1) * window.strideWidth + window.effectiveWidth
        let phaseWidth = (padded + window.strideWidth - 1) / window.strideWidth
        self.rows = rows
        self.phaseWidth = phaseWidth
        var offsets: [Int] = []
        for kh in 0..<window.kernelHeight {
            for kw in 0..<window.kernelWidth {
                let column = kw * window.dilationWidth
                let phase = column % window.strideWidth
                offsets.append(phase * rows * phaseWidth + kh * window.dilationHeight * phaseWidth
                               + column / window.strideWidth)
            }
        }
        self.tapOffsets = offsets
    }

    /// Floats of one padded plane (a worker's scratch), with 16 floats of slack at the end so a
    /// last partial vector of a row may read past it.
    var count: Int { window.strideWidth * rows * phaseWidth + Self.slack }

    static let slack = 16

    /// Floats from the start of output row `i` to the start of output row `i + 1`.
    var rowStep: Int { window.strideHeight * phaseWidth }

    /// Number of taps, KH * KW.
    var taps: Int { window.kernelHeight * window.kernelWidth }

    /// x (H, W) -> plane: phase p, row r, column j holds x[r - padTop, j sW + p - padLeft], or
    /// `padding` outside the input.
    func fill(from x: UnsafePointer<Float>, into plane: UnsafeMutablePointer<Float>, padding: Float) {
        let w = window
        if w.strideWidth == 2 {
            fillStride2(from: x, into: plane, padding: padding)
            return
        }
        for phase in 0..<w.strideWidth {
            let span = GatherSpan(outputs: phaseWidth, offset: phase - w.padLeft,
                                  stride: w.strideWidth, width: inputWidth)
            let dst = plane + phase * rows * phaseWidth
            for r in 0..<rows {
                let ih = r - w.padTop
                if ih >= 0 && ih < inputHeight {
                    span.gather(x + ih * inputWidth, into: dst + r * phaseWidth, padding: padding)
                } else {
                    Runs.fill(dst + r * phaseWidth, padding, phaseWidth)
                }
            }
        }
    }
}

extension PaddedPlane {
    /// Whether the plane is one phase (horizontal stride 1): the input with a border around
    /// it, so `fillInterior` can refill it.
    var isSinglePhase: Bool { window.strideWidth == 1 }

    /// x (H, W) -> the plane's interior, for a single-phase plane whose border already holds
    /// the padding (a `fill`, or the whole plane set to the padding value, earlier in the same
    /// buffer): copies only the input's rows, a border stays what it is.
    func fillInterior(from x: UnsafePointer<Float>, into plane: UnsafeMutablePointer<Float>) {
        precondition(isSinglePhase, "PaddedPlane.fillInterior: needs horizontal stride 1")
        let top = window.padTop, left = window.padLeft
        let count = min(inputWidth, phaseWidth - left)
        guard count > 0 else { return }
        for ih in max(0, -top)..<min(inputHeight, rows - top) {
            Runs.copy(x + ih * inputWidth, plane + (ih + top) * phaseWidth + left, count)
        }
    }

    /// `fill` for a horizontal stride of 2: both phases of a row in one pass, sixteen inputs
    /// at a time split into their even and odd halves. Column j of both phases reads inputs
    /// 2j - padLeft and 2j - padLeft + 1: the columns left of the input and past it are the
    /// padding, the ones in between go eight at a time, the last eight overlapping the ones
    /// before instead of a scalar tail.
    private func fillStride2(from x: UnsafePointer<Float>, into plane: UnsafeMutablePointer<Float>,
                             padding: Float) {
        let left = window.padLeft, width = inputWidth
        // The even phase's gather bounds the vectors (each also gives the odd phase its eight).
        let span = GatherSpan(outputs: phaseWidth, offset: -left, stride: 2, width: width)
        let j0 = span.lo, jmax = span.vectorLast
        for r in 0..<rows {
            let even = plane + r * phaseWidth, odd = plane + (rows + r) * phaseWidth
            let ih = r - window.padTop
            guard ih >= 0 && ih < inputHeight else {
                Runs.fill(even, padding, phaseWidth)
                Runs.fill(odd, padding, phaseWidth)
                continue
            }
            let src = x + ih * width
            @inline(__always) func vector(_ j: Int) {
                let v = UnsafeRawPointer(src + (2 * j - left)).loadUnaligned(as: SIMD16<Float>.self)
                even.store(v.evenHalf, at: j)
                odd.store(v.oddHalf, at: j)
            }
            @inline(__always) func scalar(_ j: Int) {
                let q = 2 * j - left
                even[j] = q >= 0 && q < width ? src[q] : padding
                odd[j] = q + 1 >= 0 && q + 1 < width ? src[q + 1] : padding
            }
            var j = 0
            if jmax >= j0 {
                while j < j0 { scalar(j); j += 1 }
                while j <= jmax { vector(j); j += 8 }
                if j < jmax + 8 { vector(jmax); j = jmax + 8 }
            }
            while j < phaseWidth { scalar(j); j += 1 }
        }
    }
}

/// One output row of a sliding window over one input row: output j reads input column
/// `j * stride + offset`, and reads the padding value where that falls outside `0..<width`.
struct GatherSpan {
    /// Outputs in the row, and the valid ones `lo..<hi` (their input column is inside the row).
    let outputs: Int, lo: Int, hi: Int
    let offset: Int, stride: Int
    /// Stride 2: the last output from which eight go from one load of sixteen inputs that
    /// stays inside the row (below `lo` when none). Outputs from `lo` go eight at a time, the
    /// last eight from here, overlapping the ones before; the rest one by one.
    let vectorLast: Int

    init(outputs: Int, offset: Int, stride: Int, width: Int) {
        self.outputs = outputs
        self.offset = offset
        self.stride = stride
        let lo = min(outputs, offset >= 0 ? 0 : (-offset + stride - 1) / stride)
        let last = width - 1 - offset
        self.lo = lo
        let hi = max(lo, last < 0 ? 0 : min(outputs, last / stride + 1))
        self.hi = hi
        // Eight outputs from j read inputs 2j + offset ..< 2j + offset + 16 (then j + 7 < hi).
        let room = width - 16 - offset
        self.vectorLast = stride != 2 || room < 0 ? lo - 1 : min(room / 2, outputs - 8)
    }

    /// Writes the `outputs` values of this row, read from input row `row`, into `out`.
    @inline(__always)
    func gather(_ row: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                padding: Float = 0) {
        if lo > 0 { Runs.fill(out, padding, lo) }
        if stride == 1 {
            Runs.copy(row + (lo + offset), out + lo, hi - lo)
        } else {
            var j = lo
            @inline(__always) func vector(_ j: Int) {
                out.store(UnsafeRawPointer(row + (2 * j + offset)).loadUnaligned(as: SIMD16<Float>.self).evenHalf,
                          at: j)
            }
            if vectorLast >= lo {
                while j <= vectorLast { vector(j); j += 8 }
                if j < vectorLast + 8 { vector(vectorLast); j = vectorLast + 8 }
            }
            var src = row + (j * stride + offset)
            while j < hi {
                out[j] = src.pointee
                src += stride
                j += 1
            }
        }
        if hi < outputs { Runs.fill(out + hi, padding, outputs - hi) }
    }
}
