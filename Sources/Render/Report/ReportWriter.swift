// Writing a report directory:
//
//   DIR/index.html              the layers
//   DIR/<layer>.html            one page per layer
//   DIR/<layer>/unit-0012.jpg   each unit's strip of top images, beside its page
//
// Layer names become file names through `fileStem`, which keeps letters, digits, `.`, `-` and
// `_` and replaces everything else, so a name like `/features/features.13/Clip_output_0` (or a
// hostile one) can never leave the directory.
import Foundation

/// A report could not be written.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public let file: String
    /// What went wrong.
    public let cause: String
    public var description: String { "\(file): \(cause)" }
}

/// Writes a report's pages and images into one directory.
public final class ReportWriter {
    public let directory: String
    /// The title on every page.
    public let title: String
    /// A line under the index title (run directory, model), or nil.
    public let subtitle: String?
    private var layersWritten: [(layer: ReportLayer, page: String)] = []
    private var stems: [String: String] = [:]

    /// A writer into `directory`, created if needed.
    public init(directory: String, title: String = "Network Dissection", subtitle: String? = nil) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError(file: directory, cause: "cannot create the directory (\(error.localizedDescription))")
        }
        self.directory = directory; self.title = title; self.subtitle = subtitle
    }

    /// The file-name stem for `layer`, unique within this report.
    public func stem(for layer: String) -> String {
        if let s = stems[layer] { return s }
        var base = ReportWriter.fileStem(layer)
        if base == "index" { base = "layer-index" }
        var candidate = base, n = 2
        while stems.values.contains(candidate) { candidate = "\(base)-\(n)"; n += 1 }
        stems[layer] = candidate
        return candidate
    }

    /// `name` reduced to a safe file-name stem (at most 80 characters, never empty or dotted).
    public static func fileStem(_ name: String) -> String {
        var out = ""
        for s in name.unicodeScalars {
            switch s {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": out.unicodeScalars.append(s)
            default: out += "_"
            }
        }
        while out.hasPrefix(".") || out.hasPrefix("_") { out.removeFirst() }
        if out.count > 80 { out = String(out.prefix(80)) }
        return out.isEmpty ? "layer" : out
    }

    /// A unit's strip as the report's JPEG (quality 88). Pure: the report encodes strips on its
    /// drawing workers, then writes them with `writeUnitJPEG`.
    public static func encodeUnitImage(_ image: RGBImage) throws(CodecError) -> [UInt8] {
        try JPEG.encode(image, quality: 88)
    }

    /// Writes a unit's strip encoded by `encodeUnitImage`.
    /// Returns its path relative to the report directory.
    public func writeUnitJPEG(_ bytes: [UInt8], layer: String, unit: Int) throws -> String {
        let folder = stem(for: layer)
        let relative = "\(folder)/unit-\(String(repeating: "0", count: max(0, 4 - String(unit).count)))\(unit).jpg"
        try write(Data(bytes), to: relative, makeFolder: folder)
        return relative
    }

    /// Writes the page of `layer` (its units' images written before) and remembers it for the
    /// index. Returns the page's file name.
    @discardableResult
    public func writeLayer(_ layer: ReportLayer) throws -> String {
        let page = stem(for: layer.name) + ".html"
        try write(Data(HTMLReport.layerPage(layer, title: title).utf8), to: page, makeFolder: nil)
        layersWritten.append((layer, page))
        return page
    }

    /// Sections the index shows above the layer table (an experiment's chart, say).
    public var indexSections: [ReportSection] = []

    /// Writes `index.html` listing every layer written so far.
    public func writeIndex() throws {
        let html = HTMLReport.indexPage(layersWritten.map(\.layer), pages: layersWritten.map(\.page),
                                        title: title, subtitle: subtitle, sections: indexSections)
        try write(Data(html.utf8), to: "index.html", makeFolder: nil)
    }

    private func write(_ data: Data, to relative: String, makeFolder folder: String?) throws {
        let path = directory + "/" + relative
        do {
            if let folder {
                try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
            }
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ReportError(file: path, cause: "cannot write (\(error.localizedDescription))")
        }
    }
}
