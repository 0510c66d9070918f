import Foundation
import Testing
import TestSupport
@testable import Render

@Suite struct ReportTests {
    func sampleLayer(name: String = "features.13") -> ReportLayer {
        var units: [ReportUnit] = [
            ReportUnit(unit: 1, label: "dog", category: "object", iou: 0.21),
            ReportUnit(unit: 2, label: "dog", category: "object", iou: 0.08),
            ReportUnit(unit: 3, label: "grass", category: "material", iou: 0.05),
            ReportUnit(unit: 4, label: "sky", category: "object", iou: 0.01),
            ReportUnit(unit: 5, label: "red-c", category: "color", iou: 0.04),
        ]
        for (k, hostile) in hostileLabels.enumerated() {
            units.append(ReportUnit(unit: 6 + k, label: hostile.raw, category: "part", iou: 0.05 + Double(k) / 1000))
        }
        return ReportLayer(name: name, units: units, iouThreshold: 0.04,
                           categories: ["object", "part", "material", "color"], subtitle: "run <r1> & \"model\"")
    }

    @Test func headlineCountsDetectorsAndConcepts() {
        let layer = ReportLayer(name: "l", units: Array(sampleLayer().units.prefix(5)))
        #expect(layer.detectors.count == 4)
        #expect(layer.uniqueLabels == 3)
        #expect(layer.headline == "4/5 units covering 3 concepts with IoU ≥ 0.040")
        let bars = layer.detectorCounts
        #expect(bars.map(\.label) == ["dog", "grass", "red-c"])
        #expect(bars[0].count == 2)
    }

    @Test func layerPageIsWellFormedAndEscapesEverything() {
        let html = HTMLReport.layerPage(sampleLayer(), title: "Network <Dissection>")
        let check = MarkupCheck(html)
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(!html.contains("<script>alert"))
        #expect(!html.unicodeScalars.contains { TerminalText.isInvisibleControl($0) && $0 != "\n" })
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        let cards = check.attributes.filter { $0.tag == "div" && $0.name == "data-unit" }
        #expect(cards.count == sampleLayer().units.count)
        // One bar per (category, label) among detectors.
        let rects = html.components(separatedBy: "<rect ").count - 1
        #expect(rects == sampleLayer().detectorCounts.count)
        #expect(html.contains("18/19 units covering 17 concepts with IoU ≥ 0.040"))
    }

