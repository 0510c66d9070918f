// The dissection's bit kernels: the hot loops of a tally's pass 2, compiled once per instruction set.
//
// A tally (Dissection/Tally/TallyKernel) spends its time in four loops: the test whether a unit's
// map has a value above T_u, the unit mask (upsample, compare, bits: Dissection's UnitMasker), the
// AND + popcount of that mask with each label mask of the image, and the scan of a segmentation
// layer into label masks (Dissection's LabelMaskBuilder). Dissection is compiled for the x86-64
// baseline, so these loops live in Sources/Kernels (`FastMaskKernels`, one per variant) and
// Dissection calls them through this protocol, on the variant of `ISA.selected` (Runtime's
// `KernelProviders.masks`). Every call covers one unit-image or one segmentation layer, so the
// dynamic dispatch costs nothing next to the loop. The plain versions stay in Dissection as the
// specification (`BilinearPlan.thresholdMask`, `LabelMasks(plain:)`, the tests' BruteForceTally);
// DissectionTests run every variant the CPU executes against them, bit for bit.

/// The dissection's SIMD loops, as one kernel variant compiles them.
package protocol MaskKernels: Sendable {
    /// The instruction set this variant is compiled for.
    var isa: ISA { get }

    /// Whether some of `map[0..<count]` exceeds `threshold` (NaN never does).
    // map (count) -> any(map > threshold)
    func anyAbove(_ map: UnsafePointer<Float>, count: Int, threshold: Float) -> Bool

    /// Sets the bits of `upsample(map) > threshold` in `tables.mask` (which must be all zero),
    /// the floats bit-identical to Render's bilinear resampling (`clampedLerp`, rows then columns).
    /// - Returns: the pixel count and the range of words that may hold set bits (empty when none).
    // map (H, W) -> mask bits (sh * sw)
    func threshold(_ map: UnsafePointer<Float>, _ threshold: Float, _ tables: UnitMaskTables) -> (area: Int, words: Range<Int>)

    /// For every pixel label k of one image: adds `|mask ∩ label k|` (over `span` and the label's
    /// words) to `row[labels.slots[k]]`, and sets `touched[labels.categories[k]]` where it is non-zero.
    // mask (words), labels (count x wordCount words) -> row[slot] += hits, touched[category]
    func intersect(_ mask: UnsafePointer<UInt64>, span: Range<Int>, with labels: LabelMaskWords,
                   into row: UnsafeMutablePointer<UInt64>, touched: UnsafeMutablePointer<Bool>)

    /// ORs the scored labels of one segmentation layer (`pixels` label ids) into their masks in `slots`.
    // labels (pixels) -> slots' masks |= label bits
    func scan(_ labels: UnsafePointer<UInt32>, pixels: Int, into slots: inout LabelSlots)

    /// The number of set bits in `a[0..<n]`.
    func popcount(_ a: UnsafePointer<UInt64>, _ n: Int) -> Int
}

/// One `H x W -> sh x sw` bilinear plan's tables and one worker's mask scratch, as raw pointers
/// (owned by Dissection's UnitMasker, which copies the plan in once).
package struct UnitMaskTables: @unchecked Sendable {
    /// Source height and width, target height and width.
    package let sourceHeight: Int, sourceWidth: Int, targetHeight: Int, targetWidth: Int
    /// The mask: `wordCount(sh * sw) + 1` words (one spare for unaligned sixteen-bit stores), zero between calls.
    package let mask: UnsafeMutablePointer<UInt64>
    /// `H` rows of horizontally interpolated values, `stride` floats each (`sw` rounded up to
    /// sixteen, plus sixteen of slack).
    package let horizontal: UnsafeMutablePointer<Float>
    package let stride: Int
    /// Per source row: whether it holds a value above the threshold (this call).
    package let hot: UnsafeMutablePointer<Bool>
    /// Column and row taps (Render's `BilinearTaps`): lower and upper source index and upper weight
    /// (`colW` has sixteen readable floats past `sw`, for whole vectors at the right edge).
    package let colI0: UnsafePointer<Int>, colI1: UnsafePointer<Int>, colW: UnsafePointer<Float>
    /// Per target column: the end (exclusive) of its run of columns with the same two taps.
    package let colRunEnd: UnsafePointer<Int>
    package let rowI0: UnsafePointer<Int>, rowI1: UnsafePointer<Int>, rowW: UnsafePointer<Float>
    /// Per source column / row: the first and last target position that reads it.
    package let colFirst: UnsafePointer<Int>, colLast: UnsafePointer<Int>
    package let rowFirst: UnsafePointer<Int>, rowLast: UnsafePointer<Int>

    package init(sourceHeight: Int, sourceWidth: Int, targetHeight: Int, targetWidth: Int,
                 mask: UnsafeMutablePointer<UInt64>, horizontal: UnsafeMutablePointer<Float>, stride: Int,
                 hot: UnsafeMutablePointer<Bool>,
                 colI0: UnsafePointer<Int>, colI1: UnsafePointer<Int>, colW: UnsafePointer<Float>,
                 colRunEnd: UnsafePointer<Int>,
                 rowI0: UnsafePointer<Int>, rowI1: UnsafePointer<Int>, rowW: UnsafePointer<Float>,
                 colFirst: UnsafePointer<Int>, colLast: UnsafePointer<Int>,
                 rowFirst: UnsafePointer<Int>, rowLast: UnsafePointer<Int>) {
        precondition(stride >= (targetWidth + 15) / 16 * 16 + 16, "UnitMaskTables: stride \(stride) for width \(targetWidth)")
        self.sourceHeight = sourceHeight; self.sourceWidth = sourceWidth
        self.targetHeight = targetHeight; self.targetWidth = targetWidth
        self.mask = mask; self.horizontal = horizontal; self.stride = stride; self.hot = hot
        self.colI0 = colI0; self.colI1 = colI1; self.colW = colW; self.colRunEnd = colRunEnd
        self.rowI0 = rowI0; self.rowI1 = rowI1; self.rowW = rowW
        self.colFirst = colFirst; self.colLast = colLast
        self.rowFirst = rowFirst; self.rowLast = rowLast
    }
}

/// The pixel label masks of one image, as raw pointers (Dissection's `LabelMasks.view`).
package struct LabelMaskWords {
    /// Words per mask, and the number of masks.
    package let wordCount: Int, count: Int
    /// Mask k: `words[k * wordCount ..< (k + 1) * wordCount]`, set bits only in `spans[k]`.
    package let words: UnsafePointer<UInt64>, spans: UnsafePointer<Range<Int>>
    /// Per mask: its label's tally slot and primary category.
    package let slots: UnsafePointer<Int32>, categories: UnsafePointer<Int32>

    package init(wordCount: Int, count: Int, words: UnsafePointer<UInt64>, spans: UnsafePointer<Range<Int>>,
                 slots: UnsafePointer<Int32>, categories: UnsafePointer<Int32>) {
        self.wordCount = wordCount; self.count = count
        self.words = words; self.spans = spans
        self.slots = slots; self.categories = categories
    }
}
