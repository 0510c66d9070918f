// Per-element error bounds for the runtime's kernels against their Double references, built on
// TestSupport's `RoundingBound` (which says why they hold): the magnitude M of every output is
// the reference run again on absolute values, its depth is counted from the computation, and an
// activation after the sum scales the bound by its slope and adds the difference between two
// evaluations of the function.
import TestSupport
@testable import Runtime
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

/// The accuracy the vector math promises against the C library (ActivationKernelTests checks
/// it), relative to the result: these functions have no cancellation.
enum VectorMathAccuracy {
    /// `VectorMath.exp` against `expf`.
    static let exp: Double = 3e-7
    /// `VectorMath.tanh` and `VectorMath.sigmoid` against `tanhf` and `1 / (1 + expf(-x))`.
    static let tanhAndSigmoid: Double = 1e-6
    /// `VectorMath.erf` against `erff`, absolute (erf is within [-1, 1]; relative error near 0
    /// is as small: the fit's worst is 1.4e-7 absolute, 1.8e-7 relative).
    static let erf: Double = 2.5e-7
}

extension Activation {
    /// The largest slope of the function: `|f(a) - f(b)| <= lipschitz * |a - b|`.
    var lipschitz: Double {
        switch self {
        case .none, .relu, .clip, .tanh: 1
        case let .leakyRelu(alpha): max(1, Double(abs(alpha)))
        case .sigmoid: 0.25
        case let .hardSigmoid(alpha, _): Double(abs(alpha))
        case .hardSwish: 1.5                      // (2x + 3) / 6 at x = 3
        case .gelu: 1.13                          // Phi(x) + x phi(x) peaks at x = sqrt 2
        case .geluTanh: 1.13
        }
    }

    /// How far two correct evaluations of the function at the same Float `z` may differ (the
    /// fast loop's and the reference's): each side's roundings of the formula, on the formula's
    /// absolute values, or the vector approximation's promised accuracy.
    func evaluationSlack(_ z: Float) -> Double {
        let u = RoundingBound.unit, z = Double(z)
        switch self {
        case .none, .relu, .clip: return 0
        case let .leakyRelu(alpha): return z < 0 ? 2 * u * abs(Double(alpha) * z) : 0
        // The vector approximations against the C library, and the C library's own ulp.
        case .sigmoid: return (VectorMathAccuracy.tanhAndSigmoid + 2 * u) / (1 + libmExp(-z))
        case .tanh: return (VectorMathAccuracy.tanhAndSigmoid + 2 * u) * abs(libmTanh(z))
        // alpha x + beta: a product and a sum per side.
        case let .hardSigmoid(alpha, beta): return 2 * 2 * u * (abs(Double(alpha) * z) + abs(Double(beta)))
        // x * (x / 6 + 1/2), or x * (x * (1/6) + 1/2) with 1/6 rounded: four roundings per side.
        case .hardSwish: return 2 * 4 * u * abs(z) * (abs(z) / 6 + 0.5)
        // The formula's four roundings per side, and the vector erf against erff (plus erff's
        // own ulp), scaled by x/2.
        case .gelu: return 2 * 4 * u * abs(z) + 0.5 * abs(z) * (VectorMathAccuracy.erf + u)
        // x^3 and the polynomial (six roundings) and the vector tanh against tanhf.
        case .geluTanh: return (2 * 8 * u + VectorMathAccuracy.tanhAndSigmoid) * abs(z)
        }
    }

    /// Bounds on the activated outputs `f(z)` given the pre-activation values `z` of the
    /// reference and bounds on their error.
    func bounds(z: [Float], zBounds: [Float]) -> [Float] {
        zip(z, zBounds).map { Float(lipschitz * Double($1) + evaluationSlack($0)) }
    }
}

extension Convolution {
    /// Error bounds for a fast convolution of `x`, `w`, `b`, `r` against `Reference.conv`, before the
    /// activation, for the path `algorithm` takes.
    ///
    /// Direct, im2col, tiled and depthwise paths are sums of K = C/groups * KH * KW products
    /// plus the bias and the residual: K + 2 roundings deep, M = the convolution of |x| by |w|
    /// plus |b| + |r|. Winograd is bounded separately (`winogradMagnitudes`).
    static func preActivationBounds(shape g: ConvShape, algorithm: Algorithm, batch: Int,
                                    x: [Float], weights w: [Float], bias b: [Float]?,
                                    residual r: [Float]?) -> [Float] {
        if algorithm == .winograd || algorithm == .winograd4x4 {
            let tile: WinogradTile = algorithm == .winograd ? .f2 : .f4
            return RoundingBound.bounds(depth: g.inputChannels + tile.depth,
                                        magnitudes: winogradMagnitudes(tile, shape: g, batch: batch, x: x, weights: w,
                                                                       bias: b, residual: r))
        }
        if algorithm == .winogradLine, let line = WinogradLine(g) {
            // Input transform n fused multiply-adds deep, U rounded once, the product, the output
            // transform n deep (from the bias), the residual.
            return RoundingBound.bounds(depth: line.depth(channels: g.inputChannels) + 2 * line.n + 3,
                                        magnitudes: lineMagnitudes(line, shape: g, batch: batch, x: x, weights: w,
                                                                   bias: b, residual: r))
        }
        let m = Reference.conv(g, batch: batch, x: x.map(abs), weights: w.map(abs), bias: b?.map(abs),
                               residual: r?.map(abs))
        return RoundingBound.bounds(depth: g.reductionLength + 2, magnitudes: m)
    }