    @Test func cardsShowTheFormulaEscaped() {
        var layer = sampleLayer()
        layer.units[0].formula = "(water OR river) AND NOT blue-c"
        layer.units[0].formulaIoU = 0.3141
        layer.units[1].formula = hostileLabels[0].raw + " OR <b>x</b>"
        layer.units[1].formulaIoU = .nan
        let html = HTMLReport.layerPage(layer, title: "t")
        let check = MarkupCheck(html)
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(html.contains(#"<p class="formula">formula <b>(water OR river) AND NOT blue-c</b> <span class="iou">IoU 0.314</span></p>"#))
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt;"))
        #expect(html.components(separatedBy: #"class="formula""#).count - 1 == 2, "only the units with a formula")
    }

    @Test func pagesWithNoDetectorsOrNoUnitsAreStillWellFormed() {
        for layer in [ReportLayer(name: "empty", units: []),
                      ReportLayer(name: "weak", units: [ReportUnit(unit: 1, label: "x", category: "object", iou: 0.001)])] {
            let check = MarkupCheck(HTMLReport.layerPage(layer, title: "t"))
            #expect(check.problems.isEmpty, "\(layer.name): \(check.problems)")
        }
        #expect(MarkupCheck(HTMLReport.indexPage([], pages: [], title: "t")).problems.isEmpty)
    }

    @Test func indexSectionsComeFirstEscapedAndWellFormed() {
        let chart = LineChart(x: [0, 1], xLabels: ["0", "1"], xTitle: "α", yTitle: "unique detectors",
                              series: [ChartSeries(name: "<all>", values: [3, 1], color: RGBColor(1, 2, 3))])
        let table = ReportTable(columns: [ReportColumn("α", numeric: true), ReportColumn("layer"), ReportColumn("unique", numeric: true)],
                                rows: [["0", "a&b", "3"], ["1*", hostileLabels[0].raw, "1"]])
        let section = ReportSection(title: "Rotation <x>", note: "layer \"f\" & more", chart: chart, table: table,
                                    footnote: "* provisional")
        let html = HTMLReport.indexPage([sampleLayer()], pages: ["features.13.html"], title: "t", sections: [section])
        let check = MarkupCheck(html)
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(html.contains(#"<section class="extra"><h2>Rotation &lt;x&gt;</h2><p class="sub">layer &quot;f&quot; &amp; more</p><div class="graph"><svg"#))
        #expect(html.contains(#"<thead><tr><th>α</th><th>layer</th><th>unique</th></tr></thead>"#))
        #expect(html.contains(#"<tr><td class="num">0</td><td>a&amp;b</td><td class="num">3</td></tr>"#))
        #expect(html.contains(#"</tbody></table><p class="sub">* provisional</p></section>"#))
        #expect(!html.contains(hostileLabels[0].raw))
        // The section sits between the header and the layer table.
        let sectionAt = html.range(of: "<section")!.lowerBound, tableAt = html.range(of: "<th>layer</th><th>units</th>")!.lowerBound
        #expect(html.range(of: "</header>")!.lowerBound < sectionAt && sectionAt < tableAt)
        // Without a chart, table or footnote, only the heading and note are written.
        let bare = HTMLReport.section(ReportSection(title: "T", note: "n"))
        #expect(bare == #"<section class="extra"><h2>T</h2><p class="sub">n</p></section>"#)
    }

    @Test func writtenReportReferencesOnlyFilesThatExist() throws {
        let dir = try makeTemporaryDirectory("report")
        let writer = try ReportWriter(directory: dir, title: "Network Dissection", subtitle: "test run")
        for name in ["features.13", "/features/features.13/Clip_output_0", "../../etc", "index"] {
            var layer = sampleLayer(name: name)
            for k in layer.units.indices where k % 3 != 2 {
                let strip = Montage.strip([MontageTile(image: sampleImage(), caption: "img \(k)")],
                                          style: MontageStyle(cellWidth: 64, cellHeight: 48))
                layer.units[k].image = try writer.writeUnitJPEG(try ReportWriter.encodeUnitImage(strip), layer: name, unit: layer.units[k].unit)
            }
            try writer.writeLayer(layer)
        }
        try writer.writeIndex()
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir)
        #expect(files.allSatisfy { !$0.contains("..") })
        var pages = 0
        for file in files where file.hasSuffix(".html") {
            pages += 1
            let html = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            let check = MarkupCheck(html)
            #expect(check.problems.isEmpty, "\(file): \(check.problems)")
            for ref in check.attributes where ref.name == "src" || ref.name == "href" {
                let path = ref.value.removingPercentEncoding ?? ref.value
                #expect(FileManager.default.fileExists(atPath: dir + "/" + path), "\(file) refers to missing \(ref.value)")
                if ref.name == "src" {
                    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + path)))
                    #expect(try JPEG.decode(bytes).width > 0)
                }
            }
        }
        #expect(pages == 5)
        #expect(Set(files.filter { $0.hasSuffix(".html") }).count == 5)
    }

    @Test func fileStemsStayInsideTheDirectory() {
        #expect(ReportWriter.fileStem("../../etc/passwd") == "etc_passwd")
        #expect(ReportWriter.fileStem("features.13") == "features.13")
        #expect(ReportWriter.fileStem("") == "layer")
        #expect(ReportWriter.fileStem("\u{202E}x") == "x")
    }

    @Test func iouFormatting() {
        #expect(formatIoU(0.04) == "0.040")
        #expect(formatIoU(0.2051) == "0.205")
        #expect(formatIoU(0.2059) == "0.205", "rounded down: never above the true IoU")
        #expect(formatIoU(0.0399) == "0.039", "below the default threshold never reads as 0.040")
        #expect(formatIoU(0.285) == "0.285")
        #expect(formatIoU(1) == "1.000")
        #expect(formatIoU(0) == "0.000")
        #expect(formatIoU(.nan) == "-")
    }
}
