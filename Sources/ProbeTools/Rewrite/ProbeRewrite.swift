// `netdissect probe resize` and `probe subset`: a new probe made from an existing one, record by
// record, with its tables counted again from what was written.
//
// - resize: every image to `size x size` (bilinear, Render's `resizedBilinear`), every
//   segmentation layer to the row's ratio of segmentation to image size times `size` (nearest
//   neighbour, so labels are never blended: Broden's 224/112 becomes 60/30), and coverages
//   recomputed from the resized layers.
// - subset: the first N rows (`limit`) and/or only some categories' columns (`categories`); a row
//   left without any annotation of the kept categories is dropped. Files are copied byte for byte.
//
// Records are read and written by every core in batches; only rows and label counts come back,
// and they are appended to a journal (`ImportJournal`, in `<out>/.rewrite/`) once a batch's files
// are written, so a stopped resize or subset continues, when the same command is run again, with
// the first record not in it, and writes the same probe, byte for byte, as a run that never
// stopped. A record that cannot be read is reported (one line, as `probe check` words it) and
// left out; the problems found before a stop are reported again at the end.
import Dissection
import Foundation
import Render
import Runtime

/// What a resize or subset did.
public struct RewriteSummary: Sendable, Equatable {
    /// Rows written, and rows of the source left out (unreadable, or without kept annotation).
    public var written: Int
    /// See `written`.
    public var leftOut: Int
    /// Labels and categories of the probe written.
    public var labels: Int
    /// See `labels`.
    public var categories: [String]
    /// Rows done by an earlier, stopped run of the same command.
    public var resumed: Int
    /// Rows reported as unreadable (those of an earlier run included).
    public var problems: Int
}

/// Making a probe from another: resized, or a subset.
public enum ProbeRewrite {
    /// Writes `directory` resized to `size` into `out` (see the file's comment), or finishes such
    /// a resize that was stopped.
    ///
    /// - Parameters:
    ///   - report: called with each unreadable row, in row order; at the end with those an
    ///     earlier, stopped run found (`earlier` set).
    ///   - progress: called after each batch with (rows done, rows in all).
    public static func resize(_ directory: String, size: Int, out: String, workers: Int? = nil,
                              report: (ImportProblem) -> Void = { _ in },
                              progress: (Int, Int) -> Void = { _, _ in }) throws(ImportError) -> RewriteSummary {
        try resize(directory, size: size, out: out, workers: workers, report: report, progress: progress, stopAfter: nil)
    }

    /// Writes the first `limit` rows of `directory`, or its `categories` only, or both, into
    /// `out`, or finishes such a subset that was stopped (`report` and `progress` as `resize`'s).
    public static func subset(_ directory: String, limit: Int?, categories: [String]?, out: String, workers: Int? = nil,
                              report: (ImportProblem) -> Void = { _ in },
                              progress: (Int, Int) -> Void = { _, _ in }) throws(ImportError) -> RewriteSummary {
        try subset(directory, limit: limit, categories: categories, out: out, workers: workers, report: report,
                   progress: progress, stopAfter: nil)
    }

    /// `resize`, stopping (as a killed process would: journal kept, no tables) once `stopAfter`
    /// rows are journalled; for the resume tests.
    static func resize(_ directory: String, size: Int, out: String, workers: Int? = nil,
                       report: (ImportProblem) -> Void = { _ in }, progress: (Int, Int) -> Void = { _, _ in },
                       stopAfter: Int?) throws(ImportError) -> RewriteSummary {
        precondition((2...4096).contains(size), "ProbeRewrite.resize: size \(size) is not in 2...4096")
        let dataset = try open(directory)
        let settings = try settings("resize", dataset) + "size \(size)\n"
        return try rewrite(dataset, records: dataset.records, keep: Array(dataset.categories.indices), mode: .resize(size),
                           out: out, settings: settings, workers: workers, report: report, progress: progress, stopAfter: stopAfter)
    }

