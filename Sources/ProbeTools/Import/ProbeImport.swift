// `netdissect probe import`: a dataset people already have (ADE20K, Pascal VOC, Cityscapes,
// COCO-Stuff, COCO panoptic, a folder of masks) written as a probe in the Broden layout, which
// `probe check` accepts and `dissect` reads unchanged.
//
// The import streams: the format reader lists file names only; images are imported in batches by
// every core, each worker reading, converting and writing one image at a time, and only the rows
// and label counts of a batch come back; they are appended to the journal in the plan's order
// (`ImportJournal`), with their problems, so a stopped import continues with the first image not
// in it and reports the problems found before the stop again at the end. The tables are written
// from the journal at the end (`ProbeTableStats`), index.csv last.
import Dissection
import Runtime
import Foundation

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// Images in the plan (after --split and --limit).
    public var images: Int
    /// Images written to the probe.
    public var imported: Int
    /// Images left out.
    public var skipped: Int
    /// Problems reported (files and folders the listing left out, images left out, and unknown
    /// mask values in images kept), those found before a stop included.
    public var problems: Int
    /// Images already done by an earlier, stopped run of the same import.
    public var resumed: Int
    /// Labels that occur, and the categories written.
    public var labels: Int
    /// See `labels`.
    public var categories: [String]
    /// Notes on the source (a list not found and what was assumed).
    public var notes: [String]
}

/// Importing a dataset into a Broden-layout probe.
public enum ProbeImport {
    /// Imports `source` (in `options.format`) into the probe directory `out`, or finishes an
    /// import of the same source with the same options that was stopped.
    ///
    /// - Parameters:
    ///   - report: called, on the calling thread, with each problem: first the files and folders the
    ///     listing left out, then each image's in image order, and at the end, when the import
    ///     continues a stopped one, those found before the stop again (`earlier` set).
    ///   - progress: called after each batch with (images done, images in all).
    /// - Throws: `ImportError` when the source, an option or the output cannot be used, or no image was imported.
    public static func run(source directory: String, out: String, options: ImportOptions,
                           report: (ImportProblem) -> Void = { _ in },
                           progress: (Int, Int) -> Void = { _, _ in }) throws(ImportError) -> ImportSummary {
        try run(source: directory, out: out, options: options, report: report, progress: progress, stopAfter: nil)
    }

