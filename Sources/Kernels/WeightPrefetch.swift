// Prefetching the packed weights a register tile streams. A late layer's weights are megabytes
// (ResNet-50's 2048 -> 512 at 7x7: 4 MB) read once per image, and in a network they come from
// memory each time: the previous image's pass through the other layers has evicted them. The
// hardware prefetcher follows the panel's sequential reads but not far enough ahead to hide that
// latency, while the tile re-reads a panel from cache for each block of columns and then starts
// the next one cold. A prefetch hint a fixed distance ahead of the read position keeps the lines
// coming. In ResNet-50 at batch 1 on one AMD EPYC core the 2048 -> 512 1x1 layer ran 1.19 ->
// 1.10 ms with it (onnxruntime 0.98; alone, its weights in cache, 0.95), the 512x7x7 3x3 layers
// on F(2x2) 15 % faster (benchmarks/README.md, "Weight prefetch"). Not in the channel-lanes
// tile: no gain this host could show there.
import CPrefetch

enum WeightPrefetch {
    /// How far ahead of the read position the hint points, in bytes: about 300 cycles of a
    /// pointwise tile's reads (24 bytes per k), near one memory latency.
    static let distance = 1024

    /// Hints the line `distance` bytes after `p` (past the end of the weights is harmless: a
    /// prefetch never faults).
    @inline(__always)
    static func ahead(_ p: UnsafePointer<Float>) {
        nd_prefetch(UnsafeRawPointer(p) + distance)
    }
}
