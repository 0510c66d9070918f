// Arithmetic on shapes: element counts that refuse to overflow, row-major strides, NumPy
// broadcasting and axis normalisation. Every size that comes from a file goes through
// `ShapeMath.count` before anything is allocated from it.

/// Checked shape arithmetic shared by the loader, the folding pass and the planner.
package enum ShapeMath {
    /// Largest element count of one tensor we agree to hold: 2^34 floats (64 GiB).
    package static let maxElements = 1 << 34
    /// Largest tensor the folding pass computes at load: 2^27 values (VGG's largest weight,
    /// 102M values, fits; shape arithmetic is a few dozen). Bounds what a hostile file can make
    /// us allocate through ConstantOfShape, Range, Expand and friends.
    package static let maxFoldedElements = 1 << 27
    /// Largest batch, height or width of a model input.
    package static let maxInputSide = 1 << 16

    /// `shape.reduce(1, *)`, or nil when a dimension is negative or the product exceeds
    /// `maxElements` (which also rules out overflow).
    package static func count(_ shape: [Int]) -> Int? {
        var total = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maxElements else { return nil }
            total = product
        }
        return total
    }

    /// Row-major strides, in elements: the last axis has stride 1.
    package static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The NumPy broadcast of two shapes, or nil when they are incompatible.
    package static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Strides for reading a tensor of `shape` as if it had the broadcast shape `target`:
    /// 0 along every axis that is broadcast.
    package static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// Loops over `shape` that read each operand through its `strides` (one list per operand,
    /// one stride per axis), as few as possible: axes of size 1 dropped, and an axis merged into
    /// the one before it wherever every operand steps exactly over it (`outer == inner * size`).
    /// Empty when every axis is 1; the caller decides what a shape with no values becomes.
    package static func collapsedLoops(_ shape: [Int], strides: [[Int]]) -> (sizes: [Int], strides: [[Int]]) {
        var sizes: [Int] = []
        var merged = [[Int]](repeating: [], count: strides.count)
        for (d, size) in shape.enumerated() where size != 1 {
            if let last = sizes.indices.last, merged.indices.allSatisfy({ merged[$0][last] == strides[$0][d] * size }) {
                sizes[last] *= size
                for k in merged.indices { merged[k][last] = strides[k][d] }
            } else {
                sizes.append(size)
                for k in merged.indices { merged[k].append(strides[k][d]) }
            }
        }
        return (sizes, merged)
    }

    /// `axis` in `-rank..<rank` made non-negative, or nil when out of range.
    package static func normalize(axis: Int, rank: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return a >= 0 && a < rank ? a : nil
    }

    /// "(1, 3, 224, 224)".
    package static func describe(_ shape: [Int]) -> String {
        "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

/// Visits every multi-index of `shape` in row-major order, passing the offset each `strides`
/// array gives for it: the loop behind the N-d reference operators.
///
///     x (..shape) read through `strides[0]`, y through `strides[1]`, ...
@inline(__always)
package func forEachIndex(_ shape: [Int], strides: [[Int]], _ body: (_ offsets: UnsafeBufferPointer<Int>) -> Void) {
    let rank = shape.count
    guard let total = ShapeMath.count(shape), total > 0 else { return }
    let k = strides.count
    withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, rank)) { index in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, k)) { offsets in
            for i in 0..<rank { index[i] = 0 }
            for j in 0..<k { offsets[j] = 0 }
            for _ in 0..<total {
                body(UnsafeBufferPointer(offsets))
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    for j in 0..<k { offsets[j] += strides[j][axis] }
                    if index[axis] < shape[axis] { break }
                    for j in 0..<k { offsets[j] -= strides[j][axis] * shape[axis] }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
