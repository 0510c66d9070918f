// The viewing commands on a real (small) run: a synthetic probe, activations whose first units
// detect known labels, dissected through the command's own entry point.
import Foundation
import ProbeTools
import Render
import Runtime
import Testing
import TestSupport
@testable import Dissection
@testable import Workflows

/// A small finished run, made once for every test here.
struct ViewFixture: Sendable {
    let dataset: String
    let run: String
    /// Deliberately hostile, to check that every output escapes or sanitises it.
    static let layer = "conv5\u{1B}[31m<b>&"
    /// The label unit 1 was built to detect.
    let target: String

    static let shared: Result<ViewFixture, any Error> = Result { try ViewFixture.make() }

    static func make() throws -> ViewFixture {
        let root = try makeTemporaryDirectory("runview")
        var options = SynthOptions()
        options.images = 32; options.size = 64; options.seed = 11; options.keepGroundTruth = true
        let synth = try SyntheticBroden.generate(to: root + "/probe", options: options)
        // Unit 0 fires on the most common object label, unit 1 on the most common colour; 2, 3 noise.
        let object = synth.categoryNames.firstIndex(of: "object")!
        let color = synth.categoryNames.firstIndex(of: "color")!
        func commonest(_ c: Int) -> UInt32 {
            var counts: [UInt32: Int] = [:]
            for img in synth.groundTruth { for m in img.layers[c] { for l in Set(m.labels) where l != 0 { counts[l, default: 0] += 1 } } }
            return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
        }
        let targets = [(object, commonest(object)), (color, commonest(color))]
        let (n, c, s) = (synth.groundTruth.count, 4, 8)
        var g = SeededGenerator(seed: 3)
        var data = [Float](repeating: 0, count: n * c * s * s)
        for (i, img) in synth.groundTruth.enumerated() {
            for (u, (category, label)) in targets.enumerated() {
                for m in img.layers[category] {
                    for y in 0..<m.height { for x in 0..<m.width where m.labels[y * m.width + x] == label {
                        data[((i * c + u) * s + y * s / m.height) * s + x * s / m.width] += 4 / Float(m.width * m.height / (s * s))
                    } }
                }
            }
            for k in 0..<(c * s * s) { data[i * c * s * s + k] = max(0, data[i * c * s * s + k] + g.floats(1, in: -0.1...0.1)[0]) }
        }
        let acts = root + "/acts.npy"
        try NPY.write(Tensor(shape: [n, c, s, s], data: data), to: acts)
        try DissectRunner.run(DissectRequest(
            model: nil, activations: acts, dataset: root + "/probe", layers: [layer], out: root + "/run",
            quantile: 0.05, iouThreshold: 0.04, categories: nil, union: "original", topK: 4, batch: 8, threads: 1,
            limit: nil, mean: RunConfiguration.imagenetMean, std: RunConfiguration.imagenetStd, bgr: false,
            checkpointEvery: 512, force: false))
        return ViewFixture(dataset: root + "/probe", run: root + "/run", target: synth.labelNames[Int(targets[0].1)])
    }
}

@Suite struct RunViewTests {
    let fixture: ViewFixture
    init() throws { fixture = try ViewFixture.shared.get() }