    /// `subset`, stopping once `stopAfter` rows are journalled; for the resume tests.
    static func subset(_ directory: String, limit: Int?, categories: [String]?, out: String, workers: Int? = nil,
                       report: (ImportProblem) -> Void = { _ in }, progress: (Int, Int) -> Void = { _, _ in },
                       stopAfter: Int?) throws(ImportError) -> RewriteSummary {
        precondition(limit.map { $0 >= 1 } ?? true, "ProbeRewrite.subset: limit must be at least 1")
        let dataset = try open(directory)
        var keep = Array(dataset.categories.indices)
        if let categories {
            for name in categories where dataset.category(named: name) == nil {
                throw .option(name: "--categories", reason: "\(ProbeText.shown(name)) is not a category of \(directory) (it has \(dataset.categories.map(\.name).joined(separator: ", ")))")
            }
            keep = keep.filter { categories.contains(dataset.categories[$0].name) }
        }
        let records = limit.map { Array(dataset.records.prefix($0)) } ?? dataset.records
        let settings = try settings("subset", dataset) + "limit \(limit.map(String.init) ?? "-")\ncategories \(keep.map(String.init).joined(separator: ","))\n"
        return try rewrite(dataset, records: records, keep: keep, mode: .copy, out: out, settings: settings, workers: workers,
                           report: report, progress: progress, stopAfter: stopAfter)
    }

    enum Mode: Sendable { case resize(Int), copy }

    private static func open(_ directory: String) throws(ImportError) -> ProbeDataset {
        do { return try ProbeDataset.open(directory: directory) } catch {
            throw .probe(message: error.message(directory: directory))
        }
    }

    /// What a journal of `command` on `dataset` must agree with to be continued: the source's
    /// real path and a digest of its index.csv (a source changed since the stop is not mixed in).
    private static func settings(_ command: String, _ dataset: ProbeDataset) throws(ImportError) -> String {
        let index: [UInt8]
        do { index = try ProbePaths.read("index.csv", in: dataset.directory, maxBytes: 1 << 30) } catch {
            throw .probe(message: "\(ProbePaths.join(dataset.directory, "index.csv")): \(error.reason)")
        }
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325      // FNV-1a, 64 bits
        for byte in index { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let real = RegularFile.realPath(dataset.directory) ?? dataset.directory
        return "netdissect probe \(command)\nsource \(real)\nindex \(index.count) \(String(digest, radix: 16))\n"
    }

    private static func rewrite(_ dataset: ProbeDataset, records: [ProbeRecord], keep: [Int], mode: Mode, out: String,
                                settings: String, workers: Int?, report: (ImportProblem) -> Void,
                                progress: (Int, Int) -> Void, stopAfter: Int?) throws(ImportError) -> RewriteSummary {
        let (journal, done) = try ImportJournal.open(out, folder: ImportJournal.rewriteFolder, settings: settings)
        let writer = RecordWriter(dataset: dataset, keep: keep, mode: mode, out: out)
        let workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
        let batch = max(16, 4 * workers)
        var next = min(done, records.count)
        progress(next, records.count)
        while next < records.count {
            if let stopAfter, next >= stopAfter { throw .output(path: out, reason: "stopped after \(next) rows (test)") }
            let range = next..<min(next + batch, records.count)
            let results = RewriteSlots(range.count)
            DispatchQueue.concurrentPerform(iterations: min(workers, range.count)) { _ in
                while let k = results.claim() {
                    results.store(Result { () throws(ImportError) in try writer.write(records[range.lowerBound + k]) }, at: k)
                }
            }
            var lines: [String] = []
            for result in results.all {
                switch result {
                case let .failure(error): throw error
                case let .success(.skipped(reason)):
                    let problems = reason.map { [ImportProblem(file: "", cause: $0)] } ?? []
                    problems.forEach(report)
                    lines += JournalLine.lines(row: nil, problems: problems)
                case let .success(.row(row)):
                    lines += JournalLine.lines(row: row, problems: [])
                }
            }
            try journal.append(lines)
            next = range.upperBound
            progress(next, records.count)
        }
        let names = keep.map { dataset.categories[$0].name }
        let header = "image,split,ih,iw,sh,sw," + names.map(csvField).joined(separator: ",")
        let contents = try journal.readBack(categories: names, header: header, earlierImages: done, earlier: report)
        guard contents.written > 0 else { throw .nothingImported(reason: "no row of \(dataset.directory) could be written (see the problems above)") }
        try journal.finish(contents, name: { dataset.label(id: Int($0))?.name ?? "label\($0)" },
                           synonyms: { dataset.label(id: Int($0))?.synonyms ?? [] })
        return RewriteSummary(written: contents.written, leftOut: contents.leftOut, labels: contents.stats.labels.count,
                              categories: names, resumed: done, problems: contents.problems)
    }
}

/// What writing one record gave.
enum RewrittenRecord: Sendable {
    case row(ImportedRow)
    /// Left out: unreadable (the reason), or without annotation of the kept categories (nil).
    case skipped(String?)
}

/// Writes one record of the new probe; shared by the workers.
struct RecordWriter: Sendable {
    let dataset: ProbeDataset
    let keep: [Int]
    let mode: ProbeRewrite.Mode
    let out: String

