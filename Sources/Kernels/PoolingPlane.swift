// x (H, W) -> padded plane (R, PW), and the windows' results on a wide grid, for max and
// average pooling.
//
// A worker copies each input plane into a padded plane of R = (OH - 1) sH + (KH - 1) dH + 1
// rows of PW = (OW - 1) sW + (KW - 1) dW + 1 columns, every row and column some window touches.
// The border (the padding, -inf for max, 0 for average) is the same for every plane, so it is
// written once per worker per call and each plane only copies its rows into the interior.
// Tap (kh, kw) of the window at padded position q = i PW + c is plane[q + kh dH PW + kw dW]:
// one offset for every tap. The windows are evaluated at every column c of the rows the output
// rows start on, sixteen at a time: with vertical stride 1 as one flat run over all OH rows
// (Inception-v3's 12x12 and 5x5 maps made one or two vectors per output row, and the row loop's
// overhead was most of the time), otherwise one run per output row. That wide grid (OH, PW)
// then gives each output row its OW results at columns 0, sW, 2 sW, ...

/// The layout of one padded input plane and of the wide grid evaluated on it.
import KernelSupport

struct PoolingPlane: Sendable {
    /// The padded plane, one phase (`PaddedPlane` with the horizontal stride folded to 1: its
    /// windows start at every column c in 0 ... (OW - 1) sW): its rows and columns, the taps'
    /// offsets from a window's top left, and the copy of a plane into its interior.
    let padded: PaddedPlane
    /// The pool's own window and output size.
    let window: SlidingWindow
    let outputHeight: Int, outputWidth: Int

    init(window: SlidingWindow, inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int) {
        var everyColumn = window
        everyColumn.strideWidth = 1
        padded = PaddedPlane(window: everyColumn, inputHeight: inputHeight, inputWidth: inputWidth,
                             outputHeight: outputHeight, outputWidth: (outputWidth - 1) * window.strideWidth + 1)
        self.window = window
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// Padded rows and columns some window touches (the wide grid's row length is `width`).
    var rows: Int { padded.rows }
    var width: Int { padded.phaseWidth }

    /// Columns of a run per output row: the first window's to the last's, (OW - 1) sW + 1.
    var runColumns: Int { padded.outputWidth }

    /// Outputs of the wide grid, OH * PW, rounded up to whole vectors.
    var wideCount: Int { (outputHeight * width + 15) / 16 * 16 }

    /// Floats of the padded plane with its slack: a run's last vector reads up to 15 floats
    /// past it, and a flat run's garbage columns up to one row more.
    var planeCount: Int { rows * width + width + 32 }

    /// Floats of a worker's scratch: the plane, then the wide grid.
    var count: Int { planeCount + wideCount + 16 }

    /// The whole plane (slack too) set to `padding`: the border every later
    /// `padded.fillInterior` relies on.
    func fillBorder(_ plane: UnsafeMutablePointer<Float>, padding: Float) {
        plane.update(repeating: padding, count: planeCount)
    }

    /// The runs of windows the wide grid is made of, as (first padded position, first wide
    /// index, count): one flat run with vertical stride 1, one per output row otherwise.
    func forEachRun(_ body: (_ read: Int, _ write: Int, _ count: Int) -> Void) {
        if window.strideHeight == 1 {
            body(0, 0, outputHeight * width)
        } else {
            for r in 0..<outputHeight { body(r * window.strideHeight * width, r * width, runColumns) }
        }
    }

    /// wide (OH, PW) -> out (OH, OW): out[r, j] = wide[r, j sW].
    func copyOut(_ wide: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>) {
        let ow = outputWidth
        switch window.strideWidth {
        case 1:
            for r in 0..<outputHeight { Runs.copy(wide + r * width, out + r * ow, ow) }
        case 2 where ow >= 4:
            // Eight (four) outputs from one load of sixteen (eight) and its even half; the last
            // vector overlaps the ones before. The loads stay inside the wide grid's rounding.
            for r in 0..<outputHeight {
                let src = UnsafeRawPointer(wide + r * width), dst = out + r * ow
                if ow >= 8 {
                    var j = 0
                    while j + 8 <= ow {
                        dst.store(src.loadUnaligned(fromByteOffset: 8 * j, as: SIMD16<Float>.self).evenHalf, at: j)
                        j += 8
                    }
                    if j < ow {
                        dst.store(src.loadUnaligned(fromByteOffset: 8 * (ow - 8), as: SIMD16<Float>.self).evenHalf,
                                  at: ow - 8)
                    }
                } else {
                    for j in [0, ow - 4] {
                        UnsafeMutableRawPointer(dst + j).storeBytes(
                            of: src.loadUnaligned(fromByteOffset: 8 * j, as: SIMD8<Float>.self).evenHalf,
                            as: SIMD4<Float>.self)
                    }
                }
            }
        default:
            let sW = window.strideWidth
            for r in 0..<outputHeight {
                for j in 0..<ow { out[r * ow + j] = wide[r * width + j * sW] }
            }
        }
    }
}