    @Test func overlayMasksAreTheTallysMasks() throws {
        let view = try RunView.open(fixture.run)
        let layer = try view.layer(ViewFixture.layer)
        let tops = try view.topImages(layer, unit: 0)
        #expect(!tops.isEmpty)
        for top in tops {
            let overlay = try #require(UnitPictures.mask(top, width: 64, height: 64))
            let counted = tallyMask(top.map, height: top.mapHeight, width: top.mapWidth, threshold: top.threshold!,
                                    targetHeight: 64, targetWidth: 64)
            #expect(overlay.bits == counted, "image \(top.image)")
        }
        // And on random maps and thresholds at many sizes (the map's own size too), Render's mask
        // is the tally's thresholded mask, bit for bit.
        var g = SeededGenerator(seed: 9)
        for (h, w, th, tw) in [(7, 7, 112, 112), (14, 14, 113, 113), (3, 5, 64, 40), (1, 1, 9, 9), (6, 4, 6, 4)] {
            let map = g.floats(h * w, in: -3...3)
            let threshold = map[Int.random(in: 0..<map.count, using: &g)]
            let render = Mask(activation: FloatMap(width: w, height: h, values: map), threshold: threshold, width: tw, height: th)
            #expect(render.bits == tallyMask(map, height: h, width: w, threshold: threshold, targetHeight: th, targetWidth: tw),
                    "\(h)x\(w) -> \(th)x\(tw)")
        }
    }

    /// The tally's mask of `map` (`BilinearPlan.thresholdMask`, the plain version of the tally's
    /// masker) as one flag per target pixel.
    func tallyMask(_ map: [Float], height: Int, width: Int, threshold: Float, targetHeight: Int, targetWidth: Int) -> [Bool] {
        let plan = BilinearPlan(sourceHeight: height, sourceWidth: width, targetHeight: targetHeight, targetWidth: targetWidth)
        var scratch = [Float](repeating: 0, count: plan.scratchCount)
        var words = [UInt64](repeating: 0, count: Bitset.wordCount(pixels: targetHeight * targetWidth))
        map.withUnsafeBufferPointer { m in
            _ = plan.thresholdMask(m.baseAddress!, threshold: threshold, scratch: &scratch, mask: &words)
        }
        return words.withUnsafeBufferPointer { b in (0..<(targetHeight * targetWidth)).map { Bitset.test(b.baseAddress!, $0) } }
    }

    @Test func unitViewPrintsLabelPerCategoryAndPictures() throws {
        var out = "", problems: [String] = []
        let caps = TerminalCapabilities(isTerminal: false, columns: 100)
        try UnitView.run(UnitRequest(run: fixture.run, layer: ViewFixture.layer, unit: 1, top: 3), capabilities: caps,
                         output: { out += $0 }, bytes: { out += String(decoding: $0, as: UTF8.self) },
                         problems: { problems.append($0) })
        #expect(problems.isEmpty)
        #expect(out.contains("unit 1 of 4"))
        #expect(out.contains(fixture.target))
        #expect(out.contains("best label per category:"))
        #expect(out.contains("#3  ") && !out.contains("#4  "))
        #expect(!out.contains("\u{1B}"), "text mode writes no escapes, and the hostile layer name is sanitised")
    }

    @Test func unitViewInBlocksAndSixel() throws {
        for mode in [GraphicsOverride.blocks, .sixel] {
            var text = "", bytes: [UInt8] = []
            let caps = TerminalCapabilities(isTerminal: true, sixel: true, cellSize: CellSize(width: 8, height: 16),
                                            columns: 80, colors: 256)
            try UnitView.run(UnitRequest(run: fixture.run, layer: ViewFixture.layer, unit: 2, top: 2, graphics: mode),
                             capabilities: caps, output: { text += $0 }, bytes: { bytes += $0 }, problems: { _ in })
            if mode == .sixel {
                let start = try #require(bytes.firstIndex(of: 0x1B))
                let picture = try SixelDecoder.decode(Array(bytes[start...]))
                #expect(picture.width <= 78 * 8 && picture.width > 200)
            } else {
                #expect(text.contains("▀") && text.contains("\u{1B}[48;5;"))
            }
        }
    }

    @Test func aSavedPictureHasTheImagesOwnResolutionWhateverIsDrawn() throws {
        let out = try makeTemporaryDirectory("saved-picture")
        var sizes: [String: (Int, Int)] = [:]
        for mode in [GraphicsOverride.blocks, .none, .sixel] {
            let path = out + "/\(mode).png"
            let caps = TerminalCapabilities(isTerminal: true, sixel: true, cellSize: CellSize(width: 8, height: 16),
                                            columns: 80, colors: 256)
            try UnitView.run(UnitRequest(run: fixture.run, layer: ViewFixture.layer, unit: 2, top: 3, graphics: mode,
                                         savePicture: path),
                             capabilities: caps, output: { _ in }, bytes: { _ in }, problems: { _ in })
            let saved = try PNG.decodeRGB([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            sizes["\(mode)"] = (saved.width, saved.height)
        }
        let first = try #require(sizes["blocks"])
        #expect(sizes.values.allSatisfy { $0 == first }, "the same picture whatever the terminal draws: \(sizes)")
        // Three tiles as large as the probe's images (ViewFixture's are 64 pixels), side by side.
        #expect(first.0 >= 3 * 64 && first.1 >= 64)
    }

    @Test func badRequestsGetOneLineWithAHint() throws {
        let caps = TerminalCapabilities()
        func failure(_ r: UnitRequest) -> String? {
            do { try UnitView.run(r, capabilities: caps, output: { _ in }, bytes: { _ in }, problems: { _ in }); return nil }
            catch { return error.message }
        }
        let range = failure(UnitRequest(run: fixture.run, layer: ViewFixture.layer, unit: 5))
        #expect(range?.contains("numbered 1 to 4") == true)
        let layer = failure(UnitRequest(run: fixture.run, layer: "nope", unit: 1))
        #expect(layer?.contains("its layers are: conv5[31m<b>&") == true || layer?.contains("its layers are: conv5") == true)
        #expect(layer.map { !$0.contains("\u{1B}") } == true)
        let run = failure(UnitRequest(run: "/nonexistent/run", layer: "x", unit: 1))
        #expect(run?.contains("run.sqlite") == true)
        let moved = failure(UnitRequest(run: fixture.run, layer: ViewFixture.layer, unit: 1, dataset: "/nonexistent"))
        #expect(moved?.contains("--dataset") == true)
        for message in [range, layer, run, moved] { #expect(message.map { !$0.contains("\n") } == true) }
    }

    @Test func missingImagesBecomeProblemsNotFailures() throws {
        // A copy of the dataset without one of unit 1's top images.
        let view = try RunView.open(fixture.run)
        let top = try view.topImages(try view.layer(ViewFixture.layer), unit: 0)[0]
        let copy = try makeTemporaryDirectory("moved") + "/probe"
        try FileManager.default.copyItem(atPath: fixture.dataset, toPath: copy)
        try FileManager.default.removeItem(atPath: copy + "/images/" + top.path)
        var out = "", problems: [String] = []
        try UnitView.run(UnitRequest(run: fixture.run, layer: ViewFixture.layer, unit: 1, top: 2, dataset: copy),
                         capabilities: TerminalCapabilities(), output: { out += $0 }, bytes: { _ in },
                         problems: { problems.append($0) })
        #expect(problems.count == 1 && problems[0].contains(top.path))
        #expect(out.contains("(unreadable)"))
    }

    @Test func summaryCountsDetectors() throws {
        let view = try RunView.open(fixture.run)
        let summaries = try RunSummary.layers(of: view)
        #expect(summaries.count == 1)
        let s = summaries[0]
        #expect(s.units == 4 && s.finished)
        #expect(s.detectors >= 1 && s.uniqueDetectors <= s.detectors)
        #expect(s.perCategory.map(\.unique).reduce(0, +) >= s.uniqueDetectors)
        let lines = RunSummary.lines(summaries, view: view, colored: nil, width: 80)
        #expect(lines.contains { $0.contains("4 units") })
        #expect(lines.allSatisfy { !$0.contains("\u{1B}") && TerminalText.displayWidth($0) <= 80 })
    }

    @Test func reportPagesReferenceExistingImages() throws {
        let out = try makeTemporaryDirectory("report")
        let index = try RunReport.write(ReportRequest(run: fixture.run, out: out, top: 3, cell: 64),
                                        progress: { _ in }, problems: { _ in })
        #expect(index == out + "/index.html")
        let files = try FileManager.default.subpathsOfDirectory(atPath: out)
        let pages = files.filter { $0.hasSuffix(".html") }
        #expect(pages.count == 2)
        #expect(files.filter { $0.hasSuffix(".jpg") }.count == 4)
        for page in pages {
            let html = try String(contentsOfFile: out + "/" + page, encoding: .utf8)
            #expect(!html.contains("<b>&") && !html.contains("\u{1B}"))
            var rest = Substring(html)
            while let r = rest.range(of: "src=\"") {
                let tail = rest[r.upperBound...]
                let end = tail.firstIndex(of: "\"")!
                let path = String(tail[..<end]).removingPercentEncoding!
                #expect(FileManager.default.fileExists(atPath: out + "/" + path), "\(page) -> \(path)")
                rest = tail[end...]
            }
        }
    }
}
