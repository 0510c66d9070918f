// The fast tally: one batch of activations against the label masks of its images.
//
// For every unit u and image i: if no raw value of the map exceeds T_u the mask is empty
// (bilinear values never exceed the map's maximum, see BilinearPlan) and nothing is added; this
// test runs sixteen values at a time and rejects about four pairs in five at the top-0.5 %
// quantile (a batch read back from the activation cache holds only the maps pass 1 could not rule
// out, `MapTable`: the others are passed over as maps that fail the test). Otherwise the map is
// upsampled and thresholded into a bitset (UnitMasker, over the box that can pass), and each
// label mask of the image costs one AND + popcount pass over the words both masks can occupy.
// The union `U_uc` is charged through the labels' primary categories (`LabelMasks.present`); the
// lite rule also needs the categories the mask touches, which fall out of the same intersections.
// Units are split into a few chunks per core, handed out as workers free up; a chunk owns whole
// rows of the tally arrays, so no locks and no merge, and keeps its maskers (plan tables and mask
// words) from batch to batch, so nothing is allocated per image. The plain per-pixel version of
// this is in the test target (BruteForceTally) and the two must agree as integers.
//
// The loops over pixels and words are bit kernels (`MaskKernels`, KernelSupport/Masks, compiled
// per instruction set in Sources/Kernels): per unit and image one call tests the map, one makes
// the mask (through UnitMasker) and one intersects it with every label mask of the image.
import Dispatch
import Runtime

/// Scratch and plans for tallying batches of one layer; reuse it across batches.
public final class TallyKernel: @unchecked Sendable {
    /// Units, height and width of the layer's activation maps.
    public let units: Int, height: Int, width: Int
    /// Union rule for `U_uc`.
    public let rule: UnionRule
    /// Number of workers.
    public let workers: Int
    /// The kernel variant of the inner loops.
    let kernels: any MaskKernels
    /// Per chunk of units (`chunksPerWorker` per worker): its maskers, one per segmentation shape
    /// (touched only by the worker running that chunk).
    private let scratch: [WorkerScratch]

    /// A kernel for a `(C, H, W)` layer, on the bit kernels of `ISA.selected`.
    public convenience init(units: Int, height: Int, width: Int, rule: UnionRule, workers: Int) {
        self.init(units: units, height: height, width: width, rule: rule, workers: workers,
                  kernels: KernelProviders.selectedMasks)
    }

    /// A kernel for a `(C, H, W)` layer whose inner loops `kernels` runs.
    init(units: Int, height: Int, width: Int, rule: UnionRule, workers: Int, kernels: any MaskKernels) {
        precondition(units >= 1 && height >= 1 && width >= 1 && workers >= 1, "TallyKernel: bad sizes")
        self.units = units
        self.height = height
        self.width = width
        self.rule = rule
        self.workers = workers
        self.kernels = kernels
        scratch = (0..<(workers * Self.chunksPerWorker)).map { _ in WorkerScratch(kernels: kernels) }
    }

    /// Chunks of units per worker in `add`.
    static let chunksPerWorker = 4

    /// Adds a batch to `tally`.
    /// - Parameters:
    ///   - activations: `(n, C, H, W)` float32, `n = masks.count`.
    ///   - masks: the label masks of each image, nil for an image left out (its row is ignored).
    ///   - thresholds: `T_u` per unit (`C` values).
    // activations (n, C, H, W), masks n, thresholds C -> tally += sums over the n images
    public func add(_ activations: UnsafeBufferPointer<Float>, masks: [LabelMasks?],
                    thresholds: [Float], to tally: inout LayerTally) {
        add(activations, maps: nil, masks: masks, thresholds: thresholds, to: &tally)
    }

