// `netdissect summary RUN`: per layer, its units, detectors and unique detectors, and a bar per
// category of unique detectors (the shape of the papers' interpretability plots, in text).
import Dissection
import Render

/// One layer's numbers.
public struct LayerSummary: Sendable, Equatable {
    /// Layer name (sanitised by whoever prints it).
    public var name: String
    /// Units in the layer.
    public var units: Int
    /// Units whose best IoU reaches the threshold.
    public var detectors: Int
    /// Distinct labels among the detectors.
    public var uniqueDetectors: Int
    /// Unique detectors per category, in the run's category order (categories with none kept).
    public var perCategory: [(category: String, unique: Int)]
    /// Whether the layer's results are final.
    public var finished: Bool
    /// Mean IoU by formula length, per search (empty without `netdissect explain`).
    public var explanations: [ExplanationCurve] = []

    public static func == (a: LayerSummary, b: LayerSummary) -> Bool {
        a.name == b.name && a.units == b.units && a.detectors == b.detectors && a.uniqueDetectors == b.uniqueDetectors
            && a.finished == b.finished && a.perCategory.map(\.category) == b.perCategory.map(\.category)
            && a.perCategory.map(\.unique) == b.perCategory.map(\.unique) && a.explanations == b.explanations
    }

    /// The numbers of one layer from its units' results.
    public static func of(layer: RunLayer, results: [UnitResult], categories: [String]) -> LayerSummary {
        let detectors = results.filter(\.isDetector)
        var perCategory: [String: Set<Int>] = [:]
        for d in detectors { perCategory[d.categoryName, default: []].insert(d.label) }
        var order = categories
        for name in perCategory.keys.sorted() where !order.contains(name) { order.append(name) }
        return LayerSummary(name: layer.name, units: layer.units, detectors: detectors.count,
                            uniqueDetectors: Set(detectors.map(\.label)).count,
                            perCategory: order.map { ($0, perCategory[$0]?.count ?? 0) },
                            finished: layer.finished && results.allSatisfy(\.isFinal))
    }
}

/// Prints the summary of a run.
public enum RunSummary {
    /// The summaries of every layer of the run at `path`.
    public static func layers(of view: RunView) throws(ViewFailure) -> [LayerSummary] {
        var out: [LayerSummary] = []
        for layer in view.layers {
            var summary = LayerSummary.of(layer: layer, results: try view.units(layer),
                                          categories: view.categories.map(\.name))
            do { summary.explanations = ExplanationCurve.of(try view.reader.explanations(layer: layer.name)) } catch {
                throw ViewFailure(TerminalText.sanitize("\(error)"))
            }
            out.append(summary)
        }
        return out
    }

    /// The lines of the summary, `width` columns wide at most; `colored` paints the bars.
    public static func lines(_ summaries: [LayerSummary], view: RunView, colored: ColorDepth?, width: Int) -> [String] {
        var lines: [String] = []
        let source = view.configuration.model ?? view.configuration.activations ?? "?"
        lines.append(TerminalText.truncate("run \(TerminalText.sanitize(view.reader.directory)): \(view.stateLine)", toWidth: width))
        lines.append(TerminalText.truncate("  from \(TerminalText.sanitize(source)), dataset \(TerminalText.sanitize(view.configuration.dataset))", toWidth: width))
        if SyntheticMarker.isSynthetic(dataset: view.configuration.dataset) {
            lines.append(TerminalText.truncate("  synthetic probe (netdissect synth): its concepts are procedural, not Broden's", toWidth: width))
        }
        lines.append("  detector: IoU ≥ \(formatIoU(view.configuration.iouThreshold)); threshold: top \(shortNumber(Float(view.configuration.quantile * 100))) % of activations")
        if summaries.isEmpty { lines.append("  no layers"); return lines }
        let maxUnique = max(1, summaries.flatMap { $0.perCategory.map(\.unique) }.max() ?? 1)
        let catWidth = min(12, summaries.flatMap { $0.perCategory.map { TerminalText.displayWidth(TerminalText.sanitize($0.category)) } }.max() ?? 8)
        let barRoom = max(4, min(40, width - catWidth - 12))
        for s in summaries {
            lines.append("")
            let header = "\(TerminalText.sanitize(s.name))  \(s.units) units  \(s.detectors) detectors  \(s.uniqueDetectors) unique" + (s.finished ? "" : "  (provisional)")
            lines.append(TerminalText.truncate(header, toWidth: width))
            for (category, unique) in s.perCategory {
                let bar = Bars.bar(fraction: Double(unique) / Double(maxUnique), width: barRoom)
                let painted = colored.map { Bars.paint(bar, CategoryColors.color(for: category), depth: $0) } ?? bar
                lines.append("  \(TerminalText.pad(TerminalText.sanitize(category), toWidth: catWidth))  \(String(unique).leftPadded(4))  \(painted)")
            }
            for curve in s.explanations {
                lines.append(TerminalText.truncate("  formulas (\(curve.search.rawValue), \(curve.units) units): mean IoU by length", toWidth: width))
                let top = max(1e-9, curve.meanIoU.max() ?? 1)
                for (k, iou) in curve.meanIoU.enumerated() {
                    let bar = Bars.bar(fraction: iou / top, width: barRoom)
                    lines.append("  \(TerminalText.pad("length \(k + 1)", toWidth: catWidth))  \(formatIoU(iou))  \(bar)")
                }
            }
        }
        return lines
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
