// `netdissect unit RUN LAYER UNIT`: one unit at a glance in the shell. The label, category and
// IoU, the best label of every category with its IoU as a bar, then the top images with the mask
// overlaid, inline (sixel, half-blocks or text, whatever the terminal can do), fitted to its width.
//
// Text from the run (label, category, layer and file names) is sanitised before it is printed.
import Dissection
import Foundation
import Render

/// The `unit` command's arguments.
public struct UnitRequest: Sendable {
    /// Run directory.
    public var run: String
    public var layer: String
    /// 1-based unit number.
    public var unit: Int
    /// Top images to show (nil: all stored).
    public var top: Int?
    /// `--graphics`.
    public var graphics: GraphicsOverride
    /// Probe dataset directory overriding the run's.
    public var dataset: String?
    /// Also write the picture, exactly as drawn (before terminal encoding), to this PNG file.
    public var savePicture: String?

    public init(run: String, layer: String, unit: Int, top: Int? = nil, graphics: GraphicsOverride = .auto,
                dataset: String? = nil, savePicture: String? = nil) {
        self.run = run; self.layer = layer; self.unit = unit; self.top = top; self.graphics = graphics
        self.dataset = dataset; self.savePicture = savePicture
    }
}

/// Prints one unit.
public enum UnitView {
    /// Runs the command: writes the unit's description and pictures to `output`, problems
    /// (unreadable images) to `problems`.
    public static func run(_ request: UnitRequest, capabilities: TerminalCapabilities,
                           output: (String) -> Void, bytes: ([UInt8]) -> Void,
                           problems: (String) -> Void) throws(ViewFailure) {
        guard request.top.map({ $0 >= 0 }) ?? true else { throw ViewFailure("unit: --top must be 0 or more") }
        let view = try RunView.open(request.run)
        for notice in view.notices { problems(notice) }
        let layer = try view.layer(request.layer)
        let result = try view.unit(layer, number: request.unit)
        let mode = GraphicsMode.choose(request.graphics, capabilities)
        let colored: ColorDepth?
        switch mode {
        case .text: colored = nil
        default: colored = capabilities.noColor && request.graphics == .auto ? nil : capabilities.blockDepth
        }

        for line in describe(result, layer: layer, view: view, colored: colored, width: capabilities.columns) { output(line + "\n") }

        var tops = try view.topImages(layer, unit: result.unit)
        if let k = request.top { tops = Array(tops.prefix(k)) }
        guard !tops.isEmpty else {
            if request.top != 0 { output("  no top images recorded for this unit\n") }
            return
        }
        let dataset = try view.datasetDirectory(override: request.dataset)
        let pictures = UnitPictures(datasetDirectory: dataset).pictures(tops)
        for p in pictures { if let problem = p.problem { problems(TerminalText.sanitize(problem)) } }
        let threshold = result.threshold.map { "activation > \(shortNumber($0))" } ?? "heatmap (no threshold yet)"
        output("  top \(tops.count) image\(tops.count == 1 ? "" : "s"), mask: \(threshold)\n")

        let maker = TerminalPictureMaker(mode: mode, cellSize: capabilities.cellSize,
                                         colorRegisters: capabilities.colorRegisters, sixelLimit: capabilities.sixelMaxSize,
                                         options: SixelOptions(palette: .adaptive(colors: 256), dither: .none))
        let columns = max(10, capabilities.columns - 2)
        let layout = gridLayout(count: pictures.count, columns: columns, mode: mode, cell: maker.cellSize)
        let montage = UnitPictures.montage(pictures, cell: layout.cell, columns: layout.perRow,
                                           captions: layout.captionsInPixels)
        let picture: TerminalPicture
        do {
            if let path = request.savePicture {
                let saved = savedMontage(pictures)
                do {
                    try Data(try PNG.encode(saved)).write(to: URL(fileURLWithPath: path))
                } catch {
                    throw ViewFailure("\(path): cannot write the picture (\(error)); check the directory")
                }
            }
            picture = try maker.picture(of: montage, maxColumns: columns, maxRows: 10_000)
        } catch let failure as ViewFailure {
            throw failure
        } catch {
            throw ViewFailure("unit: cannot draw the picture (\(error)); try --graphics blocks")
        }
        switch mode {
        case .sixel:
            bytes(Array("  ".utf8) + picture.bytes)
            output("\n")
        case .blocks, .text:
            for line in String(decoding: picture.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                output("  " + line + "\n")
            }
        }
        for (k, p) in pictures.enumerated() {
            var line = "  #\(k + 1)  \(TerminalText.sanitize(p.top.path))  max \(shortNumber(p.top.maximum))"
            if let c = p.maskCoverage { line += c > 0 && c < 0.005 ? "  mask <1 %" : "  mask \(Int((c * 100).rounded())) %" }
            if p.problem != nil { line += "  (unreadable)" }
            output(TerminalText.truncate(line, toWidth: max(20, capabilities.columns)) + "\n")
        }
    }

