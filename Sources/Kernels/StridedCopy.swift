// x read through strides -> y (contiguous): Transpose, Slice and Expand, the fast path of
// `Reference.gatherStrided`.
//
// The copy is first collapsed to its fewest axes (`StridedCopyShape.collapsed`). Then, by the
// stride of y's last axis in x:
// - 1: y is rows of contiguous runs of x (a Slice, or a Transpose that keeps the last axis, as
//   the head splits of attention do), one run copy per row;
// - 0: rows of one repeated value (Expand), one fill per row;
// - otherwise, when another axis is contiguous in x (ConvNeXt's NCHW <-> NHWC, attention's K^T):
//   a 2-D transpose between that axis and the last, in square tiles so that both x and y are
//   touched a cache line at a time rather than one value per line;
// - otherwise a strided loop per row.
// The reference reads one value at a time through an index odometer for every axis, which cost
// ViT-B/16 a fifth of its forward pass in 8 Transposes per block.

import KernelSupport

/// A strided read of x into a contiguous y, over fixed shapes.
struct StridedCopy: Sendable {
    let shape: StridedCopyShape
    /// Side of the square tiles of a transpose: 16 x 16 floats is two 64-byte lines per tile row
    /// on each side, and the tile (1 KB) stays in L1 while it is read and written.
    static let tile = 16

    init(shape: StridedCopyShape) {
        self.shape = shape.collapsed
    }

    /// Fills y (the product of `shape.outputShape` values) from x; y must not overlap x.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, parallelism: Parallelism) {
        let dims = shape.outputShape, strides = shape.inputStrides
        let x = x + shape.offset
        guard let last = dims.last else { y[0] = x[0]; return }
        guard last > 0 else { return }
        let rank = dims.count, lastStride = strides[rank - 1]
        if lastStride != 1, lastStride != 0, let axis = strides.dropLast().firstIndex(of: 1) {
            transpose(x, y, axis: axis, parallelism: parallelism)
            return
        }
        // rows (R = product of the other axes) of `last` values each
        let rows = dims.dropLast().reduce(1, *)
        let grain = parallelism.grain(for: rows, minimum: max(1, 4096 / last))
        parallelism.forEachRange(rows, grain: grain) { range, _ in
            var offsets = Odometer(dims: Array(dims.dropLast()), strides: Array(strides.dropLast()), start: range.lowerBound)
            for r in range {
                let source = x + offsets.offset, target = y + r * last
                switch lastStride {
                case 1: Runs.copy(source, target, last)
                case 0: Runs.fill(target, source[0], last)
                default: for i in 0..<last { target[i] = source[i * lastStride] }
                }
                offsets.advance()
            }
        }
    }

    /// y's axis `axis` is contiguous in x, y's last axis is: a 2-D transpose of (A, B) blocks
    /// for every index of the other axes, A = dims[axis], B = dims.last.
    private func transpose(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, axis: Int,
                           parallelism: Parallelism) {
        let dims = shape.outputShape, strides = shape.inputStrides, rank = dims.count
        let a = dims[axis], b = dims[rank - 1], bStride = strides[rank - 1]
        // y's stride along `axis` (row-major y): the product of the axes after it.
        let aStrideY = dims[(axis + 1)...].reduce(1, *)
        // The other axes, outermost first, with their strides in x and in y.
        var otherDims: [Int] = [], otherX: [Int] = [], otherY: [Int] = []
        for k in 0..<(rank - 1) where k != axis {
            otherDims.append(dims[k])
            otherX.append(strides[k])
            otherY.append(dims[(k + 1)...].reduce(1, *))
        }
        let tile = Self.tile
        let aTiles = (a + tile - 1) / tile
        let blocks = otherDims.reduce(1, *)
        // One item is one tile row (16 values of `axis`, all of the last axis) of one block.
        parallelism.forEachRange(blocks * aTiles, grain: parallelism.grain(for: blocks * aTiles)) { range, _ in
            var block = range.lowerBound / aTiles
            var xOffsets = Odometer(dims: otherDims, strides: otherX, start: block)
            var yOffsets = Odometer(dims: otherDims, strides: otherY, start: block)
            for item in range {
                let blockOfItem = item / aTiles
                if blockOfItem != block {
                    block = blockOfItem
                    xOffsets.advance()
                    yOffsets.advance()
                }
                let a0 = (item % aTiles) * tile, a1 = min(a, a0 + tile)
                let xBlock = x + xOffsets.offset, yBlock = y + yOffsets.offset
                var b0 = 0
                while b0 < b {
                    let b1 = min(b, b0 + tile)
                    // y[i, j] (y rows i along `axis`, contiguous j) = x[i + j * bStride]
                    for i in a0..<a1 {
                        let target = yBlock + i * aStrideY, source = xBlock + i
                        for j in b0..<b1 { target[j] = source[j * bStride] }
                    }
                    b0 = b1
                }
            }
        }
    }
}

/// The offset in x of successive indices of some axes (row-major, last axis fastest).
private struct Odometer {
    let dims: [Int], strides: [Int]
    var index: [Int]
    private(set) var offset: Int

    /// Starts at the `start`-th index in row-major order.
    init(dims: [Int], strides: [Int], start: Int) {
        self.dims = dims
        self.strides = strides
        index = [Int](repeating: 0, count: dims.count)
        offset = 0
        var rest = start
        for k in dims.indices.reversed() where dims[k] > 0 {
            index[k] = rest % dims[k]
            rest /= dims[k]
            offset += index[k] * strides[k]
        }
    }

    /// Moves to the next index.
    mutating func advance() {
        var k = dims.count - 1
        while k >= 0 {
            index[k] += 1
            offset += strides[k]
            if index[k] < dims[k] { return }
            offset -= index[k] * strides[k]
            index[k] = 0
            k -= 1
        }
    }
}
