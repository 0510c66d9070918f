// The journal of an import, resize or subset in progress: what makes a stopped job continue where
// it stopped.
//
// `<out>/<folder>/settings` holds what the job was asked (for an import: format, real source
// path, options, the --map text); `<out>/<folder>/journal` one line per image done, in the order
// of the plan, each after the lines of its problems:
//
//     P <file> <cause>                                 a problem of the image whose line follows
//     R <problems> <area> <counts> <index.csv row>     an image written (tab-separated)
//     S <problems>                                     an image left out
//
// `<counts>` is `c:id=pixels,id=pixels|c:...` (`-` for none). Lines are appended after each batch
// of images, which are written before their lines: an R or S line in the journal is a finished
// image. A line cut by a stop (no line end), and problem lines that no R or S line follows, are
// dropped when the job continues. The tables and index.csv are written from the journal at the
// end, index.csv last, and the journal is then removed: a directory with index.csv holds a
// finished probe, one with the journal's folder an unfinished job.
import Dissection
import Foundation
import Render

struct ImportJournal {
    /// The folder of an import's journal.
    static let importFolder = ".import"
    /// The folder of a resize's or subset's journal.
    static let rewriteFolder = ".rewrite"

    let directory: String
    /// The journal's folder inside `directory`.
    let folder: String
    var settingsPath: String { ProbePaths.join(directory, folder + "/settings") }
    var journalPath: String { ProbePaths.join(directory, folder + "/journal") }

    /// Opens the journal of `directory` for `settings`: a new one, or the unfinished one with the
    /// same settings.
    ///
    /// - Returns: the journal and the number of images it has done (R and S lines).
    /// - Throws: `ImportError.output` when the directory holds something else (a finished probe, other
    ///   files, a job with other settings) or cannot be written.
    static func open(_ directory: String, folder: String = importFolder,
                     settings: String) throws(ImportError) -> (journal: ImportJournal, done: Int) {
        let journal = ImportJournal(directory: directory, folder: folder)
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        if entries.contains("index.csv") {
            throw .output(path: directory, reason: "already holds a probe (index.csv); choose another --out")
        }
        if entries.contains(folder) {
            let previous = (try? ProbePaths.read(folder + "/settings", in: directory, maxBytes: 1 << 20)).map { String(decoding: $0, as: UTF8.self) }
            guard previous == settings else {
                throw .output(path: directory, reason: "holds an unfinished job with other settings; run it again with the same options to finish it, or choose another --out")
            }
            var text = (try? ProbePaths.read(folder + "/journal", in: directory, maxBytes: 1 << 30)) ?? []
            // A line cut by the stop, and problems of an image whose line was not written, are
            // dropped, in the file too, so appending goes on after the last finished image.
            let kept = finishedLength(text)
            text.removeSubrange(kept...)
            try journal.replace(text)
            let done = text.split(separator: UInt8(ascii: "\n")).count { $0.first == UInt8(ascii: "R") || $0.first == UInt8(ascii: "S") }
            return (journal, done)
        }
        let visible = entries.filter { !$0.hasPrefix(".") }
        guard visible.isEmpty else {
            let named = visible.prefix(3).map(ProbeText.shown).joined(separator: ", ")
            throw .output(path: directory, reason: "is not empty (\(named)\(visible.count > 3 ? ", ..." : "")); give --out a new or empty directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: ProbePaths.join(directory, folder), withIntermediateDirectories: true)
        } catch {
            throw .output(path: directory, reason: "cannot create the directory (\(error.localizedDescription)); check that its parent is writable")
        }
        try write(Array(settings.utf8), to: journal.settingsPath)
        try journal.replace([])
        return (journal, 0)
    }

    /// The length of `text` up to the end of its last complete R or S line.
    static func finishedLength(_ text: [UInt8]) -> Int {
        var end = text.count
        while let lineEnd = text[..<end].lastIndex(of: UInt8(ascii: "\n")) {
            let start = (text[..<lineEnd].lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
            if start < lineEnd, text[start] == UInt8(ascii: "R") || text[start] == UInt8(ascii: "S") { return lineEnd + 1 }
            end = start
        }
        return 0
    }

    /// Appends `lines` (each without line end) and flushes them to the disk.
    func append(_ lines: [String]) throws(ImportError) {
        guard !lines.isEmpty else { return }
        guard let handle = FileHandle(forWritingAtPath: journalPath) else {
            throw .output(path: journalPath, reason: "cannot open the journal; check permissions")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
            try handle.synchronize()
        } catch {
            throw .output(path: journalPath, reason: "cannot write (\(error.localizedDescription)); check free space")
        }
    }

    /// Removes the journal once the probe's tables are written.
    func remove() {
        try? FileManager.default.removeItem(atPath: ProbePaths.join(directory, folder))
    }

    private func replace(_ bytes: [UInt8]) throws(ImportError) { try Self.write(bytes, to: journalPath) }

    static func write(_ bytes: [UInt8], to path: String) throws(ImportError) {
        do { try ProbePaths.write(bytes, to: path) } catch {
            throw .output(path: path, reason: "cannot write (\(error.reason)); check free space and permissions")
        }
    }
}

/// One journal line, read back.
enum JournalLine: Equatable {
    case problem(ImportProblem)
    case row(ImportedRow, problems: Int)
    case skip(problems: Int)

    /// The lines of one image: its problems, then its row or skip.
    static func lines(row: ImportedRow?, problems: [ImportProblem]) -> [String] {
        problems.map { JournalLine.problem($0).text }
            + [(row.map { JournalLine.row($0, problems: problems.count) } ?? .skip(problems: problems.count)).text]
    }

    var text: String {
        switch self {
        case let .problem(problem):
            // Sanitized: no tab, line end or control character is left in either part.
            return "P\t\(TerminalText.sanitize(problem.file))\t\(TerminalText.sanitize(problem.cause))"
        case let .skip(problems):
            return "S\t\(problems)"
        case let .row(row, problems):
            let counts = row.pixels.enumerated().filter { !$0.element.isEmpty }.map { c, labels in
                "\(c):" + labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
            }
            return "R\t\(problems)\t\(row.area)\t\(counts.isEmpty ? "-" : counts.joined(separator: "|"))\t\(row.row)"
        }
    }

    /// Parses a line written by `text` for a probe of `categories` categories; nil when damaged.
    init?(_ line: Substring, categories: Int) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard let kind = fields.first, fields.count >= 2 else { return nil }
        if kind == "P", fields.count == 3 { self = .problem(ImportProblem(file: String(fields[1]), cause: String(fields[2]))); return }
        guard let problems = Int(fields[1]), problems >= 0 else { return nil }
        if kind == "S", fields.count == 2 { self = .skip(problems: problems); return }
        guard kind == "R", fields.count == 5, let area = Int(fields[2]), area > 0 else { return nil }
        var pixels: [[UInt32: Int]] = Array(repeating: [:], count: categories)
        if fields[3] != "-" {
            for part in fields[3].split(separator: "|") {
                let halves = part.split(separator: ":")
                guard halves.count == 2, let c = Int(halves[0]), (0..<categories).contains(c) else { return nil }
                for pair in halves[1].split(separator: ",") {
                    let kv = pair.split(separator: "=")
                    guard kv.count == 2, let id = UInt32(kv[0]), let count = Int(kv[1]), count > 0 else { return nil }
                    pixels[c][id] = count
                }
            }
        }
        self = .row(ImportedRow(row: String(fields[4]), pixels: pixels, area: area), problems: problems)
    }
}
