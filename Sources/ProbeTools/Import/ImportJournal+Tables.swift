// Finishing a job from its journal: index.csv and the tables counted from the journal's rows,
// the problems found by an earlier, stopped run reported again, then the tables written and
// index.csv last, whole or not at all (written beside the journal and renamed into place).
import Dissection
import Foundation

/// What a journal holds, read back.
struct JournalContents {
    /// index.csv, header included.
    var index: String
    /// The label counts of the rows.
    var stats: ProbeTableStats
    /// Images written, and images left out.
    var written = 0
    /// See `written`.
    var leftOut = 0
    /// Problems of all the images (those of an earlier run included).
    var problems = 0
}

extension ImportJournal {
    /// Reads the journal back.
    ///
    /// - Parameters:
    ///   - categories: the category names of the probe, in category.csv order.
    ///   - header: index.csv's first line, without line end.
    ///   - earlierImages: how many images an earlier run did; their problems are given to `earlier`.
    /// - Throws: `ImportError.output` when the journal cannot be read or a line is damaged.
    func readBack(categories: [String], header: String, earlierImages: Int,
                  earlier: (ImportProblem) -> Void) throws(ImportError) -> JournalContents {
        let text: [UInt8]
        do { text = try ProbePaths.read(folder + "/journal", in: directory, maxBytes: 1 << 30) } catch {
            throw .output(path: journalPath, reason: "cannot read back (\(error.reason))")
        }
        var contents = JournalContents(index: header + "\n", stats: ProbeTableStats(categories: categories))
        var images = 0
        for (n, line) in String(decoding: text, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let entry = JournalLine(line, categories: categories.count) else {
                throw .output(path: journalPath, reason: "line \(n + 1) is damaged; remove \(ProbePaths.join(directory, folder)) and run the command again")
            }
            switch entry {
            case var .problem(problem):
                if images < earlierImages { problem.earlier = true; earlier(problem) }
            case let .skip(count):
                images += 1
                contents.leftOut += 1; contents.problems += count
            case let .row(row, count):
                images += 1
                contents.written += 1; contents.problems += count
                contents.index += row.row + "\n"
                contents.stats.add(pixels: row.pixels, area: row.area)
            }
        }
        return contents
    }

    /// Writes category.csv, label.csv, the c_*.csv of `contents`, then index.csv, and removes the journal.
    ///
    /// - Parameters:
    ///   - name: the name of a label id that occurs.
    ///   - synonyms: its synonyms.
    func finish(_ contents: JournalContents, name: (UInt32) -> String, synonyms: (UInt32) -> [String]) throws(ImportError) {
        for table in contents.stats.tables(name: name, synonyms: synonyms) {
            try Self.write(Array(table.text.utf8), to: ProbePaths.join(directory, table.file))
        }
        // index.csv last, whole or not at all: its presence says the probe is finished.
        let temporary = ProbePaths.join(directory, folder + "/index.csv")
        try Self.write(Array(contents.index.utf8), to: temporary)
        guard rename(temporary, ProbePaths.join(directory, "index.csv")) == 0 else {
            throw .output(path: ProbePaths.join(directory, "index.csv"), reason: "cannot be written (\(String(cString: strerror(errno))))")
        }
        remove()
    }
}
