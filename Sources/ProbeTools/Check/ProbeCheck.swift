// Checking a whole probe dataset: read every table, decode every image and segmentation, and
// report per category what is there and every problem with its file and line.
import Dissection
import Render

/// The outcome of checking a dataset.
public struct ProbeCheckReport: Sendable {
    /// What one category holds.
    public struct CategorySummary: Sendable, Equatable {
        public var name: String
        /// Pixel or image-level.
        public var kind: CategoryKind
        /// Images annotated with the category (a non-empty cell).
        public var images: Int
        /// Distinct labels found in the images (in segmentations or cells).
        public var labelsFound: Int
        /// Labels that label.csv lists in this category.
        public var labelsListed: Int
    }

    /// The dataset directory.
    public var directory: String
    /// Rows in index.csv, and of those in the train and val splits.
    public var records: Int
    /// See `records`.
    public var train: Int
    /// See `records`.
    public var val: Int
    /// Rows whose files were all read and decoded.
    public var usable: Int
    /// Per category, in category.csv order.
    public var categories: [CategorySummary]
    /// Labels in label.csv.
    public var labels: Int
    /// Every problem, by file and line.
    public var problems: [ProbeProblem]

    /// Rows that cannot be used.
    public var skipped: Int { records - usable }
    /// Whether a dissection can run on the dataset: at least one usable image and no error.
    public var isUsable: Bool { usable > 0 && !problems.contains { $0.severity == .error } }

    /// The report as lines of text for a terminal (names from the dataset cleaned and cut).
    public func lines() -> [String] {
        var out = ["\(TerminalText.sanitize(directory)): \(records) images (\(train) train, \(val) val), \(labels) labels in \(categories.count) categories", ""]
        let names = categories.map { ProbeText.shown($0.name) }
        let width = max(8, names.map(TerminalText.displayWidth).max() ?? 0)
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - TerminalText.displayWidth(s)))
            return right ? fill + s : s + fill
        }
        out.append(pad("category", width) + "  " + pad("kind", 11) + pad("images", 8, right: true) + pad("labels", 8, right: true)
                   + pad("listed", 8, right: true))
        for (c, name) in zip(categories, names) {
            out.append(pad(name, width) + "  " + pad(c.kind.rawValue, 11) + pad(String(c.images), 8, right: true)
                       + pad(String(c.labelsFound), 8, right: true) + pad(String(c.labelsListed), 8, right: true))
        }
        out.append("")
        if problems.isEmpty {
            out.append("no problems found")
        } else {
            out.append("\(problems.count) problem\(problems.count == 1 ? "" : "s"):")
            out += problems.map { "  \($0)" }
        }
        out.append("")
        out.append("\(usable) of \(records) images usable, \(skipped) skipped; "
                   + (isUsable ? "the dataset can be used" : "the dataset cannot be used"))
        return out
    }
}

extension ProbeDataset {
    /// Reads and decodes every record and reports what the dataset holds and what is wrong.
    ///
    /// - Parameters:
    ///   - workers: decoding threads (default: the number of cores).
    ///   - progress: called now and then with (records done, records in all).
    /// - Throws: `ProbeError` when the dataset cannot be opened at all.
    public static func check(directory: String, workers: Int? = nil,
                             progress: ((Int, Int) -> Void)? = nil) throws(ProbeError) -> ProbeCheckReport {
        let dataset = try open(directory: directory)
        var problems = dataset.problems
        var imagesPerCategory = Array(repeating: 0, count: dataset.categories.count)
        var labelsPerCategory = Array(repeating: Set<Int>(), count: dataset.categories.count)
        var usable = 0
        var done = 0
        // Problems found in the images, listed up to a bound like the tables' and counted beyond.
        var shown = 0, unlisted = 0, firstUnlistedLine = 0
        func add(_ problem: ProbeProblem) {
            guard shown < ProbeProblem.maxListed else {
                if unlisted == 0 { firstUnlistedLine = problem.line ?? 0 }
                unlisted += 1
                return
            }
            shown += 1
            problems.append(problem)
        }
        for item in ProbeLoader(dataset: dataset, workers: workers) {
            done += 1
            if done % 500 == 0 { progress?(done, dataset.records.count) }
            switch item {
            case let .skip(record, error):
                // A defective row was already reported by the reader.
                if record.defect == nil {
                    add(ProbeProblem(file: "index.csv", line: record.line, severity: .warning,
                                     cause: "\(error.file): \(error.reason); image left out"))
                }
            case let .sample(sample):
                usable += 1
                for category in dataset.categories {
                    let c = category.index
                    if !sample.record.cells[c].isEmpty { imagesPerCategory[c] += 1 }
                    labelsPerCategory[c].formUnion(sample.imageLabels[c])
                    for (k, map) in sample.layers[c].enumerated() {
                        var unknown = Set<UInt32>()
                        for label in Set(map.labels) where label != 0 {
                            if dataset.label(id: Int(label)) == nil { unknown.insert(label) } else { labelsPerCategory[c].insert(Int(label)) }
                        }
                        if !unknown.isEmpty {
                            let path = ProbeText.shown(sample.record.layers(c)[k])
                            let sorted = unknown.sorted()
                            var list = sorted.prefix(10).map(String.init).joined(separator: ", ")
                            if sorted.count > 10 { list += " and \(sorted.count - 10) more" }
                            add(ProbeProblem(
                                file: "index.csv", line: sample.record.line, severity: .warning,
                                cause: "images/\(path): label\(unknown.count == 1 ? "" : "s") \(list) not in label.csv; ignored"))
                        }
                    }
                }
            }
        }
        progress?(done, dataset.records.count)
        if unlisted > 0 {
            problems.append(ProbeProblem(file: "index.csv", line: firstUnlistedLine, severity: .warning,
                                         cause: "\(unlisted) more problem\(unlisted == 1 ? "" : "s") with images from this line on, not listed (only the first \(ProbeProblem.maxListed) are)"))
        }
        let listed = dataset.categories.map { category in
            dataset.labels.filter { $0.categories.contains { $0.category == category.index } }.count
        }
        let summaries = dataset.categories.map { category in
            ProbeCheckReport.CategorySummary(name: category.name, kind: category.kind, images: imagesPerCategory[category.index],
                                             labelsFound: labelsPerCategory[category.index].count, labelsListed: listed[category.index])
        }
        if dataset.records.isEmpty {
            problems.append(ProbeProblem(file: "index.csv", severity: .error, cause: "no image rows"))
        }
        // Group by file, then by line, keeping the order found within a line.
        problems = problems.enumerated().sorted { a, b in
            (a.element.file, a.element.line ?? 0, a.offset) < (b.element.file, b.element.line ?? 0, b.offset)
        }.map(\.element)
        return ProbeCheckReport(directory: directory, records: dataset.records.count,
                                train: dataset.records.reduce(0) { $0 + ($1.split == "train" ? 1 : 0) },
                                val: dataset.records.reduce(0) { $0 + ($1.split == "val" ? 1 : 0) },
                                usable: usable, categories: summaries, labels: dataset.labels.count, problems: problems)
    }
}
