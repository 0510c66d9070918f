// a (broadcast), b (broadcast) -> y (broadcast shape): Add, Sub, Mul, Div, Pow, Max, Min (and the
// comparisons, lane by lane), the fast path of `Reference.binary`.
//
// The broadcast is collapsed to the fewest loops (`BroadcastLoops`); the innermost loop is a row.
// Rows where both operands are contiguous (same shapes), or where one is contiguous and the other
// repeats one value (a per-channel scale or bias, a scalar), run eight lanes at a time; anything
// else runs a strided scalar loop. Rows are spread over the workers, and a single long row
// (equal shapes collapse to one) is cut into segments.
#if canImport(Glibc)
import Glibc
import KernelSupport
#else
import Darwin
#endif

/// A binary element-wise operation over two broadcast shapes, with a fused activation.
struct BinaryElementwise: Sendable, Hashable {
    let op: BinaryOp
    /// How the operand shapes broadcast, as collapsed loops.
    let broadcast: BroadcastLoops
    /// Applied to every result (an Add followed by a Relu).
    let activation: Activation

    /// `op` over operands that broadcast as `broadcast`.
    init(_ op: BinaryOp, _ broadcast: Broadcast, activation: Activation = .none) {
        self.op = op
        self.broadcast = BroadcastLoops(broadcast)
        self.activation = activation
    }

    /// Elements per work item we aim for.
    static let grainElements = 1 << 14

    /// `y = f(a op b)`; `y` may be `a` or `b` when that operand has the output's shape.
    func run(a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                    parallelism: Parallelism) {
        let sizes = broadcast.sizes
        let inner = sizes[sizes.count - 1]
        guard inner > 0 else { return }
        let rows = broadcast.count / inner
        let sa = broadcast.aStrides[sizes.count - 1], sb = broadcast.bStrides[sizes.count - 1]
        // Segments per row: enough items for every worker when there are few rows.
        let segments = rows >= 4 * parallelism.threads ? 1
            : max(1, min(4 * parallelism.threads / rows, inner / Self.grainElements))
        let width = (inner + segments - 1) / segments
        let rowsPerItem = segments > 1 ? 1 : max(1, Self.grainElements / inner)
        let items = segments > 1 ? rows * segments : (rows + rowsPerItem - 1) / rowsPerItem
        parallelism.forEach(items) { item, _ in
            let firstRow = segments > 1 ? item / segments : item * rowsPerItem
            let lastRow = segments > 1 ? firstRow + 1 : min(rows, firstRow + rowsPerItem)
            for row in firstRow..<lastRow {
                let (ao, bo) = offsets(row)
                let j0 = segments > 1 ? (item % segments) * width : 0
                let count = min(inner - j0, segments > 1 ? width : inner)
                guard count > 0 else { continue }
                let out = y + row * inner + j0
                Self.row(op, a + ao + j0 * sa, sa, b + bo + j0 * sb, sb, out, count)
                activation.apply(out, count: count)
            }
        }
    }

    /// Element offsets of `a` and `b` at the start of row `row` (all loops but the innermost).
    @inline(__always)
    func offsets(_ row: Int) -> (Int, Int) {
        var rest = row, ao = 0, bo = 0
        var d = broadcast.sizes.count - 2
        while d >= 0 {
            let size = broadcast.sizes[d]
            let i = rest % size
            rest /= size
            ao += i * broadcast.aStrides[d]
            bo += i * broadcast.bStrides[d]
            d -= 1
        }
        return (ao, bo)
    }

    @inline(__always)
    static func row(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                    _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        switch op {
        case .add: loop(a, sa, b, sb, y, count, { $0 + $1 }, { $0 + $1 })
        case .sub: loop(a, sa, b, sb, y, count, { $0 - $1 }, { $0 - $1 })
        case .mul: loop(a, sa, b, sb, y, count, { $0 * $1 }, { $0 * $1 })
        case .div: loop(a, sa, b, sb, y, count, { $0 / $1 }, { $0 / $1 })
        case .max: loop(a, sa, b, sb, y, count, { VectorMath.max($0, $1) }, { Swift.max($0, $1) })
        case .min: loop(a, sa, b, sb, y, count, { VectorMath.min($0, $1) }, { Swift.min($0, $1) })
        case .pow:
            if sb == 0 && b.pointee == 2 {
                loop(a, sa, b, sb, y, count, { a, _ in a * a }, { a, _ in a * a })
            } else {
                loop(a, sa, b, sb, y, count, { a, b in
                    var r = Vec8()
                    for lane in 0..<8 { r[lane] = powf(a[lane], b[lane]) }
                    return r
                }, { powf($0, $1) })
            }
        case .equal, .less, .greater, .and, .or, .mod, .fmod:
            loop(a, sa, b, sb, y, count, { a, b in
                var r = Vec8()
                for lane in 0..<8 { r[lane] = op.apply(a[lane], b[lane]) }
                return r
            }, { op.apply($0, $1) })
        }
    }

    /// y[j] = f(a[j * sa], b[j * sb]), vectorised when each stride is 0 or 1.
    @inline(__always)
    static func loop(_ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                     _ y: UnsafeMutablePointer<Float>, _ count: Int,
                     _ vector: (Vec8, Vec8) -> Vec8, _ scalar: (Float, Float) -> Float) {
        var j = 0
        switch (sa, sb) {
        case (1, 1):
            while j + 8 <= count { y.store(vector(a.vec8(j), b.vec8(j)), at: j); j += 8 }
            while j < count { y[j] = scalar(a[j], b[j]); j += 1 }
        case (1, 0):
            let bs = b.pointee, bv = Vec8(repeating: bs)
            while j + 8 <= count { y.store(vector(a.vec8(j), bv), at: j); j += 8 }
            while j < count { y[j] = scalar(a[j], bs); j += 1 }
        case (0, 1):
            let as_ = a.pointee, av = Vec8(repeating: as_)
            while j + 8 <= count { y.store(vector(av, b.vec8(j)), at: j); j += 8 }
            while j < count { y[j] = scalar(as_, b[j]); j += 1 }
        default:
            while j < count { y[j] = scalar(a[j * sa], b[j * sb]); j += 1 }
        }
    }
}