    /// `add` for a batch whose maps lie where `maps` says (read back from the activation cache),
    /// or image-major when nil; a map the table does not have never passes its threshold.
    // activations (maps.count, H, W) or (n, C, H, W), masks n, thresholds C -> tally += sums over the n images
    func add(_ activations: UnsafeBufferPointer<Float>, maps: MapTable?, masks: [LabelMasks?],
             thresholds: [Float], to tally: inout LayerTally) {
        let n = masks.count, C = units, HW = height * width
        precondition(activations.count >= (maps?.count ?? n * C) * HW, "TallyKernel.add: \(activations.count) values for \(n) images")
        precondition(maps.map { $0.images == n && $0.units == C } ?? true, "TallyKernel.add: map table of another batch")
        precondition(thresholds.count == C && tally.units == C, "TallyKernel.add: unit count")
        for m in masks { if let m { tally.addTruth(m) } }
        guard masks.contains(where: { $0 != nil }) else { return }

        let slots = tally.labelSlots, nCat = tally.categoryCount
        let rule = self.rule, H = height, W = width, kernels = self.kernels
        // Several chunks per worker, handed out as workers free up: units differ in how often
        // their maps pass the threshold, and one worker left with the busy half idled the other.
        let chunks = Swift.min(scratch.count, C)
        let act = SendableFloats(activations)
        let numbers = maps?.numbers ?? []
        numbers.withUnsafeBufferPointer { numbers in
        let table = numbers.isEmpty ? nil : SendableNumbers(base: numbers.baseAddress!)
        thresholds.withUnsafeBufferPointer { thresholds in
        tally.intersections.withUnsafeMutableBufferPointer { ib in
        tally.unions.withUnsafeMutableBufferPointer { ub in
        tally.activeArea.withUnsafeMutableBufferPointer { ab in
        let out = TallyHandle(intersections: ib.baseAddress!, unions: ub.baseAddress, activeArea: ab.baseAddress!,
                              thresholds: thresholds.baseAddress!)
        Parallelism(threads: workers).forEach(chunks) { chunk, _ in
            let uStart = chunk * C / chunks, uEnd = (chunk + 1) * C / chunks
            let worker = scratch[chunk]
            let touched = worker.touched(categories: nCat)
            for i in 0..<n {
                guard let m = masks[i] else { continue }
                let masker = worker.masker(sourceHeight: H, sourceWidth: W, targetHeight: m.height, targetWidth: m.width)
                m.view { image in
                    let labelWords = LabelMaskWords(wordCount: image.wordCount, count: image.labelCount, words: image.words,
                                                    spans: image.wordSpans, slots: image.slots, categories: image.categories)
                    for u in uStart..<uEnd {
                        // The map's number in the buffer: its place, or the table's (-1: not stored).
                        var number = i * C + u
                        if let table {
                            number = Int(table.base[number])
                            if number < 0 { continue }
                        }
                        let map = act.base + number * HW
                        let t = out.thresholds[u]
                        guard kernels.anyAbove(map, count: HW, threshold: t) else { continue }
                        let (area, span) = masker.threshold(map, t)
                        guard area > 0 else { continue }
                        out.activeArea[u] &+= UInt64(area)
                        let row = out.intersections + u * slots
                        // lite: categories the mask touches, through the labels' primary categories;
                        // an image-level label covers the whole image, so every mask touches it.
                        if rule == .lite { touched.update(from: image.wholeImage, count: nCat) }
                        kernels.intersect(masker.mask, span: span, with: labelWords, into: row, touched: touched)
                        for k in 0..<image.imageLabelCount { row[Int(image.imageSlots[k])] &+= UInt64(area) }
                        if let unionBase = out.unions {
                            let unionRow = unionBase + u * nCat
                            for c in 0..<nCat where image.present[c] && (rule == .original || touched[c]) {
                                unionRow[c] &+= UInt64(area)
                            }
                        }
                        masker.clear(span)
                    }
                }
            }
        }
        }}}}}
    }
}

/// One worker's maskers, by segmentation shape, and its per-category flags.
final class WorkerScratch: @unchecked Sendable {
    private let kernels: any MaskKernels
    private var maskers: [Int: UnitMasker] = [:]
    private var flags: UnsafeMutablePointer<Bool>?
    private var flagCount = 0

    init(kernels: any MaskKernels) { self.kernels = kernels }

    deinit { flags?.deallocate() }

    /// `categories` flags for the lite rule's "the mask touches a label of category c".
    func touched(categories: Int) -> UnsafeMutablePointer<Bool> {
        if let flags, flagCount >= categories { return flags }
        flags?.deallocate()
        let grown = UnsafeMutablePointer<Bool>.allocate(capacity: Swift.max(categories, 1))
        grown.initialize(repeating: false, count: Swift.max(categories, 1))
        flags = grown
        flagCount = Swift.max(categories, 1)
        return grown
    }

    /// The masker for `H x W -> sh x sw`, made on first use.
    func masker(sourceHeight: Int, sourceWidth: Int, targetHeight: Int, targetWidth: Int) -> UnitMasker {
        let key = targetHeight << 32 | targetWidth
        if let m = maskers[key] { return m }
        let m = UnitMasker(plan: BilinearPlan(sourceHeight: sourceHeight, sourceWidth: sourceWidth,
                                              targetHeight: targetHeight, targetWidth: targetWidth),
                           kernels: kernels)
        maskers[key] = m
        return m
    }
}

/// Raw pointers into a tally's arrays for workers that each write disjoint unit rows.
struct TallyHandle: @unchecked Sendable {
    let intersections: UnsafeMutablePointer<UInt64>
    let unions: UnsafeMutablePointer<UInt64>?
    let activeArea: UnsafeMutablePointer<UInt64>
    let thresholds: UnsafePointer<Float>
}

/// A batch's map numbers (`MapTable.numbers`) shared by workers.
struct SendableNumbers: @unchecked Sendable { let base: UnsafePointer<Int32> }

/// A read-only float buffer shared by workers.
struct SendableFloats: @unchecked Sendable {
    let base: UnsafePointer<Float>
    init(_ buffer: UnsafeBufferPointer<Float>) { base = buffer.baseAddress! }
}
