// The plain operators (`Reference`) on arrays, for tests: each allocates its output and passes
// pointers to the one reference the executor and the load-time folding also run.
@testable import Runtime

extension Reference {
    /// `conv(_:batch:activation:x:w:b:residual:y:)` on arrays; returns y.
    static func conv(_ s: ConvShape, batch: Int, activation: Activation = .none, x: [Float], weights: [Float],
                     bias: [Float]?, residual: [Float]? = nil) -> [Float] {
        precondition(x.count == batch * s.inputCount, "Reference.conv: x has \(x.count) floats")
        precondition(weights.count == s.weightCount, "Reference.conv: \(weights.count) weights")
        precondition(residual == nil || residual!.count == batch * s.outputCount, "Reference.conv: residual size")
        var y = [Float](repeating: 0, count: batch * s.outputCount)
        x.withBase { xp in
            weights.withBase { wp in
                (bias ?? []).withBase { bp in
                    (residual ?? []).withBase { rp in
                        y.withMutableBase { yp in
                            conv(s, batch: batch, activation: activation, x: xp, w: wp, b: bias == nil ? nil : bp,
                                 residual: residual == nil ? nil : rp, y: yp)
                        }
                    }
                }
            }
        }
        return y
    }

    /// `pool(_:_:batch:x:y:)` on arrays; returns y.
    static func pool(_ kind: PoolKind, _ s: PoolShape, batch: Int, x: [Float]) -> [Float] {
        precondition(x.count == batch * s.inputCount, "Reference.pool: x has \(x.count) floats")
        var y = [Float](repeating: 0, count: batch * s.outputCount)
        x.withBase { xp in y.withMutableBase { pool(kind, s, batch: batch, x: xp, y: $0) } }
        return y
    }

    /// `globalPool(isMax:planes:size:x:y:)` on arrays; returns y.
    static func globalPool(isMax: Bool, planes: Int, size: Int, x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: planes)
        x.withBase { xp in y.withMutableBase { globalPool(isMax: isMax, planes: planes, size: size, x: xp, y: $0) } }
        return y
    }

    /// `gemm(_:activation:a:b:c:y:)` on arrays; returns y.
    static func gemm(_ s: GemmShape, activation: Activation = .none, a: [Float], b: [Float], c: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: s.m * s.n)
        a.withBase { ap in
            b.withBase { bp in
                c.withBase { cp in
                    y.withMutableBase { gemm(s, activation: activation, a: ap, b: bp, c: s.addend == .none ? nil : cp, y: $0) }
                }
            }
        }
        return y
    }

    /// `matMul(_:a:b:y:)` on arrays; returns y.
    static func matMul(_ s: MatMulShape, a: [Float], b: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: s.outputShape.reduce(1, *))
        a.withBase { ap in b.withBase { bp in y.withMutableBase { matMul(s, a: ap, b: bp, y: $0) } } }
        return y
    }

    /// `affine(_:x:y:)` on arrays; returns y.
    static func affine(_ s: AffineShape, x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withBase { xp in y.withMutableBase { affine(s, x: xp, y: $0) } }
        return y
    }

    /// `softmax(_:x:y:)` on arrays; returns y.
    static func softmax(_ s: SoftmaxShape, x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withBase { xp in y.withMutableBase { softmax(s, x: xp, y: $0) } }
        return y
    }

    /// `lrn(_:shape:x:y:)` on arrays; returns y.
    static func lrn(_ a: LRNAttributes, shape: [Int], x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        x.withBase { xp in y.withMutableBase { lrn(a, shape: shape, x: xp, y: $0) } }
        return y
    }

    /// `pad(_:fill:x:y:)` on float arrays; returns y.
    static func pad(_ s: PadShape, x: [Float]) -> [Float] {
        var y = [Float](repeating: .nan, count: s.outputShape.reduce(1, *))
        x.withBase { xp in y.withMutableBase { pad(s, fill: s.value, x: xp, y: $0) } }
        return y
    }

    /// `binary(_:_:a:b:y:)` on arrays; returns y.
    static func binary(_ op: BinaryOp, _ s: Broadcast, a: [Float], b: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: s.outputShape.reduce(1, *))
        a.withBase { ap in b.withBase { bp in y.withMutableBase { binary(op, s, a: ap, b: bp, y: $0) } } }
        return y
    }
}
