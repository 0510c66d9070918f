// `netdissect report RUN --out DIR`: the run as static HTML pages (Render's ReportWriter) with
// each unit's top images drawn as a strip with its mask. Strips are drawn on every core, a chunk
// of units at a time (so memory stays bounded), and written in unit order.
import Dissection
import Foundation
import Render

/// The report command's arguments.
public struct ReportRequest: Sendable {
    /// Run directory.
    public var run: String
    /// Output directory.
    public var out: String
    /// Top images per unit in the strips.
    public var top: Int
    /// Strip cell size in pixels.
    public var cell: Int
    /// Probe dataset directory overriding the run's.
    public var dataset: String?

    public init(run: String, out: String, top: Int = 5, cell: Int = 112, dataset: String? = nil) {
        self.run = run; self.out = out; self.top = top; self.cell = cell; self.dataset = dataset
    }
}

/// Writes a run's report.
public enum RunReport {
    /// Writes the report; `progress` gets one line per layer, `problems` one line per image that
    /// could not be read (the report is still written, with a placeholder tile).
    /// Returns the path of the index page.
    @discardableResult
    /// `units`, when given, hears after every chunk of units how far the layer is (for a count
    /// redrawn in place on a terminal).
    public static func write(_ request: ReportRequest, progress: (String) -> Void,
                             units: ((_ layer: String, _ done: Int, _ total: Int) -> Void)? = nil,
                             problems: @escaping @Sendable (String) -> Void) throws(ViewFailure) -> String {
        guard (1...50).contains(request.top) else { throw ViewFailure("report: --top must be between 1 and 50") }
        guard (32...512).contains(request.cell) else { throw ViewFailure("report: --cell must be between 32 and 512 pixels") }
        let view = try RunView.open(request.run)
        for notice in view.notices { problems(notice) }
        let dataset = try view.datasetDirectory(override: request.dataset)
        let source = view.configuration.model ?? view.configuration.activations ?? ""
        let subtitle = "run \(view.reader.directory) · \((source as NSString).lastPathComponent) · \(view.stateLine)"
            + (SyntheticMarker.isSynthetic(dataset: dataset) ? " · synthetic probe (netdissect synth): its concepts are procedural, not Broden's" : "")
            + ((try? view.reader.unionRuleVersion()).map { $0 < UnionRule.version } == true
                ? " · made with the earlier union rule: IoUs differ from a run made now; redo it with netdissect dissect --force" : "")
        let writer: ReportWriter
        do { writer = try ReportWriter(directory: request.out, title: "Network Dissection", subtitle: subtitle) } catch {
            throw ViewFailure("\(error); choose another --out")
        }
        let pictures = UnitPictures(datasetDirectory: dataset)
        let unitProgress = units
        for layer in view.layers {
            let results = try view.units(layer)
            var units: [ReportUnit] = []
            // The stored formulas (`netdissect explain`), named.
            let formulas: [Int: StoredExplanation], labelNames: [Int: String]
            do {
                formulas = ShownFormula.perUnit(try view.reader.explanations(layer: layer.name))
                labelNames = Dictionary(try view.reader.labels().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            } catch {
                throw ViewFailure(TerminalText.sanitize("\(error)"))
            }
            let chunk = 32
            for start in stride(from: 0, to: results.count, by: chunk) {
                let slice = Array(results[start..<min(results.count, start + chunk)])
                let tops = try slice.map { (r) throws(ViewFailure) in Array(try view.topImages(layer, unit: r.unit).prefix(request.top)) }
                let strips = drawStrips(tops, pictures: pictures, cell: request.cell, problems: problems)
                for (r, strip) in zip(slice, strips) {
                    var image: String?
                    switch strip {
                    case .none: break
                    case .failed(let cause):
                        throw ViewFailure("report: unit \(r.unit + 1) of \(TerminalText.sanitize(layer.name)): cannot encode its strip (\(cause))")
                    case .jpeg(let bytes):
                        do { image = try writer.writeUnitJPEG(bytes, layer: layer.name, unit: r.unit + 1) } catch {
                            throw ViewFailure("\(error); check that --out is writable and the disk not full")
                        }
                    }
                    let f = formulas[r.unit]
                    units.append(ReportUnit(unit: r.unit + 1, label: r.labelName.isEmpty ? "–" : r.labelName,
                                            category: r.categoryName.isEmpty ? "–" : r.categoryName, iou: r.iou, image: image,
                                            formula: f?.formula?.text { labelNames[Int($0)] ?? "#\($0)" }, formulaIoU: f?.iou))
                }
                unitProgress?(TerminalText.sanitize(layer.name), units.count, results.count)
            }
            let page = ReportLayer(name: layer.name, units: units, iouThreshold: view.configuration.iouThreshold,
                                   categories: view.categories.map(\.name),
                                   subtitle: "\(layer.units) units · \(layer.height)x\(layer.width) activation maps" + (layer.finished ? "" : " · provisional"))
            do { try writer.writeLayer(page) } catch { throw ViewFailure("\(error); check that --out is writable") }
            progress("report: \(TerminalText.sanitize(layer.name)): \(page.headline)")
        }
        writer.indexSections += try ExperimentReport.sections(view: view)
        do { try writer.writeIndex() } catch { throw ViewFailure("\(error); check that --out is writable") }
        return request.out + "/index.html"
    }

    /// One unit's strip, drawn and encoded.
    enum Strip: Sendable {
        /// The unit has no top images.
        case none
        case jpeg([UInt8])
        /// JPEG encoding failed, saying why.
        case failed(String)
    }

    /// The strips of a chunk of units, drawn and encoded as JPEG in parallel.
    static func drawStrips(_ tops: [[TopImage]], pictures: UnitPictures, cell: Int,
                           problems: @escaping @Sendable (String) -> Void) -> [Strip] {
        let results = StripResults(count: tops.count)
        DispatchQueue.concurrentPerform(iterations: tops.count) { k in
            guard !tops[k].isEmpty else { return }
            let drawn = pictures.pictures(tops[k])
            for p in drawn { if let problem = p.problem { problems(TerminalText.sanitize(problem)) } }
            let strip = UnitPictures.montage(drawn, cell: cell, captions: true)
            do { results.set(k, .jpeg(try ReportWriter.encodeUnitImage(strip))) } catch { results.set(k, .failed("\(error)")) }
        }
        return results.values
    }
}

/// Results filled from parallel workers, one slot each.
private final class StripResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [RunReport.Strip]
    init(count: Int) { slots = Array(repeating: .none, count: count) }
    func set(_ k: Int, _ strip: RunReport.Strip) { lock.lock(); slots[k] = strip; lock.unlock() }
    var values: [RunReport.Strip] { lock.lock(); defer { lock.unlock() }; return slots }
}
