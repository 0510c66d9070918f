// Reading category.csv, label.csv and the c_<category>.csv files, and deciding each label's
// primary category (docs/method.md#primary-category).
//
// What a table states is bounded before it sizes anything: at most `maxCategories` categories,
// label ids at most `LabelMap.maxLabel` (65535, the most a segmentation's R + 256 * G encodes;
// a dense per-label array is sized by the largest id, so a label numbered 1e8 would otherwise
// cost gigabytes), and coverages finite and non-negative (they decide primary categories).

extension ProbeDataset {
    /// Most categories a dataset may list (Broden has six).
    static let maxCategories = 1024

    /// Reads `category.csv`. The kinds of non-standard categories are settled later from index.csv.
    static func readCategories(_ table: CSVTable, problems: inout [ProbeProblem]) throws(ProbeError) -> [ProbeCategory] {
        var table = table
        let name = try table.requiredColumn("name")
        let first = table.column("first"), last = table.column("last")
        let count = table.column("count"), frequency = table.column("frequency")
        var categories: [ProbeCategory] = []
        var tooMany: Int?
        table.forEachRow { table, row in
            guard table.fits(row) else { return true }
            let categoryName = row.fields[name].trimmingSpaces
            guard !categoryName.isEmpty else { table.note(row.line, .warning, "a category without a name; row left out"); return true }
            guard !categories.contains(where: { $0.name == categoryName }) else {
                table.note(row.line, .warning, "category '\(ProbeText.shown(categoryName))' is listed twice; the first row counts")
                return true
            }
            guard categories.count < maxCategories else { tooMany = row.line; return false }
            func number(_ column: Int?) -> Int {
                guard let column else { return 0 }
                return row.fields[column].decimalInt ?? 0
            }
            categories.append(ProbeCategory(
                index: categories.count, name: categoryName,
                kind: CategoryKind.standard(categoryName) ?? .pixel,
                firstLabel: number(first), lastLabel: number(last),
                labelCount: number(count), frequency: number(frequency)))
            return true
        }
        if let tooMany {
            throw .malformed(file: "category.csv", line: tooMany, reason: "more than \(maxCategories) categories")
        }
        problems += table.problems
        guard !categories.isEmpty else {
            throw .malformed(file: "category.csv", line: nil, reason: "no categories are listed")
        }
        return categories
    }

    /// Reads `label.csv`, ascending by id; duplicate and invalid ids are left out with a problem.
    static func readLabels(_ table: CSVTable, categories: [ProbeCategory],
                           problems: inout [ProbeProblem]) throws(ProbeError) -> [ProbeLabel] {
        var table = table
        let number = try table.requiredColumn("number")
        let name = try table.requiredColumn("name")
        let category = table.column("category"), frequency = table.column("frequency")
        let coverage = table.column("coverage"), syns = table.column("syns")
        var labels: [ProbeLabel] = []
        var seen = Set<Int>()
        table.forEachRow { table, row in
            guard table.fits(row) else { return true }
            guard let id = row.fields[number].decimalInt, id >= 1 else {
                let text = row.fields[number]
                if text.decimalInt != 0 {  // "0" is the "-" row some copies list: not a label, not a problem
                    table.note(row.line, .warning, "label number '\(ProbeText.shown(text))' is not an integer >= 1; row left out")
                }
                return true
            }
            guard id <= LabelMap.maxLabel else {
                table.note(row.line, .warning, "label number \(id) is above \(LabelMap.maxLabel), the largest a segmentation can encode (R + 256 * G); row left out")
                return true
            }
            guard seen.insert(id).inserted else {
                table.note(row.line, .warning, "label \(id) is listed twice; the first row counts")
                return true
            }
            var inCategories: [LabelInCategory] = []
            if let category {
                for (categoryName, count) in parseCategoryCounts(row.fields[category]) {
                    guard let index = categories.firstIndex(where: { $0.name == categoryName }) else {
                        table.note(row.line, .warning, "label \(id) names category '\(ProbeText.shown(categoryName))', which category.csv does not list")
                        continue
                    }
                    inCategories.append(LabelInCategory(category: index, code: 0, frequency: count, coverage: 0))
                }
            }
            var total = 0.0
            if let coverage, let value = coverageValue(row.fields[coverage], line: row.line, table: &table, otherwise: "read as 0") {
                total = value
            }
            labels.append(ProbeLabel(
                id: id, name: row.fields[name].trimmingSpaces,
                frequency: frequency.flatMap { row.fields[$0].decimalInt } ?? 0,
                coverage: total,
                synonyms: syns.map { row.fields[$0].split(separator: ";").map { String($0).trimmingSpaces } } ?? [],
                categories: inCategories.sorted { $0.category < $1.category },
                primaryCategory: nil))
            return true
        }
        problems += table.problems
        labels.sort { $0.id < $1.id }
        return labels
    }

