// The fast mask builders (LabelMaskBuilder, LabelMaskBatch, UnitMasker) against the plain ones,
// on every variant of the bit kernels (`MaskKernels`) this CPU executes; exact equality.
import DissectionTestSupport
import Runtime
import TestSupport
import Testing
@testable import Dissection

@Suite struct MaskBuilderTests {
    /// Region-like annotations (rectangles of one label, as in Broden) of the given sizes.
    static func blobAnnotations(seed: UInt64, catalog: ConceptCatalog, sizes: [(Int, Int)]) -> [ImageAnnotation] {
        var g = SeededGenerator(seed: seed)
        let maxID = catalog.maxLabelID
        return sizes.map { (sh, sw) in
            var layers: [PixelLayer] = []
            for c in 0..<3 where Int.random(in: 0..<4, using: &g) != 0 {
                var map = [UInt32](repeating: 0, count: sh * sw)
                for _ in 0..<Int.random(in: 1...6, using: &g) {
                    let y = Int.random(in: 0..<sh, using: &g), x = Int.random(in: 0..<sw, using: &g)
                    let h = Int.random(in: 1...max(1, sh / 2), using: &g), w = Int.random(in: 1...max(1, sw / 2), using: &g)
                    // Mostly catalog ids, sometimes unknown ones.
                    let id = UInt32(Int.random(in: 0..<8, using: &g) == 0 ? maxID + 3
                                    : catalog.labels[Int.random(in: 0..<catalog.labels.count, using: &g)].id)
                    for yy in y..<min(sh, y + h) { for xx in x..<min(sw, x + w) { map[yy * sw + xx] = id } }
                }
                layers.append(PixelLayer(category: c, labels: map))
            }
            var imageLabels: [ImageLevelLabels] = []
            for c in 3..<5 where Int.random(in: 0..<2, using: &g) == 0 {
                imageLabels.append(ImageLevelLabels(category: c, ids: [Int.random(in: 0...maxID + 2, using: &g)]))
            }
            return ImageAnnotation(height: sh, width: sw, pixelLayers: layers, imageLabels: imageLabels)
        }
    }

    @Test(arguments: ISA.supported) func builderEqualsPlainConstruction(isa: ISA) {
        withEvery("seed", in: 0..<12) { seed in
            let r = RandomProbe(seed: 500 + UInt64(seed), N: 12, sizes: [(7, 9), (6, 6), (8, 5), (1, 70), (65, 1)])
            let blobs = Self.blobAnnotations(seed: UInt64(seed), catalog: r.catalog,
                                             sizes: [(112, 112), (113, 113), (7, 9), (112, 112), (1, 130), (16, 4)])
            // One builder and one value reused across images of every size, in both orders.
            let all = r.annotations.compactMap { $0 } + blobs
            let builder = LabelMaskBuilder(catalog: r.catalog, kernels: KernelProviders.masks(isa))
            var reused = LabelMasks()
            for a in all + all.reversed() {
                builder.build(a, into: &reused)
                let plain = LabelMasks(plain: a, catalog: r.catalog)
                #expect(reused == plain, "\(isa) \(a.height)x\(a.width)")
                #expect(LabelMasks(a, catalog: r.catalog) == plain)
            }
        }
    }

    @Test func batchEqualsPlainConstructionAcrossBatches() {
        let r = RandomProbe(seed: 42, N: 20)
        let blobs = Self.blobAnnotations(seed: 9, catalog: r.catalog, sizes: [(112, 112), (40, 30), (113, 113)])
        let annotations: [ImageAnnotation?] = r.annotations + blobs.map { $0 }
        let batch = LabelMaskBatch(catalog: r.catalog, workers: 3)
        for size in [7, 2, 11, 1, 23] {
            for start in stride(from: 0, to: annotations.count, by: size) {
                let part = Array(annotations[start..<min(annotations.count, start + size)])
                let masks = batch.build(part)
                #expect(masks.count == part.count)
                for (m, a) in zip(masks, part) {
                    #expect(m == a.map { LabelMasks(plain: $0, catalog: r.catalog) })
                }
            }
        }
    }

