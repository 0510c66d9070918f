// The fast tally: one batch of activations against the label masks of its images.
//
// For every unit u and image i: if the raw map's maximum is <= T_u the mask is empty (bilinear
// values never exceed the map's maximum, see BilinearPlan) and nothing is added; otherwise the map
// is upsampled and thresholded into a bitset, and each label mask of the image costs one
// AND + popcount pass over the words. Units are split across cores; each worker owns whole rows
// of the tally arrays, so no locks and no merge. The plain per-pixel version of this is in the
// test target (BruteForceTally) and the two must agree as integers.
import Dispatch

/// Scratch and plans for tallying batches of one layer; reuse it across batches.
public final class TallyKernel: @unchecked Sendable {
    /// Units, height and width of the layer's activation maps.
    public let units: Int, height: Int, width: Int
    /// Union rule for `U_uc`.
    public let rule: UnionRule
    /// Number of workers.
    public let workers: Int
    private var plans: [Int: BilinearPlan] = [:]

    /// A kernel for a `(C, H, W)` layer.
    public init(units: Int, height: Int, width: Int, rule: UnionRule, workers: Int) {
        precondition(units >= 1 && height >= 1 && width >= 1 && workers >= 1, "TallyKernel: bad sizes")
        self.units = units
        self.height = height
        self.width = width
        self.rule = rule
        self.workers = workers
    }

    /// The plan to `sh x sw`, cached.
    func plan(_ sh: Int, _ sw: Int) -> BilinearPlan {
        let key = sh << 32 | sw
        if let p = plans[key] { return p }
        let p = BilinearPlan(sourceHeight: height, sourceWidth: width, targetHeight: sh, targetWidth: sw)
        plans[key] = p
        return p
    }

    /// Adds a batch to `tally`.
    /// - Parameters:
    ///   - activations: `(n, C, H, W)` float32, `n = masks.count`.
    ///   - masks: the label masks of each image, nil for an image left out (its row is ignored).
    ///   - thresholds: `T_u` per unit (`C` values).
    // activations (n, C, H, W), masks n, thresholds C -> tally += sums over the n images
    public func add(_ activations: UnsafeBufferPointer<Float>, masks: [LabelMasks?],
                    thresholds: [Float], to tally: inout LayerTally) {
        let n = masks.count, C = units, HW = height * width
        precondition(activations.count >= n * C * HW, "TallyKernel.add: \(activations.count) values for \(n) images")
        precondition(thresholds.count == C && tally.units == C, "TallyKernel.add: unit count")
        for m in masks { if let m { tally.addTruth(m) } }
        let present = masks.map { $0 != nil }
        guard present.contains(true) else { return }
        let imagePlans = masks.map { m in m.map { plan($0.height, $0.width) } }
        let maxWords = masks.map { $0?.wordCount ?? 0 }.max() ?? 0
        let maxScratch = imagePlans.map { $0?.scratchCount ?? 0 }.max() ?? 0

        let slots = tally.labelSlots, nCat = tally.categoryCount
        let rule = self.rule
        let chunks = Swift.min(workers, C)
        let act = SendableFloats(activations)
        tally.intersections.withUnsafeMutableBufferPointer { ib in
        tally.unions.withUnsafeMutableBufferPointer { ub in
        tally.activeArea.withUnsafeMutableBufferPointer { ab in
        let out = TallyHandle(intersections: ib.baseAddress!, unions: ub.baseAddress, activeArea: ab.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let uStart = chunk * C / chunks, uEnd = (chunk + 1) * C / chunks
            var scratch = [Float](repeating: 0, count: maxScratch)
            var mask = [UInt64](repeating: 0, count: maxWords)
            scratch.withUnsafeMutableBufferPointer { scratch in
            mask.withUnsafeMutableBufferPointer { mask in
                let s = scratch.baseAddress!, mk = mask.baseAddress!
                for i in 0..<n {
                    guard let m = masks[i], let plan = imagePlans[i] else { continue }
                    let wc = m.wordCount
                    for u in uStart..<uEnd {
                        let map = act.base + (i * C + u) * HW
                        let t = thresholds[u]
                        var peak = -Float.infinity
                        for k in 0..<HW { peak = Swift.max(peak, map[k]) }
                        guard peak > t else { continue }
                        let (area, span) = plan.thresholdMask(map, threshold: t, scratch: s, mask: mk)
                        guard area > 0 else { continue }
                        // Only words in `span` can hold mask bits.
                        let m0 = mk + span.lowerBound, n = span.count
                        out.activeArea[u] &+= UInt64(area)
                        let row = out.intersections + u * slots
                        m.words.withUnsafeBufferPointer { w in
                            for (k, id) in m.pixelLabels.enumerated() {
                                let hit = Bitset.intersectionCount(m0, w.baseAddress! + k * wc + span.lowerBound, n)
                                row[Int(id)] &+= UInt64(hit)
                            }
                        }
                        for id in m.imageLabels { row[Int(id)] &+= UInt64(area) }
                        guard let unionBase = out.unions else { continue }
                        let unionRow = unionBase + u * nCat
                        for c in 0..<nCat where m.present[c] {
                            switch rule {
                            case .original:
                                unionRow[c] &+= UInt64(area)
                            case .lite:
                                let touches = m.annotated[c].isEmpty
                                    ? true  // image-level category: the whole image is annotated
                                    : m.annotated[c].withUnsafeBufferPointer { Bitset.intersects(m0, $0.baseAddress! + span.lowerBound, n) }
                                if touches { unionRow[c] &+= UInt64(area) }
                            }
                        }
                    }
                }
            }}
        }
        }}}
    }
}

/// Raw pointers into a tally's arrays for workers that each write disjoint unit rows.
struct TallyHandle: @unchecked Sendable {
    let intersections: UnsafeMutablePointer<UInt64>
    let unions: UnsafeMutablePointer<UInt64>?
    let activeArea: UnsafeMutablePointer<UInt64>
}

/// A read-only float buffer shared by workers.
struct SendableFloats: @unchecked Sendable {
    let base: UnsafePointer<Float>
    init(_ buffer: UnsafeBufferPointer<Float>) { base = buffer.baseAddress! }
}