    /// A coverage cell as a finite number >= 0 (an empty cell reads 0); nil, with a problem
    /// ending in `otherwise`, for anything else. NaN would make every comparison of coverages
    /// false, and a negative or infinite area means the table is damaged.
    static func coverageValue(_ text: String, line: Int, table: inout CSVTable, otherwise: String) -> Double? {
        let text = text.trimmingSpaces
        if text.isEmpty { return 0 }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            table.note(line, .warning, "coverage '\(ProbeText.shown(text))' is not a finite number >= 0; \(otherwise)")
            return nil
        }
        return value
    }

    /// Splits `object(2134);part(12)` into names and counts (a count that is missing reads 0).
    static func parseCategoryCounts(_ text: String) -> [(String, Int)] {
        text.split(separator: ";").compactMap { part in
            let part = String(part).trimmingSpaces
            guard !part.isEmpty else { return nil }
            guard let open = part.firstIndex(of: "("), part.hasSuffix(")") else { return (part, 0) }
            let count = String(part[part.index(after: open)..<part.index(before: part.endIndex)]).decimalInt ?? 0
            return (String(part[..<open]).trimmingSpaces, count)
        }
    }

    /// Reads every `c_<category>.csv` and records each label's code, frequency and coverage in
    /// that category. A missing file is a warning: primary categories then fall back to the
    /// image counts of label.csv.
    /// - Returns: the (label, category) pairs the tables listed.
    static func readCategoryTables(directory: String, categories: [ProbeCategory], labels: inout [ProbeLabel],
                                   positions: [Int: Int], problems: inout [ProbeProblem]) -> Set<CategoryTableKey> {
        var listed = Set<CategoryTableKey>()
        for category in categories {
            let file = "c_\(category.name).csv"
            var table: CSVTable
            do {
                table = try CSVTable(directory: directory, file: file)
            } catch {
                problems.append(ProbeProblem(file: file, severity: .warning,
                                             cause: "cannot be used (\(error)); primary categories fall back to label.csv's image counts"))
                continue
            }
            guard let number = table.column("number") else {
                problems += table.problems
                problems.append(ProbeProblem(file: file, line: 1, severity: .warning, cause: "no column 'number'; file ignored"))
                continue
            }
            let code = table.column("code"), frequency = table.column("frequency"), coverage = table.column("coverage")
            var seen = Set<Int>()
            table.forEachRow { table, row in
                guard table.fits(row) else { return true }
                guard let id = row.fields[number].decimalInt, id >= 1 else {
                    if row.fields[number].decimalInt != 0 {
                        table.note(row.line, .warning, "label number '\(ProbeText.shown(row.fields[number]))' is not an integer >= 1")
                    }
                    return true
                }
                guard let position = positions[id] else {
                    table.note(row.line, .warning, "label \(id) is not in label.csv; row left out")
                    return true
                }
                // A damaged coverage would decide the primary category: the row is left out.
                var area = 0.0
                if let coverage {
                    guard let value = coverageValue(row.fields[coverage], line: row.line, table: &table, otherwise: "row left out") else {
                        return true
                    }
                    area = value
                }
                guard seen.insert(id).inserted else {
                    table.note(row.line, .warning, "label \(id) is listed twice; the first row counts")
                    return true
                }
                let entry = LabelInCategory(
                    category: category.index,
                    code: code.flatMap { row.fields[$0].decimalInt } ?? 0,
                    frequency: frequency.flatMap { row.fields[$0].decimalInt } ?? 0,
                    coverage: area)
                var label = labels[position]
                if let existing = label.categories.firstIndex(where: { $0.category == category.index }) {
                    label.categories[existing] = entry
                } else {
                    label.categories.append(entry)
                    label.categories.sort { $0.category < $1.category }
                }
                labels[position] = label
                listed.insert(CategoryTableKey(label: id, category: category.index))
                return true
            }
            problems += table.problems
        }
        return listed
    }

    /// A label listed in a category's c_<category>.csv.
    struct CategoryTableKey: Hashable {
        var label: Int
        var category: Int
    }

    /// Sets every label's primary category: the largest coverage among the categories whose
    /// c_<category>.csv lists it; with none, the largest image count from label.csv. Ties go to
    /// the category listed first in category.csv.
    static func assignPrimaryCategories(_ labels: inout [ProbeLabel], listed: Set<CategoryTableKey>) {
        for position in labels.indices {
            let id = labels[position].id
            let entries = labels[position].categories
            let fromTables = entries.filter { listed.contains(CategoryTableKey(label: id, category: $0.category)) }
            var best: LabelInCategory?
            if !fromTables.isEmpty {
                for entry in fromTables where best == nil || entry.coverage > best!.coverage { best = entry }
            } else {
                for entry in entries where best == nil || entry.frequency > best!.frequency { best = entry }
            }
            labels[position].primaryCategory = best?.category
        }
    }
}
