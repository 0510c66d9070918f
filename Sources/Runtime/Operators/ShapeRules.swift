// The shape rules of the operators that only relabel values (Reshape, Squeeze, Unsqueeze) and
// of Range, the one shape-arithmetic operator that builds a tensor from scalars.

/// Shape computations shared by resolving and evaluating.
enum ShapeRules {
    /// Reshape's target with 0 (copy the input's dimension, unless `allowZero`) and -1 (infer)
    /// settled; the element count must not change.
    static func reshape(_ x: [Int], to target: [Int], allowZero: Bool) throws -> [Int] {
        guard let count = ShapeMath.count(x) else { throw OpFailure.shape("input shape \(x) is invalid") }
        var out = target
        var inferred: Int? = nil
        for (i, d) in target.enumerated() {
            switch d {
            case -1:
                guard inferred == nil else { throw OpFailure.malformed("shape \(target) has more than one -1") }
                inferred = i
            case 0 where !allowZero:
                guard i < x.count else { throw OpFailure.malformed("shape \(target) copies dimension \(i), input has rank \(x.count)") }
                out[i] = x[i]
            case ..<0:
                throw OpFailure.shape("shape \(target) has a negative dimension")
            default:
                break
            }
        }
        if let i = inferred {
            out[i] = 1
            guard let known = ShapeMath.count(out), known > 0, count % known == 0 else {
                throw OpFailure.shape("cannot reshape \(ShapeMath.describe(x)) to \(target)")
            }
            out[i] = count / known
        }
        guard ShapeMath.count(out) == count else {
            throw OpFailure.shape("cannot reshape \(ShapeMath.describe(x)) (\(count) values) to \(target)")
        }
        return out
    }

    /// Squeeze: drop the given axes, which must have size 1, or every axis of size 1.
    static func squeeze(_ x: [Int], axes: [Int]?) throws -> [Int] {
        guard let axes, !axes.isEmpty else { return x.filter { $0 != 1 } }
        var drop = Set<Int>()
        for axis in axes {
            guard let a = ShapeMath.normalize(axis: axis, rank: x.count) else {
                throw OpFailure.malformed("axis \(axis) is out of range for rank \(x.count)")
            }
            guard x[a] == 1 else { throw OpFailure.shape("axis \(a) has size \(x[a]), not 1") }
            drop.insert(a)
        }
        return x.indices.filter { !drop.contains($0) }.map { x[$0] }
    }

    /// Unsqueeze: insert axes of size 1 at the given positions of the output.
    static func unsqueeze(_ x: [Int], axes: [Int]) throws -> [Int] {
        let rank = x.count + axes.count
        var inserted = Set<Int>()
        for axis in axes {
            guard let a = ShapeMath.normalize(axis: axis, rank: rank), inserted.insert(a).inserted else {
                throw OpFailure.malformed("axis \(axis) is out of range or repeated for rank \(rank)")
            }
        }
        var out: [Int] = []
        var next = x.makeIterator()
        for i in 0..<rank { out.append(inserted.contains(i) ? 1 : next.next()!) }
        return out
    }

    /// Range(start, limit, delta): `max(ceil((limit - start) / delta), 0)` values.
    static func range(_ start: TypedTensor, _ limit: TypedTensor, _ delta: TypedTensor) throws -> TypedTensor {
        guard start.count == 1, limit.count == 1, delta.count == 1 else {
            throw OpFailure.malformed("start, limit and delta must be scalars")
        }
        let integral = start.elementType == .int && limit.elementType == .int && delta.elementType == .int
        let s = Double(start.floats[0]), l = Double(limit.floats[0]), d = Double(delta.floats[0])
        guard d != 0, d.isFinite, s.isFinite, l.isFinite else { throw OpFailure.malformed("delta must be finite and non-zero") }
        let count = max(0, ((l - s) / d).rounded(.up))
        guard count <= Double(ShapeMath.maxFoldedElements) else { throw OpFailure.shape("range of \(count) values is too large") }
        let n = Int(count)
        if integral {
            let si = start.ints[0], di = delta.ints[0]
            return TypedTensor(shape: [n], ints: (0..<n).map { si &+ Int64($0) &* di })
        }
        return TypedTensor(shape: [n], floats: (0..<n).map { Float(s + Double($0) * d) })
    }
}