    /// M for Winograd F(m, r) along one axis: per output, `sum_xi |A^T[i, xi]| sum_(c, a) (|G|
    /// |g_(c, a)|)[xi] (|B^T| |d_(c, a)|)[xi]` over its tile (a the cross tap), plus |b| + |r|
    /// (at least the direct convolution's M, as for `winogradMagnitudes`).
    static func lineMagnitudes(_ line: WinogradLine, shape g: ConvShape, batch: Int, x: [Float], weights w: [Float],
                               bias b: [Float]?, residual r: [Float]?) -> [Float] {
        let c = g.inputChannels, oc = g.outputChannels, n = line.n, m = line.m, s = line.crossTaps
        let h = g.inputHeight, width = g.inputWidth, oh = g.outputHeight, ow = g.outputWidth
        let k = c * s
        // |U| (OC, C * s, n) = |G| |g|.
        var absU = [Double](repeating: 0, count: oc * k * n)
        for o in 0..<oc {
            for i in 0..<c {
                for a in 0..<s {
                    for xi in 0..<n {
                        var sum = 0.0
                        for t in 0..<line.r {
                            let (ky, kx) = line.vertical ? (t, a) : (a, t)
                            sum += abs(line.g[xi][t]) * Double(abs(w[((o * c + i) * g.window.kernelHeight + ky)
                                                                     * g.window.kernelWidth + kx]))
                        }
                        absU[(o * k + i * s + a) * n + xi] = sum
                    }
                }
            }
        }
        // |x| at (image, channel, axis position, cross position), zero outside the image.
        func input(_ image: Int, _ channel: Int, _ along: Int, _ across: Int) -> Double {
            let (ih, iw) = line.vertical ? (along, across) : (across, along)
            guard ih >= 0 && ih < h && iw >= 0 && iw < width else { return 0 }
            return Double(abs(x[((image * c + channel) * h + ih) * width + iw]))
        }
        var out = [Float](repeating: 0, count: batch * oc * oh * ow)
        var absV = [Double](repeating: 0, count: k * n)
        for image in 0..<batch {
            for tileRow in 0..<line.tileRows {
                for across in 0..<line.crossOutput {
                    for i in 0..<c {
                        for a in 0..<s {
                            for xi in 0..<n {
                                var sum = 0.0
                                for t in 0..<n {
                                    sum += Double(abs(line.bt[xi * n + t]))
                                        * input(image, i, m * tileRow + t - line.padBefore, across + a - line.crossPad)
                                }
                                absV[(i * s + a) * n + xi] = sum
                            }
                        }
                    }
                    for o in 0..<oc {
                        var sum = [Double](repeating: 0, count: n)
                        for row in 0..<k { for xi in 0..<n { sum[xi] += absU[(o * k + row) * n + xi] * absV[row * n + xi] } }
                        for t in 0..<min(m, line.outputLength - m * tileRow) {
                            let along = m * tileRow + t
                            let (oi, oj) = line.vertical ? (along, across) : (across, along)
                            var total = 0.0
                            for xi in 0..<n { total += Double(abs(line.at[t * n + xi])) * sum[xi] }
                            let index = ((image * oc + o) * oh + oi) * ow + oj
                            out[index] = Float(total + Double(abs(b?[o] ?? 0)) + Double(abs(r?[index] ?? 0)))
                        }
                    }
                }
            }
        }
        return out
    }

    /// The absolute values of a Winograd algorithm's transforms, and how many roundings deep
    /// its transforms are.
    struct WinogradTile {
        /// Outputs per tile side; |G| ((m + 2) x 3), |B^T| and |A^T| (m x (m + 2)).
        let m: Int, absG: [[Double]], absBT: [[Double]], absAT: [[Double]]
        /// Roundings besides the C - 1 additions over channels.
        let depth: Int

