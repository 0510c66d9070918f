// The geometry and transforms of Winograd F(m, r) along one axis of a convolution kernel, for
// the line path of the fast kernels (Sources/Kernels/Convolution+WinogradLine.swift, which says
// what the path computes). This part runs at load, on the host CPU whatever kernel variant is
// in use, so it lives here, compiled once for the baseline: generic code (Set, reduce, map) in
// the per-ISA modules is specialised into symbols of the same name in all three copies, the
// linker keeps one of them, and an AVX2 copy of `Set<Int>.contains` (BMI2's bzhi) ended a
// baseline run on a CPU without AVX2 (scripts/e2e-isa, as a qemu64).

/// The F(m, r) transforms of one line-Winograd convolution and the geometry of its lines.
package struct WinogradLine: Sendable, Equatable {
    /// Outputs per tile, kernel taps along the axis, and transformed points (m + r - 1).
    package let m: Int, r: Int, n: Int
    /// Whether the axis is the kernel's height (lines are the input's rows) rather than its width
    /// (lines are its columns).
    package let vertical: Bool
    /// Input and output length along the axis, and the pad before it.
    package let length: Int, outputLength: Int, padBefore: Int
    /// Across the axis: the kernel's taps, the input length, the pad before it, the output length.
    package let crossTaps: Int, crossLength: Int, crossPad: Int, crossOutput: Int
    /// A line's length: the input across the axis with its pads (crossOutput + crossTaps - 1).
    package var cross: Int { crossOutput + crossTaps - 1 }
    /// Tiles along the axis.
    package var tileRows: Int { (outputLength + m - 1) / m }
    /// Columns of each product: tile rows times line length (the last crossTaps - 1 of each tile
    /// row computed and dropped).
    package var tiles: Int { tileRows * cross }
    /// Lines of the padded input plane: every line a tile reads, m * tileRows + r - 1.
    package var lines: Int { m * tileRows + r - 1 }
    /// Floats per padded line: the line length rounded up to whole vectors.
    package var lineFloats: Int { (cross + 7) / 8 * 8 }
    /// Floats per channel of V_xi: the tiles, and the last cross tap's overrun.
    package var channelStride: Int { tiles + crossTaps - 1 }
    /// A^T (m, n), B^T (n, n), row-major, as Float; G (n, r) in Double for the weights.
    package let at: [Float], bt: [Float]
    /// A^T and B^T with zero rows after their last up to a multiple of four rows: the transforms
    /// compute four rows at a time (`quadRows`).
    package let atQuads: [Float], btQuads: [Float]
    package let g: [[Double]]

    /// Points of the Toom-Cook construction, in the order tiles take them (besides infinity).
    package static let points: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5, 0.25]
    /// Largest n: the points above plus infinity.
    package static var maximumPoints: Int { points.count + 1 }
    /// Kernel lengths the line path takes.
    package static let kernelLengths: Set<Int> = [3, 5, 7]

    /// Cross taps the line path takes (each one more product row per channel).
    package static let maximumCrossTaps = 7

    /// The transforms of F(m, r) along `g`'s axis: its height when the kernel is 3, 5 or 7 high,
    /// else its width when 3, 5 or 7 wide (1 x r); nil when `g` is not a convolution this path
    /// runs.
    package init?(_ g: ConvShape, m: Int? = nil) {
        let w = g.window
        guard w.strideHeight == 1 && w.strideWidth == 1 && w.dilationHeight == 1 && w.dilationWidth == 1
            && g.groups == 1 && g.problem == nil else { return nil }
        let vertical: Bool
        if Self.kernelLengths.contains(w.kernelHeight) && w.kernelWidth <= Self.maximumCrossTaps {
            vertical = true
        } else if Self.kernelLengths.contains(w.kernelWidth) && w.kernelHeight <= Self.maximumCrossTaps {
            vertical = false
        } else {
            return nil
        }
        let r = vertical ? w.kernelHeight : w.kernelWidth
        let outputLength = vertical ? g.outputHeight : g.outputWidth
        let m = m ?? Self.bestTile(r: r, outputLength: outputLength)
        guard m >= 2, m + r - 1 <= Self.maximumPoints, outputLength >= 1 else { return nil }
        self.m = m
        self.r = r
        n = m + r - 1
        self.vertical = vertical
        length = vertical ? g.inputHeight : g.inputWidth
        self.outputLength = outputLength
        padBefore = vertical ? w.padTop : w.padLeft
        crossTaps = vertical ? w.kernelWidth : w.kernelHeight
        crossLength = vertical ? g.inputWidth : g.inputHeight
        crossPad = vertical ? w.padLeft : w.padTop
        crossOutput = vertical ? g.outputWidth : g.outputHeight
        let (at, g, bt) = Self.toomCook(m: m, r: r)
        self.at = at.flatMap { $0.map(Float.init) }
        self.bt = bt.flatMap { $0.map(Float.init) }
        atQuads = self.at + [Float](repeating: 0, count: (Self.quadRows(m) - m) * n)
        btQuads = self.bt + [Float](repeating: 0, count: (Self.quadRows(n) - n) * n)
        self.g = g
    }

    /// `rows` rounded up to a multiple of four.
    package static func quadRows(_ rows: Int) -> Int { (rows + 3) / 4 * 4 }

    /// The tile length with the fewest transformed points per output along a line of
    /// `outputLength` (ceil(L / m) * (m + r - 1)); ties go to the smaller tile, the more accurate.
    package static func bestTile(r: Int, outputLength: Int) -> Int {
        var best = 2, bestCost = Int.max
        for m in 2...(maximumPoints - r + 1) {
            let cost = (outputLength + m - 1) / m * (m + r - 1)
            if cost < bestCost { best = m; bestCost = cost }
        }
        return best
    }

    /// Multiply-adds of direct convolution over those of F(m, r) on these lines (the tiles past
    /// the axis's end and the dropped columns across it included).
    package var saving: Double {
        Double(outputLength * r * crossOutput) / Double(tileRows * n * cross)
    }

    /// A^T (m, n), G (n, r) and B^T (n, n) of F(m, r) on the first n - 1 `points` and infinity:
    ///   A^T[i][j] = p_j^i, the last column (infinity) e_(m-1);
    ///   G[j][k] = p_j^k / prod_(l != j)(p_j - p_l), the last row e_(r-1);
    ///   B^T[j] = the coefficients of prod_(l != j)(x - p_l), the last row those of prod_l (x - p_l).
    package static func toomCook(m: Int, r: Int) -> (at: [[Double]], g: [[Double]], bt: [[Double]]) {
        let n = m + r - 1, p = Array(points.prefix(n - 1))
        precondition(p.count == n - 1, "WinogradLine: F(\(m), \(r)) needs \(n - 1) points")
        func power(_ x: Double, _ e: Int) -> Double { (0..<e).reduce(1.0) { product, _ in product * x } }
        // Coefficients, lowest degree first, of prod (x - root) over `roots`.
        func polynomial(_ roots: [Double]) -> [Double] {
            var c: [Double] = [1]
            for root in roots {
                var next = [Double](repeating: 0, count: c.count + 1)
                for (i, v) in c.enumerated() {
                    next[i + 1] += v
                    next[i] -= root * v
                }
                c = next
            }
            return c
        }
        let at = (0..<m).map { i in p.map { power($0, i) } + [i == m - 1 ? 1 : 0] }
        var g: [[Double]] = p.indices.map { j in
            let f = p.indices.filter { $0 != j }.reduce(1.0) { $0 * (p[j] - p[$1]) }
            return (0..<r).map { power(p[j], $0) / f }
        }
        g.append((0..<r).map { $0 == r - 1 ? 1 : 0 })
        var bt: [[Double]] = p.indices.map { j in
            let c = polynomial(p.indices.filter { $0 != j }.map { p[$0] })
            return c + [Double](repeating: 0, count: n - c.count)
        }
        bt.append(polynomial(p))
        return (at, g, bt)
    }

    /// Rows of each product's reduction: channels times cross taps.
    package func depth(channels: Int) -> Int { channels * crossTaps }

    /// w (OC, C, KH, KW) -> U (n, OC, C * s): U_xi[oc, c * s + a] = (G g)[xi] for g the axis taps
    /// of w[oc, c] at cross tap a, in Double, rounded once.
    package func transformWeights(_ w: [Float], outputChannels oc: Int, inputChannels c: Int) -> [Float] {
        let s = crossTaps, k = depth(channels: c)
        var u = [Float](repeating: 0, count: n * oc * k)
        for o in 0..<oc {
            for i in 0..<c {
                let base = (o * c + i) * r * s
                for a in 0..<s {
                    for xi in 0..<n {
                        var sum = 0.0
                        for t in 0..<r { sum += g[xi][t] * Double(w[base + (vertical ? t * s + a : a * r + t)]) }
                        u[(xi * oc + o) * k + i * s + a] = Float(sum)
                    }
                }
            }
        }
        return u
    }
}
