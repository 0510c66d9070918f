// Prefetch hints for the register tiles' two streams.
//
// Weights: a late layer's weights are megabytes (ResNet-50's 2048 -> 512 at 7x7: 4 MB) read once
// per image, and in a network they come from memory each time: the previous image's pass
// through the other layers has evicted them. The hardware prefetcher follows the panel's
// sequential reads but not far enough ahead to hide that latency, while the tile re-reads a
// panel from cache for each block of columns and then starts the next one cold. A hint a fixed
// distance ahead of the read position keeps the lines coming. In ResNet-50 at batch 1 on one AMD
// EPYC core the 2048 -> 512 1x1 layer ran 1.19 -> 1.10 ms with it (onnxruntime 0.98; alone, its
// weights in cache, 0.95), the 512x7x7 3x3 layers on F(2x2) 15 % faster (benchmarks/README.md,
// "Weight prefetch"). Not in the channel-lanes tile: no gain this host could show there.
//
// x read in place: a 16-column tile reading x where it is (rows `ldx` apart) reads K lines from
// K different rows, K streams the hardware prefetcher does not follow. The tile hints the same
// row's next 16 columns (the next tile's line) at every k, so when the tile after it starts,
// its lines are on their way or in cache (benchmarks/README.md, "Pointwise in place"). A tile
// packed from such rows hints two tiles ahead into L2 instead (`tileAfterNext`, "Pack prefetch").
//
// Output: a layer on a 56x56 or 112x112 map writes megabytes (ResNet's stem 3.2 MB per image)
// that in a network are no longer in any cache, and a store to such a line waits for the line
// to be read first. The 16-column pointwise tiles and the direct rows' tiles hint the lines they
// will store (and the residual's they will add) before their pass over k, which takes hundreds
// of cycles: ResNet-50 at batch 1 on one AMD EPYC core, the stem 7-9 % faster in the network,
// its 56x56 1x1 layers 2-6 % (benchmarks/README.md, "Output prefetch").
import CPrefetch

enum Prefetch {
    /// How far ahead of the weights' read position the hint points, in bytes: about 85 k of a
    /// pointwise tile (24 bytes per k, ~6 cycles each), ~500 cycles, above one memory latency on a
    /// shared host. 1 KiB (~250 cycles) left the late layers' weight streams short: ResNet-50 at
    /// batch 1 on one AMD EPYC core, profiles alternated in both orders, the 512x7x7 3x3 on F(2x2)
    /// ran 9 % faster at 2 KiB, the 256x14x14 on F(4x4) 5-7 %, the 7x7 1x1 layers 2-4 %, the
    /// layers whose weights stay in cache level (benchmarks/README.md, "Weight prefetch").
    static let weightDistance = 2048

    /// Hints the weights' line `weightDistance` bytes after `p` (past the end of the weights is
    /// harmless: a prefetch never faults).
    @inline(__always)
    static func weights(_ p: UnsafePointer<Float>) {
        nd_prefetch(UnsafeRawPointer(p) + weightDistance)
    }

    /// Hints the line of x 16 floats after `p`: the next tile's part of the row being read (past
    /// the end of the row or of x is harmless, as above; for a packed tile it is the next k's
    /// row, already on its way).
    @inline(__always)
    static func nextTile(_ p: UnsafePointer<Float>) {
        nd_prefetch(UnsafeRawPointer(p + PointwiseTile.columns))
    }

    /// Hints, into the second-level cache, the line of x 32 floats after `p`: the same row's part
    /// two tiles ahead, for a tile packed from K rows far apart (`PointwiseTiles.packTile`). A
    /// 56x56 map's rows are 196 lines apart and fall on 16 of L1's 64 sets, so a tile's K = 256
    /// lines hinted one tile ahead into L1 evicted each other before the next tile's packing read
    /// them: it waited on x for 20 % of 256 -> 64 at 56x56 (`perf annotate`).
    @inline(__always)
    static func tileAfterNext(_ p: UnsafePointer<Float>) {
        nd_prefetch_l2(UnsafeRawPointer(p + 2 * PointwiseTile.columns))
    }

    /// Hints the line at `p` that a tile will store to (or add) once its sums are done.
    @inline(__always)
    static func output(_ p: UnsafePointer<Float>) {
        nd_prefetch(UnsafeRawPointer(p))
    }
}