        /// F(2x2, 3x3): the input transform B^T d B is two additions deep, U = G g G^T is rounded
        /// once from Double, then the product, the output transform A^T m A (two sums of three),
        /// the bias and the residual: 9.
        static let f2 = WinogradTile(
            m: 2, absG: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0, 0, 1]],
            absBT: [[1, 0, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 0, 1]],
            absAT: [[1, 1, 1, 0], [0, 1, 1, 1]], depth: 9)
        /// F(4x4, 3x3): each 6-point input transform is up to three roundings deep (two fused
        /// multiply-adds after a difference), twice; U rounded once; the product; each 4-point
        /// output transform up to three deep, twice; the bias and the residual: 16.
        static let f4 = WinogradTile(
            m: 4, absG: [[0.25, 0, 0], [1.0 / 6, 1.0 / 6, 1.0 / 6], [1.0 / 6, 1.0 / 6, 1.0 / 6],
                         [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, 1.0 / 12, 1.0 / 6], [0, 0, 1]],
            absBT: [[4, 0, 5, 0, 1, 0], [0, 4, 4, 1, 1, 0], [0, 4, 4, 1, 1, 0],
                    [0, 2, 1, 2, 1, 0], [0, 2, 1, 2, 1, 0], [0, 4, 0, 5, 0, 1]],
            absAT: [[1, 1, 1, 1, 1, 0], [0, 1, 1, 2, 2, 0], [0, 1, 1, 4, 4, 0], [0, 1, 1, 8, 8, 1]], depth: 16)
    }

    /// M for Winograd F(m x m, 3x3): per output, `|A^T| (sum_c |G| |g_c| |G^T| (.) |B^T| |d_c| |B|) |A|`
    /// over its tile, plus |b| + |r|: the transforms evaluated on absolute values.
    ///
    /// With depth C - 1 + `tile.depth`, this M is at least the direct convolution's (all terms are
    /// non-negative and |B|, |G|, |A| only add terms), so it also covers the reference's own 2u M.
    static func winogradMagnitudes(_ tile: WinogradTile, shape g: ConvShape, batch: Int, x: [Float], weights w: [Float],
                                   bias b: [Float]?, residual r: [Float]?) -> [Float] {
        precondition(g.window.kernelHeight == 3 && g.window.kernelWidth == 3 && g.groups == 1,
                     "winogradMagnitudes: 3x3 kernels of one group only")
        let c = g.inputChannels, oc = g.outputChannels
        let h = g.inputHeight, width = g.inputWidth, oh = g.outputHeight, ow = g.outputWidth
        let m = tile.m, alpha = m + 2, positions = alpha * alpha
        let absG = tile.absG, absBT = tile.absBT, absAT = tile.absAT
        // |U| (OC, C, alpha, alpha) = |G| |g| |G^T|.
        var absU = [Double](repeating: 0, count: oc * c * positions)
        for o in 0..<oc {
            for i in 0..<c {
                let base = (o * c + i) * 9
                for p in 0..<alpha {
                    for q in 0..<alpha {
                        var s = 0.0
                        for k in 0..<3 { for l in 0..<3 { s += absG[p][k] * Double(abs(w[base + k * 3 + l])) * absG[q][l] } }
                        absU[(o * c + i) * positions + p * alpha + q] = s
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: batch * oc * oh * ow)
        var absV = [Double](repeating: 0, count: c * positions)
        for n in 0..<batch {
            for ti in 0..<(oh + m - 1) / m {
                for tj in 0..<(ow + m - 1) / m {
                    // |V| (C, alpha, alpha) = |B^T| |d| |B| for the tile's input, zero outside the image.
                    for i in 0..<c {
                        var d = [Double](repeating: 0, count: positions)
                        for p in 0..<alpha {
                            for q in 0..<alpha {
                                let ih = m * ti - g.window.padTop + p, iw = m * tj - g.window.padLeft + q
                                if ih >= 0 && ih < h && iw >= 0 && iw < width {
                                    d[p * alpha + q] = Double(abs(x[((n * c + i) * h + ih) * width + iw]))
                                }
                            }
                        }
                        for p in 0..<alpha {
                            for q in 0..<alpha {
                                var s = 0.0
                                for k in 0..<alpha { for l in 0..<alpha { s += absBT[p][k] * d[k * alpha + l] * absBT[q][l] } }
                                absV[i * positions + p * alpha + q] = s
                            }
                        }
                    }
                    for o in 0..<oc {
                        var sum = [Double](repeating: 0, count: positions)
                        for i in 0..<c {
                            for xi in 0..<positions { sum[xi] += absU[(o * c + i) * positions + xi] * absV[i * positions + xi] }
                        }
                        for rr in 0..<m {
                            for ss in 0..<m {
                                let oi = m * ti + rr, oj = m * tj + ss
                                guard oi < oh && oj < ow else { continue }
                                var s = 0.0
                                for p in 0..<alpha { for q in 0..<alpha { s += absAT[rr][p] * sum[p * alpha + q] * absAT[ss][q] } }
                                let index = ((n * oc + o) * oh + oi) * ow + oj
                                s += Double(abs(b?[o] ?? 0)) + Double(abs(r?[index] ?? 0))
                                out[index] = Float(s)
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
private func libmExp(_ x: Double) -> Double { Glibc.exp(x) }
private func libmTanh(_ x: Double) -> Double { Glibc.tanh(x) }
#else
import Darwin
private func libmExp(_ x: Double) -> Double { Darwin.exp(x) }
private func libmTanh(_ x: Double) -> Double { Darwin.tanh(x) }
#endif
