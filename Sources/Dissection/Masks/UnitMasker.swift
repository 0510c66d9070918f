// The fast unit mask: the bits of `upsample(map) > T_u`, over the box of pixels that can pass.
//
// The plain versions are `BilinearPlan.upsample` followed by a compare, and
// `BilinearPlan.thresholdMask`; this one gives the same bits (MaskBuilderTests check every kernel
// variant against both). The loop itself is a bit kernel (`MaskKernels.threshold`, in
// Sources/Kernels/UnitMaskThreshold.swift, compiled per instruction set): it computes only the box
// of target pixels that read a source value above T_u, interpolates the source rows the box needs
// once, and compares sixteen pixels per step, ORing the bits straight into the mask words. This
// class owns what the kernel reads and writes: the plan's tables copied into raw buffers once,
// the horizontal rows and the mask.
//
// The mask words stay zero between calls: the caller clears the returned word range when done
// with it (`clear(_:)`), which touches only the words that can hold bits. One masker per worker
// and segmentation shape.
import Render
import Runtime

/// Thresholds upsampled maps of one `H x W -> sh x sw` plan into bitsets; scratch for one worker.
final class UnitMasker {
    /// The plan the masks follow.
    let plan: BilinearPlan
    /// Words of one mask (`sh * sw` bits).
    let wordCount: Int
    /// The mask: `wordCount + 1` words (one spare for unaligned sixteen-bit stores), zero between calls.
    var mask: UnsafeMutablePointer<UInt64> { tables.mask }
    /// The kernel variant that computes the masks.
    let kernels: any MaskKernels
    /// The plan's tables and the scratch, in buffers this masker owns.
    private let tables: UnitMaskTables

    /// A masker for `plan` on `kernels` (by default the variant of `ISA.selected`).
    init(plan: BilinearPlan, kernels: any MaskKernels = KernelProviders.selectedMasks) {
        self.plan = plan
        self.kernels = kernels
        let H = plan.sourceHeight, sh = plan.targetHeight, sw = plan.targetWidth
        wordCount = Bitset.wordCount(pixels: sh * sw)
        // Row stride of the horizontal buffer: `sw` rounded up, plus one vector of slack.
        let stride = (sw + 15) / 16 * 16 + 16
        func zeros<T>(_ count: Int, _ zero: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: count)
            p.initialize(repeating: zero, count: count)
            return p
        }
        func copy<T>(_ a: [T]) -> UnsafePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, a.count))
            p.initialize(from: a, count: a.count)
            return UnsafePointer(p)
        }
        // The column weights with sixteen zeros after them (the kernel reads whole vectors), and
        // where each column's run of equal taps ends.
        let columns = plan.columns
        var runEnd = [Int](repeating: sw, count: sw)
        for x in Swift.stride(from: sw - 2, through: 0, by: -1) {
            let same = columns.lower[x] == columns.lower[x + 1] && columns.upper[x] == columns.upper[x + 1]
            runEnd[x] = same ? runEnd[x + 1] : x + 1
        }
        tables = UnitMaskTables(
            sourceHeight: H, sourceWidth: plan.sourceWidth, targetHeight: sh, targetWidth: sw,
            mask: zeros(wordCount + 1, 0), horizontal: zeros(H * stride, 0), stride: stride, hot: zeros(H, false),
            colI0: copy(columns.lower), colI1: copy(columns.upper), colW: copy(columns.weight + [Float](repeating: 0, count: 16)),
            colRunEnd: copy(runEnd),
            rowI0: copy(plan.rows.lower), rowI1: copy(plan.rows.upper), rowW: copy(plan.rows.weight),
            colFirst: copy(columns.firstReader), colLast: copy(columns.lastReader),
            rowFirst: copy(plan.rows.firstReader), rowLast: copy(plan.rows.lastReader))
    }

    deinit {
        let t = tables
        for p in [t.colI0, t.colI1, t.colRunEnd, t.rowI0, t.rowI1, t.colFirst, t.colLast, t.rowFirst, t.rowLast] { p.deallocate() }
        t.colW.deallocate(); t.rowW.deallocate()
        t.mask.deallocate(); t.horizontal.deallocate(); t.hot.deallocate()
    }

    /// Sets the bits of `upsample(map) > threshold` in `mask` (which must be all zero).
    /// - Returns: the pixel count and the range of words that may hold set bits (empty when none).
    // map (H, W) -> mask bits (sh * sw)
    func threshold(_ map: UnsafePointer<Float>, _ threshold: Float) -> (area: Int, words: Range<Int>) {
        kernels.threshold(map, threshold, tables)
    }

    /// Zeroes `words` of the mask (the range `threshold` returned).
    func clear(_ words: Range<Int>) {
        guard !words.isEmpty else { return }
        (mask + words.lowerBound).update(repeating: 0, count: words.count)
    }
}
