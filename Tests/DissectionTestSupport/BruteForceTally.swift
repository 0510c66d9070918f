// The plain reference: docs/method.md (thresholds, unit masks, tally) as per-pixel loops, no
// bitsets, no shortcuts. The fast engine must produce the same integers. Keep this file obviously
// correct, not fast.
import Dissection

public enum BruteForce {
    /// `numpy.quantile(values, 1 - q)` by sorting every value.
    public static func threshold(_ values: [Float], q: Double) -> Float {
        let sorted = values.filter { !$0.isNaN }.sorted()
        guard !sorted.isEmpty else { return .infinity }
        let h = Double(sorted.count - 1) * (1 - q)
        if h >= Double(sorted.count - 1) { return sorted[sorted.count - 1] }
        let lo = Int(h.rounded(.down))
        let gamma = h - Double(lo)
        let a = sorted[lo], b = sorted[lo + 1], diff = b - a
        return gamma >= 0.5 ? b - diff * Float(1 - gamma) : a + diff * Float(gamma)
    }

    /// Every unit's threshold over the usable images of `probe` (those with an annotation), each by
    /// sorting all of the unit's values.
    public static func thresholds(_ probe: RandomProbe, q: Double) -> [Float] {
        let hw = probe.H * probe.W
        return (0..<probe.C).map { u in
            var values: [Float] = []
            for i in 0..<probe.N where probe.annotations[i] != nil {
                let start: Int = (i * probe.C + u) * hw
                values.append(contentsOf: probe.activations[start..<(start + hw)])
            }
            return threshold(values, q: q)
        }
    }

    /// `a * (1 - w) + b * w`, clamped to the closed range of `a` and `b` (docs/method.md#unit-masks).
    static func lerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
        let v = a * (1 - w) + b * w
        let lo = min(a, b), hi = max(a, b)
        return v < lo ? lo : (v > hi ? hi : v)
    }

    /// The upsampled value of `map` (H x W) at target pixel (y, x) of an sh x sw grid.
    public static func upsampled(_ map: [Float], H: Int, W: Int, sh: Int, sw: Int, y: Int, x: Int) -> Float {
        func source(_ t: Int, _ s: Int, _ T: Int) -> (Int, Int, Float) {
            var c = (Double(t) + 0.5) * Double(s) / Double(T) - 0.5
            c = min(max(c, 0), Double(s - 1))
            let i0 = Int(c.rounded(.down))
            return (i0, min(i0 + 1, s - 1), Float(c - Double(i0)))
        }
        let (x0, x1, fx) = source(x, W, sw)
        let (y0, y1, fy) = source(y, H, sh)
        let top = lerp(map[y0 * W + x0], map[y0 * W + x1], fx)
        let bottom = lerp(map[y1 * W + x0], map[y1 * W + x1], fx)
        return lerp(top, bottom, fy)
    }

    /// Does pixel p of image `a` carry label l (in any layer, or as an image-level label)?
    public static func carries(_ a: ImageAnnotation, label l: Int, pixel p: Int, catalog: ConceptCatalog) -> Bool {
        let n = catalog.categories.count
        for g in a.imageLabels where g.category < n && g.ids.contains(l) { return true }
        for layer in a.pixelLayers where layer.category < n && Int(layer.labels[p]) == l { return true }
        return false
    }

    /// The tally of docs/method.md#tally: activations (N, C, H, W); nil annotation = image left out.
    public static func tally(_ activations: [Float], N: Int, C: Int, H: Int, W: Int,
                      annotations: [ImageAnnotation?], thresholds: [Float],
                      catalog: ConceptCatalog, rule: UnionRule) -> LayerTally {
        var t = LayerTally(units: C, catalog: catalog)
        for i in 0..<N {
            guard let a = annotations[i] else { continue }
            t.images += 1
            let pixels = a.height * a.width
            for (k, label) in catalog.labels.enumerated() {
                for p in 0..<pixels where carries(a, label: label.id, pixel: p, catalog: catalog) {
                    t.truth[k] += 1
                }
            }
            // present_c(i): the image carries a label whose primary category is c, in any layer.
            var present = [Bool](repeating: false, count: catalog.categories.count)
            for label in catalog.labels where (0..<pixels).contains(where: { carries(a, label: label.id, pixel: $0, catalog: catalog) }) {
                present[label.category] = true
            }
            for u in 0..<C {
                let start: Int = (i * C + u) * H * W
                let map = Array(activations[start..<(start + H * W)])
                var mask = [Bool](repeating: false, count: pixels)
                for y in 0..<a.height {
                    for x in 0..<a.width {
                        mask[y * a.width + x] = upsampled(map, H: H, W: W, sh: a.height, sw: a.width, y: y, x: x) > thresholds[u]
                    }
                }
                let area = mask.filter { $0 }.count
                t.activeArea[u] += UInt64(area)
                for (k, label) in catalog.labels.enumerated() {
                    var hit = 0
                    for p in 0..<pixels where mask[p] && carries(a, label: label.id, pixel: p, catalog: catalog) { hit += 1 }
                    t.intersections[u * t.labelSlots + k] += UInt64(hit)
                }
                for c in 0..<catalog.categories.count where present[c] {
                    var counts = true
                    if rule == .lite {
                        // The mask touches some label whose primary category is c.
                        counts = catalog.labels.contains { label in
                            label.category == c && (0..<pixels).contains { p in
                                mask[p] && carries(a, label: label.id, pixel: p, catalog: catalog)
                            }
                        }
                    }
                    if counts { t.unions[u * t.categoryCount + c] += UInt64(area) }
                }
            }
        }
        return t
    }
}
