// x (H, W) -> y (OH, OW), one plane of a max pool whose window is 2 or 3 columns wide with a
// horizontal stride of 2 (ResNet's and Inception-v3's 3x3 stride-2 pools, VGG's 2x2): the window's
// maximum taken in two passes per output row, as the window is separable.
//   1. rows: m[j] = max over the window's input rows of x[row][j], sixteen columns at a time
//      straight from x, into a row buffer with -inf on both sides (the pads);
//   2. columns: y[c] = max(m[2c - padLeft], m[2c - padLeft + 1] (, m[2c - padLeft + 2])),
//      sixteen outputs from the even and odd lanes of 32 consecutive floats of the buffer.
// Nothing is copied but the one row: the padded plane split by column phase (`PaddedPlane`,
// Pooling's `phases` layout) copied the whole input first, then took 9 loads per 8 outputs,
// 0.18 ms for 64x112x112 on one AMD EPYC core where onnxruntime's blocked layout takes ~0.09.
//
// A NaN anywhere in a window gives NaN, as `Reference.pool` does (a plain `max` would drop a NaN
// that is not the first tap).

import KernelSupport

struct MaxPoolRows: Sendable {
    typealias Vec16 = SIMD16<Float>

    let shape: PoolShape
    /// Floats of one worker's row buffer: the input row at `buffer + 1`, -inf before and after
    /// it, up to the last 32-float load of the column pass.
    let bufferFloats: Int

    /// Whether the column pass applies to `g`: 2-D, horizontal stride 2, a window 2 or 3 columns
    /// wide, dense, at most one pad column on the left (so every window starts at or after the
    /// buffer's first float), rows of at least 48 outputs. Narrower rows were slower than the
    /// column phases or the wide grid (one AMD EPYC core, ms: 192x71x71 -> 35x35 0.26-0.32 against
    /// 0.24-0.26, 288x35x35 -> 17x17 0.145 against 0.123, 768x17x17 -> 8x8 0.145 against 0.097):
    /// there a plane's few rows pay the passes' fixed costs.
    static func applies(_ g: PoolShape) -> Bool {
        let w = g.window
        return g.isPlanar && g.problem == nil && w.strideWidth == 2 && (2...3).contains(w.kernelWidth)
            && w.dilationWidth == 1 && w.padLeft <= 1 && g.outputWidth >= minimumOutputWidth
    }

    /// Output columns from which `applies` holds.
    static let minimumOutputWidth = 48

    init(shape: PoolShape) {
        precondition(Self.applies(shape) && shape.inputWidth >= 16, "MaxPoolRows: \(shape)")
        self.shape = shape
        // The column pass's last loads start at buffer index 2 (OW - 16) + 1 - padLeft + 2 and
        // read 32 floats; the row at index 1 ..< W + 1.
        bufferFloats = max(shape.inputWidth + 1, 2 * shape.outputWidth + 3) + 1
    }

    /// Max-pools the plane `x` into `y`; `buffer` holds `bufferFloats` floats (its -inf borders
    /// written here, every call).
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, buffer: UnsafeMutablePointer<Float>) {
        let g = shape, w = g.window
        let width = g.inputWidth, height = g.inputHeight
        buffer[0] = -.infinity
        Runs.fill(buffer + 1 + width, -.infinity, bufferFloats - 1 - width)
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: w.kernelHeight) { rows in
            for r in 0..<g.outputHeight {
                // Pass 1: the window's input rows that exist (pad rows are -inf: skipped).
                let top = r * w.strideHeight - w.padTop
                var count = 0
                for kh in 0..<w.kernelHeight {
                    let ih = top + kh * w.dilationHeight
                    guard ih >= 0 && ih < height else { continue }
                    rows[count] = x + ih * width
                    count += 1
                }
                Self.rowMax(rows.baseAddress!, count: count, width: width, into: buffer + 1)
                // Pass 2: the window of output c starts at column 2c - padLeft, buffer index
                // 2c + 1 - padLeft.
                Self.columnMax(buffer + 1 - w.padLeft, three: w.kernelWidth == 3, count: g.outputWidth,
                               into: y + r * g.outputWidth)
            }
        }
    }

    /// out[j] = max over the `count` rows of rows[i][j], j < width (-inf when no row exists):
    /// sixteen columns at a time, the last sixteen of a row whose width is not a multiple of 16
    /// overlapping the vector before (the same values again). `width` is at least 16: rows of 48
    /// outputs or more (`applies`) read at least 95 columns.
    @inline(__always)
    static func rowMax(_ rows: UnsafePointer<UnsafePointer<Float>>, count: Int, width: Int,
                       into out: UnsafeMutablePointer<Float>) {
        guard count > 0 else {
            Runs.fill(out, -.infinity, width)
            return
        }
        @inline(__always) func vector(_ j: Int) {
            var m = UnsafeRawPointer(rows[0] + j).loadUnaligned(as: Vec16.self)
            for i in 1..<count { m = VectorMath.nanMax(m, UnsafeRawPointer(rows[i] + j).loadUnaligned(as: Vec16.self)) }
            UnsafeMutableRawPointer(out + j).storeBytes(of: m, as: Vec16.self)
        }
        bySixteen(width, vector)
    }

    /// body(i) for i = 0, 16, 32, ... while i + 16 <= count, then count - 16 when 16 does not
    /// divide count (a last vector overlapping the one before). `count` is at least 16.
    @inline(__always)
    static func bySixteen(_ count: Int, _ body: (Int) -> Void) {
        var i = 0
        while i + 16 <= count {
            body(i)
            i += 16
        }
        if i < count { body(count - 16) }
    }

    /// The even and the odd floats of p[0..<32]. (`SIMD32.evenHalf` and `oddHalf` went element
    /// by element; built from the lanes of two loads, LLVM makes each half one permute.)
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Float>) -> (even: Vec16, odd: Vec16) {
        let a = UnsafeRawPointer(p).loadUnaligned(as: Vec16.self)
        let b = UnsafeRawPointer(p + 16).loadUnaligned(as: Vec16.self)
        let even = Vec16(a[0], a[2], a[4], a[6], a[8], a[10], a[12], a[14],
                         b[0], b[2], b[4], b[6], b[8], b[10], b[12], b[14])
        let odd = Vec16(a[1], a[3], a[5], a[7], a[9], a[11], a[13], a[15],
                        b[1], b[3], b[5], b[7], b[9], b[11], b[13], b[15])
        return (even, odd)
    }

    /// out[c] = max(m[2c], m[2c + 1]) (and m[2c + 2] when `three`), c < count (at least 16),
    /// sixteen at a time, the last sixteen overlapping the vector before when count is not a
    /// multiple of 16; `m` readable up to 34 floats past the last vector's first window.
    @inline(__always)
    static func columnMax(_ m: UnsafePointer<Float>, three: Bool, count: Int, into out: UnsafeMutablePointer<Float>) {
        @inline(__always) func vector(_ c: Int) {
            let (even, odd) = lanes(m + 2 * c)
            var v = VectorMath.nanMax(even, odd)
            if three { v = VectorMath.nanMax(v, lanes(m + 2 * c + 2).even) }
            UnsafeMutableRawPointer(out + c).storeBytes(of: v, as: Vec16.self)
        }
        bySixteen(count, vector)
    }
}