    /// Thresholds `map` with `masker` and expects its bits to be `up[p] > t` (`up`: the plan's
    /// upsampled map), every set bit inside the returned word span and the area their count.
    func expectMask(_ masker: UnitMasker, of map: [Float], above t: Float, equals up: [Float],
                    _ what: String) -> (area: Int, span: Range<Int>) {
        let (area, span) = map.withUnsafeBufferPointer { masker.threshold($0.baseAddress!, t) }
        var count = 0, mismatches = 0
        for p in 0..<up.count {
            let bit = Bitset.test(masker.mask, p)
            if bit != (up[p] > t) { mismatches += 1 }
            if bit { count += 1; #expect(span.contains(p >> 6)) }
        }
        #expect(mismatches == 0, "\(what)")
        #expect(area == count, "\(what)")
        return (area, span)
    }

    /// Thresholds are taken from the upsampled values themselves, so a variant whose floats differ
    /// by one ulp from `upsample`'s (a fused multiply-add, say) fails.
    @Test(arguments: ISA.supported) func unitMaskerEqualsUpsampleThenCompare(isa: ISA) {
        let kernels = KernelProviders.masks(isa)
        #expect(kernels.isa == isa)
        let shapes = [(7, 7, 112, 112), (3, 5, 13, 17), (1, 4, 9, 2), (7, 7, 113, 113), (1, 1, 1, 70),
                      (14, 14, 112, 112), (7, 7, 16, 16), (2, 2, 1, 1)]
        for (H, W, sh, sw) in shapes {
            let plan = BilinearPlan(sourceHeight: H, sourceWidth: W, targetHeight: sh, targetWidth: sw)
            let masker = UnitMasker(plan: plan, kernels: kernels)  // reused across maps: its mask must come back to zero
            withEvery("seed", in: 0..<40) { seed in
                var g = SeededGenerator(seed: UInt64(seed * 131 + H * 7 + sh))
                // Rectified maps, and wide-ranging ones (where a one-ulp difference of a lerp changes a bit).
                let map = g.normals(H * W).map { seed % 2 == 0 ? max(0, $0) : $0 * 1000 + 3 }
                let up = plan.upsample(map)
                let pick = up[Int.random(in: 0..<up.count, using: &g)]
                // Thresholds: a random upsampled value and one ulp below it, the map's maximum, -inf,
                // and one ulp below the largest upsampled value (only the peak pixels pass: a kernel
                // that bounds values to skip work must be exact there).
                let t = [pick, pick.nextDown, map.max()!, -Float.infinity, up.max()!.nextDown][seed % 5]
                let (area, span) = expectMask(masker, of: map, above: t, equals: up, "\(isa) \(H)x\(W) -> \(sh)x\(sw) t \(t)")
                // The plain threshold mask sets the same words.
                var scratch = [Float](repeating: .nan, count: plan.scratchCount)
                var plain = [UInt64](repeating: ~0, count: masker.wordCount)
                let plainArea = map.withUnsafeBufferPointer { m in
                    plan.thresholdMask(m.baseAddress!, threshold: t, scratch: &scratch, mask: &plain).area
                }
                #expect(plainArea == area && (0..<masker.wordCount).allSatisfy { plain[$0] == masker.mask[$0] })
                masker.clear(span)
                #expect((0...masker.wordCount).allSatisfy { masker.mask[$0] == 0 })
            }
        }
    }

    /// Maps holding NaN and infinities: a pixel whose interpolation meets one is set exactly
    /// when `upsample` then `>` sets it (NaN never; +inf where it weighs in; inf * 0 is NaN).
    @Test(arguments: ISA.supported) func unitMaskerEqualsUpsampleThenCompareWithNonFiniteValues(isa: ISA) {
        let kernels = KernelProviders.masks(isa)
        for (H, W, sh, sw) in [(7, 7, 112, 112), (3, 5, 13, 17), (2, 2, 40, 40)] {
            let plan = BilinearPlan(sourceHeight: H, sourceWidth: W, targetHeight: sh, targetWidth: sw)
            let masker = UnitMasker(plan: plan, kernels: kernels)
            withEvery("seed", in: 0..<60) { seed in
                var g = SeededGenerator(seed: UInt64(seed * 31 + H))
                var map = g.normals(H * W).map { $0 * 10 }
                for _ in 0...(seed % 3) {
                    map[Int.random(in: 0..<map.count, using: &g)] = [Float.nan, .infinity, -.infinity][Int.random(in: 0..<3, using: &g)]
                }
                let up = plan.upsample(map)
                let finite = up.filter(\.isFinite)
                let pick = finite.isEmpty ? 0 : finite[Int.random(in: 0..<finite.count, using: &g)]
                let t = [pick, pick.nextDown, 0, -Float.infinity, Float.greatestFiniteMagnitude][seed % 5]
                let (_, span) = expectMask(masker, of: map, above: t, equals: up, "\(isa) \(H)x\(W) -> \(sh)x\(sw) t \(t) seed \(seed)")
                masker.clear(span)
            }
        }
    }

    @Test(arguments: ISA.supported) func fastTallyWithBatchBuilderEqualsBruteForce(isa: ISA) {
        for rule in UnionRule.allCases {
            withEvery("seed", in: 0..<4) { seed in
                let r = RandomProbe(seed: 700 + UInt64(seed), N: 14)
                let thresholds = [Float](repeating: 0.4, count: r.C)
                let expected = BruteForce.tally(r.activations, N: r.N, C: r.C, H: r.H, W: r.W,
                                                annotations: r.annotations, thresholds: thresholds,
                                                catalog: r.catalog, rule: rule)
                let kernel = TallyKernel(units: r.C, height: r.H, width: r.W, rule: rule, workers: 2,
                                         kernels: KernelProviders.masks(isa))
                let batch = LabelMaskBatch(catalog: r.catalog, workers: 2)
                var t = LayerTally(units: r.C, catalog: r.catalog)
                let per = r.C * r.H * r.W
                for start in stride(from: 0, to: r.N, by: 5) {
                    let end = min(r.N, start + 5)
                    let masks = batch.build(Array(r.annotations[start..<end]))
                    r.activations[(start * per)..<(end * per)].withUnsafeBufferPointer {
                        kernel.add($0, masks: masks, thresholds: thresholds, to: &t)
                    }
                }
                #expect(t == expected, "\(isa) rule \(rule)")
            }
        }
    }
}