    func write(_ record: ProbeRecord) throws(ImportError) -> RewrittenRecord {
        let sample: ProbeSample
        do { sample = try dataset.sample(record) } catch { return .skipped(error.description + "; row left out") }
        guard keep.contains(where: { !record.cells[$0].isEmpty }) else { return .skipped(nil) }
        var (ih, iw, sh, sw) = (record.imageHeight, record.imageWidth, record.segmentationHeight, record.segmentationWidth)
        switch mode {
        case .copy:
            try copy(record.image)
        case let .resize(size):
            // Each segmentation keeps its ratio to the image (Broden: half).
            sh = max(1, (size * sh + ih / 2) / ih)
            sw = max(1, (size * sw + iw / 2) / iw)
            (ih, iw) = (size, size)
            let picture = sample.image.resizedBilinear(width: size, height: size)
            let jpeg: [UInt8]
            do { jpeg = try JPEG.encode(picture, quality: 90) } catch {
                throw .output(path: ProbePaths.join(out, "images/" + record.image), reason: "cannot encode (\(error))")
            }
            try save(jpeg, record.image)
        }
        var cells: [String] = []
        var pixels: [[UInt32: Int]] = []
        let area = sh * sw
        for c in keep {
            var counts: [UInt32: Int] = [:]
            switch record.cells[c] {
            case let .labels(ids):
                for id in ids { counts[UInt32(id)] = area }
                cells.append(ids.map(String.init).joined(separator: ";"))
            case let .layers(paths):
                var maps = sample.layers[c]
                for (k, path) in paths.enumerated() {
                    switch mode {
                    case .copy:
                        try copy(path)
                    case .resize:
                        maps[k] = maps[k].resizedNearest(width: sw, height: sh)
                        let png: [UInt8]
                        do { png = try PNG.encode(maps[k].rgEncoded(), compressionLevel: 3) } catch {
                            throw .output(path: ProbePaths.join(out, "images/" + path), reason: "cannot encode (\(error))")
                        }
                        try save(png, path)
                    }
                }
                // A pixel counts once per label however many layers carry it.
                for p in 0..<area {
                    var seen: [UInt32] = []
                    for map in maps {
                        let label = map.labels[p]
                        if label == 0 || seen.contains(label) { continue }
                        seen.append(label)
                        if dataset.label(id: Int(label)) != nil { counts[label, default: 0] += 1 }
                    }
                }
                cells.append(paths.map(csvField).joined(separator: ";"))
            }
            pixels.append(counts)
        }
        let row = "\(csvField(record.image)),\(csvField(record.split)),\(ih),\(iw),\(sh),\(sw)," + cells.joined(separator: ",")
        return .row(ImportedRow(row: row, pixels: pixels, area: area))
    }

    /// Copies the file `relative` (to `images/`) byte for byte.
    private func copy(_ relative: String) throws(ImportError) {
        let bytes: [UInt8]
        do { bytes = try ProbePaths.read("images/" + relative, in: dataset.directory) } catch {
            throw .source(path: ProbePaths.join(dataset.directory, "images/" + relative), reason: error.reason)
        }
        try save(bytes, relative)
    }

    private func save(_ bytes: [UInt8], _ relative: String) throws(ImportError) {
        let path = ProbePaths.join(out, "images/" + relative)
        let parent = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw .output(path: parent, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        try ImportJournal.write(bytes, to: path)
    }
}

/// The results of one batch, filled by the workers.
private final class RewriteSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [Result<RewrittenRecord, ImportError>?]

    init(_ count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ result: Result<RewrittenRecord, ImportError>, at k: Int) {
        lock.lock(); defer { lock.unlock() }
        slots[k] = result
    }

    var all: [Result<RewrittenRecord, ImportError>] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0! }
    }
}
