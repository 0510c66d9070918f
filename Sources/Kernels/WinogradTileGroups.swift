// Which tiles share the lanes of a Winograd transform's vectors. Eight tiles of one tile row go
// through each transform together (one per lane); a map four tiles wide (13 to 16 outputs wide
// in F(4x4, 3x3): ResNet's 14x14; 7 or 8 in F(2x2, 3x3): its 7x7, Inception's 8x8) filled only
// half the lanes, so there two tile rows share them, the second in lanes 4 to 7: V and M keep
// their tiles row after row, so such a pair is eight consecutive tiles there too, and only the
// loads from the plane (two halves) and the stores into y (two rows) differ.

/// The tile groups of Winograd's transforms (see the top of the file).
import KernelSupport

/// Up to eight tiles in the lanes of one vector: `n` tiles from tile column `j` of tile row
/// `tileRow` (the `t`-th of the call's tile rows), or the four tiles of tile rows `tileRow` and
/// `tileRow + 1` (`pair`).
struct TileGroup {
    let t: Int, tileRow: Int, j: Int, n: Int, pair: Bool

    /// The groups of the tile rows `tileRows`, `columns` tiles a row, in order.
    @inline(__always)
    static func forEach(tileRows: Range<Int>, columns: Int, _ body: (TileGroup) -> Void) {
        if columns == 4 {
            var t = 0
            while t < tileRows.count {
                let pair = t + 1 < tileRows.count
                body(TileGroup(t: t, tileRow: tileRows.lowerBound + t, j: 0, n: pair ? 8 : 4, pair: pair))
                t += 2
            }
            return
        }
        for t in 0..<tileRows.count {
            var j = 0
            while j < columns {
                body(TileGroup(t: t, tileRow: tileRows.lowerBound + t, j: j, n: min(8, columns - j), pair: false))
                j += 8
            }
        }
    }
}

/// How a transform loads the input of its eight lanes from the plane.
protocol TileLanes {
    func load(_ p: UnsafePointer<Float>) -> Vec8
}

/// Eight tiles of one tile row: eight consecutive floats.
struct OneTileRow: TileLanes {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> Vec8 { p.vec8() }
}

/// Four tiles of each of two tile rows: four floats, and four `next` floats further (0 when the
/// group has one row: its lanes 4 to 7 repeat the first row's, and are not stored).
struct TwoTileRows: TileLanes {
    let next: Int
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> Vec8 {
        Vec8(lowHalf: UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self),
             highHalf: UnsafeRawPointer(p + next).loadUnaligned(as: SIMD4<Float>.self))
    }
}
