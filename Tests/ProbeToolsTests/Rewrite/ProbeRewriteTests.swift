// Resize and subset checked against their definitions on a synthetic probe: images bilinear,
// segmentations nearest, coverages recounted from what was written; a subset's rows, columns and
// counts.
import Dissection
import Foundation
import Render
import TestSupport
import Testing
@testable import ProbeTools

@Suite struct ProbeRewriteTests {
    /// A synthetic probe of 8 images of 32 pixels (segmentations 16).
    func synthetic() throws -> String {
        let dir = try makeTemporaryDirectory("nd-rewrite") + "/probe"
        var options = SynthOptions()
        options.images = 8
        options.size = 32
        options.workers = 2
        _ = try SyntheticBroden.generate(to: dir, options: options)
        return dir
    }

    /// Per category: label id -> (images, coverage), recounted from the decoded probe.
    func recount(_ dir: String) throws -> [[Int: (Int, Double)]] {
        let dataset = try ProbeDataset.open(directory: dir)
        var out = Array(repeating: [Int: (Int, Double)](), count: dataset.categories.count)
        for record in dataset.records {
            let sample = try dataset.sample(record)
            let area = Double(record.segmentationPixels)
            for c in dataset.categories.indices {
                var pixels: [Int: Int] = [:]
                for p in 0..<record.segmentationPixels {
                    var seen = Set<UInt32>()
                    for map in sample.layers[c] where map.labels[p] != 0 && seen.insert(map.labels[p]).inserted {
                        pixels[Int(map.labels[p]), default: 0] += 1
                    }
                }
                for id in sample.imageLabels[c] { pixels[id] = record.segmentationPixels }
                for (id, n) in pixels {
                    let old = out[c][id] ?? (0, 0)
                    out[c][id] = (old.0 + 1, old.1 + Double(n) / area)
                }
            }
        }
        return out
    }

    /// The tables' frequency and coverage per category and label.
    func listed(_ dir: String) throws -> [[Int: (Int, Double)]] {
        let dataset = try ProbeDataset.open(directory: dir)
        var out = Array(repeating: [Int: (Int, Double)](), count: dataset.categories.count)
        for label in dataset.labels {
            for entry in label.categories { out[entry.category][label.id] = (entry.frequency, entry.coverage) }
        }
        return out
    }

    func expectTablesMatch(_ dir: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (a, b) = (try recount(dir), try listed(dir))
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        var compared = 0
        for c in a.indices {
            #expect(Set(a[c].keys) == Set(b[c].keys), "category \(c)", sourceLocation: sourceLocation)
            for (id, (n, cover)) in a[c] {
                guard let listed = b[c][id] else { continue }
                #expect(listed.0 == n && abs(listed.1 - cover) < 1e-4, "category \(c) label \(id)", sourceLocation: sourceLocation)
                compared += 1
            }
        }
        #expect(compared > 10, sourceLocation: sourceLocation)
    }

    @Test func resizeFollowsItsDefinition() throws {
        let src = try synthetic()
        let out = (src as NSString).deletingLastPathComponent + "/small"
        let summary = try ProbeRewrite.resize(src, size: 20, out: out, workers: 2)
        #expect(summary.written == 8 && summary.leftOut == 0)
        _ = try expectCleanCheck(out)
        let (before, after) = (try ProbeDataset.open(directory: src), try ProbeDataset.open(directory: out))
        #expect(after.categories.map(\.name) == before.categories.map(\.name))
        var layers = 0
        for (r0, r1) in zip(before.records, after.records) {
            #expect(r1.image == r0.image && r1.split == r0.split)
            let sizes: [Int] = [r1.imageHeight, r1.imageWidth, r1.segmentationHeight, r1.segmentationWidth]
            #expect(sizes == [20, 20, 10, 10])
            let (s0, s1) = (try before.sample(r0), try after.sample(r1))
            // Images: bilinear, then JPEG of quality 90, exactly.
            let expected = try JPEG.decode(try JPEG.encode(s0.image.resizedBilinear(width: 20, height: 20), quality: 90))
            #expect(s1.image == expected)
            // Segmentations: nearest, exactly: target (x, y) reads source ((2x+1)16/20, (2y+1)16/20) / 2.
            for c in before.categories.indices {
                #expect(s1.imageLabels[c] == s0.imageLabels[c])
                for (m0, m1) in zip(s0.layers[c], s1.layers[c]) {
                    layers += 1
                    for y in 0..<10 {
                        for x in 0..<10 {
                            let sx = (2 * x + 1) * 16 / 20, sy = (2 * y + 1) * 16 / 20
                            #expect(m1.labels[y * 10 + x] == m0.labels[sy * 16 + sx])
                        }
                    }
                }
            }
        }
        #expect(layers >= 8)
        try expectTablesMatch(out)
    }

    @Test func subsetByLimitAndByCategory() throws {
        let src = try synthetic()
        let base = (src as NSString).deletingLastPathComponent
        let first = try ProbeRewrite.subset(src, limit: 3, categories: nil, out: base + "/first", workers: 2)
        #expect(first.written == 3)
        _ = try expectCleanCheck(base + "/first")
        let (all, three) = (try ProbeDataset.open(directory: src), try ProbeDataset.open(directory: base + "/first"))
        #expect(three.records.map(\.image) == all.records.prefix(3).map(\.image))
        try expectTablesMatch(base + "/first")
        // Files are copied byte for byte.
        let a = try Data(contentsOf: URL(fileURLWithPath: src + "/images/" + all.records[0].image))
        let b = try Data(contentsOf: URL(fileURLWithPath: base + "/first/images/" + all.records[0].image))
        #expect(a == b)

        let objects = try ProbeRewrite.subset(src, limit: nil, categories: ["object", "scene"], out: base + "/objects", workers: 2)
        let kept = try ProbeDataset.open(directory: base + "/objects")
        #expect(kept.categories.map(\.name) == ["object", "scene"])
        let expectedRows = all.records.filter { !$0.cells[all.category(named: "object")!].isEmpty || !$0.cells[all.category(named: "scene")!].isEmpty }
        #expect(kept.records.map(\.image) == expectedRows.map(\.image) && objects.written == expectedRows.count)
        #expect(objects.leftOut == all.records.count - expectedRows.count)
        _ = try expectCleanCheck(base + "/objects")
        try expectTablesMatch(base + "/objects")

        #expect(throws: ImportError.self) { _ = try ProbeRewrite.subset(src, limit: nil, categories: ["animal"], out: base + "/none") }
        #expect(throws: ImportError.self) { _ = try ProbeRewrite.subset(src, limit: 2, categories: nil, out: base + "/first") }
    }
}