    /// The picture `--save-picture` writes: the top images at their own resolution (tiles as large
    /// as the largest image, at most 512 pixels), five to a row, captions drawn in, whatever the
    /// terminal draws (half-blocks on an 80-column terminal would be 78 pixels wide).
    static func savedMontage(_ pictures: [UnitPicture]) -> RGBImage {
        let side = pictures.reduce(32) { max($0, $1.image.width, $1.image.height) }
        return UnitPictures.montage(pictures, cell: min(side, 512), columns: min(max(1, pictures.count), 5), captions: true)
    }

    /// How the top images are laid out for `columns` terminal columns: tiles per row, tile size
    /// in pixels, and whether captions are legible enough to draw into the pixels.
    public static func gridLayout(count: Int, columns: Int, mode: GraphicsMode, cell: CellSize)
        -> (perRow: Int, cell: Int, captionsInPixels: Bool) {
        let n = max(1, count)
        switch mode {
        case .sixel:
            let available = columns * cell.width
            let perRow = max(1, min(n, available / 120))
            let tile = min(224, available / perRow - max(2, available / perRow / 40) - 2)
            return (perRow, max(32, tile), true)
        case .blocks, .text:
            let perRow = max(1, min(n, columns / 16))
            return (perRow, max(8, columns / perRow - 1), false)
        }
    }

    /// The text part: header, label, threshold and per-category bests.
    public static func describe(_ r: UnitResult, layer: RunLayer, view: RunView, colored: ColorDepth?, width: Int) -> [String] {
        let name = TerminalText.sanitize(layer.name)
        var lines: [String] = []
        lines.append("\(name) · unit \(r.unit + 1) of \(layer.units)" + (r.isFinal ? "" : "  (\(view.stateLine))"))
        if r.labelName.isEmpty {
            lines.append("  no label yet: the tally has not reached a checkpoint")
        } else {
            let verdict = r.isDetector ? "detector" : "below the detector threshold \(formatIoU(view.configuration.iouThreshold))"
            lines.append("  \(TerminalText.sanitize(r.labelName)) (\(TerminalText.sanitize(r.categoryName)))  IoU \(formatIoU(r.iou))  \(verdict)")
        }
        if let t = r.threshold {
            lines.append("  threshold T = \(shortNumber(t)) (top \(shortNumber(Float(view.configuration.quantile * 100))) % of activations)")
        }
        guard !r.perCategory.isEmpty else { return lines }
        lines.append("  best label per category:")
        let catWidth = min(12, r.perCategory.map { TerminalText.displayWidth(TerminalText.sanitize($0.categoryName)) }.max() ?? 8)
        let labelWidth = min(20, r.perCategory.map { TerminalText.displayWidth(TerminalText.sanitize($0.labelName)) }.max() ?? 8)
        let barRoom = max(4, min(30, width - 4 - catWidth - labelWidth - 12))
        let best = max(r.perCategory.map(\.iou).max() ?? 0, 1e-9)
        for c in r.perCategory {
            let cat = TerminalText.pad(TerminalText.sanitize(c.categoryName), toWidth: catWidth)
            let label = TerminalText.pad(c.label == 0 ? "–" : TerminalText.sanitize(c.labelName), toWidth: labelWidth)
            let bar = Bars.bar(fraction: c.iou / best, width: barRoom)
            let painted = colored.map { Bars.paint(bar, CategoryColors.color(for: c.categoryName), depth: $0) } ?? bar
            lines.append("    \(cat)  \(label)  \(formatIoU(c.iou))  \(painted)")
        }
        return lines
    }
}

/// Horizontal bars in text.
public enum Bars {
    /// A bar of `fraction` (0...1) of `width` cells, in eighth-block steps.
    public static func bar(fraction: Double, width: Int) -> String {
        guard fraction.isFinite, fraction > 0, width > 0 else { return "" }
        let eighths = Int((min(1, fraction) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// `text` in `color` (a 24-bit or 256-colour escape) followed by a reset.
    public static func paint(_ text: String, _ color: RGBColor, depth: ColorDepth) -> String {
        guard !text.isEmpty else { return text }
        switch depth {
        case .truecolor: return "\u{1B}[38;2;\(color.r);\(color.g);\(color.b)m" + text + "\u{1B}[0m"
        case .palette256: return "\u{1B}[38;5;\(XTerm256.index(of: color))m" + text + "\u{1B}[0m"
        }
    }
}