    /// `run`, stopping (as a killed process would: journal kept, no tables) once `stopAfter`
    /// images are journalled; for the resume tests.
    static func run(source directory: String, out: String, options: ImportOptions,
                    report: (ImportProblem) -> Void = { _ in }, progress: (Int, Int) -> Void = { _, _ in },
                    stopAfter: Int?) throws(ImportError) -> ImportSummary {
        precondition(options.limit.map { $0 >= 1 } ?? true, "ProbeImport: --limit must be at least 1")
        precondition(options.size.map { (2...4096).contains($0) } ?? true, "ProbeImport: --size must be in 2...4096")
        if let split = options.split { try ImportCategories.check(split, option: "--split") }
        let source = try ImportSource(directory: directory)
        var plan = try plan(source, options)
        plan.makeNamesSafe()
        let listing = source.leftOut()
        listing.forEach(report)
        if let limit = options.limit, plan.items.count > limit { plan.items.removeSubrange(limit...) }
        guard !plan.items.isEmpty else {
            throw .nothingImported(reason: "\(directory) holds no image of \(options.format.rawValue)\(options.split.map { " in split \($0)" } ?? ""); check the folder and --split")
        }
        var mapText: (text: [UInt8], path: String)?
        if let map = options.map {
            do { mapText = (try RegularFile.contents(of: map, maxBytes: 16 << 20), map) } catch {
                throw .option(name: "--map", reason: "\(map): \(error.reason)")
            }
        }
        let categories = try ImportCategories(plan: plan, category: options.category, map: mapText)

        let settings = """
            netdissect probe import
            format \(options.format.rawValue)
            source \(source.realDirectory)
            category \(options.category)
            split \(options.split ?? "-")
            limit \(options.limit.map(String.init) ?? "-")
            size \(options.size.map(String.init) ?? "-")
            quality \(options.jpegQuality)
            map \(mapText.map { String(decoding: $0.text, as: UTF8.self) } ?? "-")
            """
        let (journal, done) = try ImportJournal.open(out, folder: ImportJournal.importFolder, settings: settings)
        let folder = ProbePaths.join(out, "images/" + options.format.folder)
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .output(path: folder, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        let importer = ImageImporter(source: source, plan: plan, categories: categories, options: options, out: out)
        let workers = max(1, options.workers ?? ProcessInfo.processInfo.activeProcessorCount)
        let batch = max(16, 4 * workers)
        var next = min(done, plan.items.count)
        progress(next, plan.items.count)
        while next < plan.items.count {
            if let stopAfter, next >= stopAfter { throw .output(path: out, reason: "stopped after \(next) images (test)") }
            let range = next..<min(next + batch, plan.items.count)
            let outcomes = try importBatch(range, plan.items, importer, workers: workers)
            for outcome in outcomes { outcome.problems.forEach(report) }
            try journal.append(outcomes.flatMap { JournalLine.lines(row: $0.row, problems: $0.problems) })
            next = range.upperBound
            progress(next, plan.items.count)
        }
        let header = "image,split,ih,iw,sh,sw," + categories.names.joined(separator: ",")
        let contents = try journal.readBack(categories: categories.names, header: header, earlierImages: done, earlier: report)
        guard contents.written > 0 else {
            throw .nothingImported(reason: "all \(contents.leftOut) images were left out (see the problems above)")
        }
        try journal.finish(contents, name: { plan.labels[Int($0) - 1].name }, synonyms: { plan.labels[Int($0) - 1].synonyms })
        return ImportSummary(images: contents.written + contents.leftOut, imported: contents.written, skipped: contents.leftOut,
                             problems: contents.problems + listing.count, resumed: done, labels: contents.stats.labels.count,
                             categories: categories.names, notes: plan.notes)
    }

    /// The format reader's plan of `source`.
    static func plan(_ source: ImportSource, _ options: ImportOptions) throws(ImportError) -> ImportPlan {
        switch options.format {
        case .ade20k: return try ADE20KFormat.plan(source, options)
        case .voc: return try VOCFormat.plan(source, options)
        case .cityscapes: return try CityscapesFormat.plan(source, options)
        case .cocoStuff: return try CocoStuffFormat.plan(source, options)
        case .cocoPanoptic: return try CocoPanopticFormat.plan(source, options)
        case .masks: return try MaskFolderFormat.plan(source, options)
        }
    }

    /// Imports the items of `range` on `workers` threads; outcomes in item order.
    private static func importBatch(_ range: Range<Int>, _ items: [ImportItem], _ importer: ImageImporter,
                                    workers: Int) throws(ImportError) -> [ImportOutcome] {
        let slots = BatchSlots(range)
        DispatchQueue.concurrentPerform(iterations: min(workers, range.count)) { _ in
            while let i = slots.claim() {
                do throws(ImportError) { slots.store(try importer.run(items[i]), at: i) } catch { slots.fail(error, at: i) }
            }
        }
        return try slots.outcomes()
    }

}

/// The outcomes of one batch, filled by the workers.
private final class BatchSlots: @unchecked Sendable {
    private let lock = NSLock()
    private let range: Range<Int>
    private var next: Int
    private var slots: [ImportOutcome?]
    private var error: (index: Int, error: ImportError)?

    init(_ range: Range<Int>) {
        self.range = range
        next = range.lowerBound
        slots = Array(repeating: nil, count: range.count)
    }

    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < range.upperBound else { return nil }
        next += 1
        return next - 1
    }

    func store(_ outcome: ImportOutcome, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        slots[index - range.lowerBound] = outcome
    }

    func fail(_ error: ImportError, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        if self.error.map({ index < $0.index }) ?? true { self.error = (index, error) }
    }

    func outcomes() throws(ImportError) -> [ImportOutcome] {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error.error }
        return slots.map { $0! }
    }
}
