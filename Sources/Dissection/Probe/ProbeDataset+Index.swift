// Reading index.csv into records.
//
// Every data row becomes a record (see `ProbeRecord`). What makes a row unusable (no image path,
// a wrong field count, a path leaving the dataset, a size that is not a positive integer) becomes
// the record's `defect` and a problem; what only loses a detail (an unknown label id, a
// non-numeric token in an image-level cell) becomes a problem and the detail is dropped. Label 0
// is skipped silently everywhere: the real dataset writes the labels it filtered out as 0.
//
// Memory: rows are split one at a time (`CSVTable.forEachRow`) and a record holds only what the
// row names; records whose cells are all empty share one array of empty cells. A row without an
// image path is refused before anything else of it is parsed, and more than `maxBadRows`
// unusable rows stop the read: such a file is not a Broden index, and listing millions of bad
// rows would help nobody.

extension ProbeDataset {
    /// The fixed leading columns of index.csv.
    static let fixedIndexColumns = ["image", "split", "ih", "iw", "sh", "sw"]
    /// Largest image or segmentation side accepted in a row.
    static let maxSide = 16_384
    /// Unusable rows after which reading index.csv stops and the dataset is refused.
    static let maxBadRows = 1000

    static func readIndex(_ table: CSVTable, categories: inout [ProbeCategory], knownLabels: [Int: Int],
                          problems: inout [ProbeProblem]) throws(ProbeError) -> [ProbeRecord] {
        var table = table
        var fixed: [Int] = []
        for name in fixedIndexColumns { fixed.append(try table.requiredColumn(name)) }
        let (image, split, ih, iw, sh, sw) = (fixed[0], fixed[1], fixed[2], fixed[3], fixed[4], fixed[5])

        // Category columns by name; the order may differ from category.csv's.
        let columns: [Int?] = categories.map { table.column($0.name) }
        for category in categories where table.column(category.name) == nil {
            table.note(1, .warning, "no column for category '\(ProbeText.shown(category.name))'; no image has annotations of it")
        }
        let categoryNames = Set(categories.map(\.name))
        for (position, name) in table.header.enumerated()
        where !fixedIndexColumns.contains(name) && !categoryNames.contains(name) && !name.isEmpty {
            table.note(1, .warning, "column \(position + 1) '\(ProbeText.shown(name))' is not a category in category.csv; ignored")
        }
        settleKinds(&categories, columns: columns, table: table)

        // Shared by every record until one of its cells is set (copy on write).
        let emptyCells: [ProbeCell] = categories.map { $0.kind == .pixel ? .layers([]) : .labels([]) }
        var records: [ProbeRecord] = []
        var badRows = 0, firstBad: (line: Int, defect: String)?
        var stoppedAt: Int?
        table.forEachRow { table, row in
            var record = ProbeRecord(index: records.count, line: row.line, image: "", split: "",
                                     imageHeight: 0, imageWidth: 0, segmentationHeight: 0, segmentationWidth: 0,
                                     cells: emptyCells, defect: nil)
            record.defect = parseRow(row, into: &record, table: &table, categories: categories, columns: columns,
                                     knownLabels: knownLabels, fixed: (image, split, ih, iw, sh, sw))
            if let defect = record.defect {
                // The field-count problem was noted by the table; every other defect is noted here.
                if table.fits(row) { table.note(row.line, .warning, "\(defect); \(record.image.isEmpty ? "row" : "image") left out") }
                record.cells = emptyCells
                badRows += 1
                if firstBad == nil { firstBad = (row.line, defect) }
                if badRows >= maxBadRows { stoppedAt = row.line; return false }
            }
            records.append(record)
            return true
        }
        if let stoppedAt, let firstBad {
            throw .malformed(file: "index.csv", line: stoppedAt,
                             reason: "\(badRows) rows cannot be used (the first, line \(firstBad.line): \(firstBad.defect)); reading stopped here")
        }
        problems += table.problems
        return records
    }

    /// Fills `record` from `row`; returns why the row cannot be used, or nil.
    private static func parseRow(_ row: CSVRow, into record: inout ProbeRecord, table: inout CSVTable,
                                 categories: [ProbeCategory], columns: [Int?], knownLabels: [Int: Int],
                                 fixed: (Int, Int, Int, Int, Int, Int)) -> String? {
        let (image, split, ih, iw, sh, sw) = fixed
        let f = row.fields
        // No image path: nothing else in the row matters.
        let path = image < f.count ? f[image].trimmingSpaces : ""
        guard !path.isEmpty else { return "no image path: the 'image' column is empty" }
        record.image = path
        guard table.fits(row) else { return "\(f.count) fields where the header has \(table.header.count)" }
        record.split = f[split].trimmingSpaces
        var defects: [String] = []
        if let refusal = ProbePaths.refusal(record.image) { defects.append("image: \(refusal)") }
        let sizes = [f[ih], f[iw], f[sh], f[sw]].map { text -> Int in
            guard let value = text.decimalInt, value >= 1, value <= maxSide else { return 0 }
            return value
        }
        (record.imageHeight, record.imageWidth, record.segmentationHeight, record.segmentationWidth) =
            (sizes[0], sizes[1], sizes[2], sizes[3])
        if sizes.contains(0) {
            let shown = [f[ih], f[iw], f[sh], f[sw]].map(ProbeText.shown).joined(separator: ",")
            defects.append("sizes ih,iw,sh,sw = \(shown) are not all integers in 1...\(maxSide)")
        }
        for category in categories {
            guard let column = columns[category.index] else { continue }
            let tokens = f[column].cellItems
            if tokens.isEmpty { continue }
            switch category.kind {
            case .pixel:
                for path in tokens {
                    if let refusal = ProbePaths.refusal(path) { defects.append("\(ProbeText.shown(category.name)): \(refusal)") }
                }
                record.cells[category.index] = .layers(tokens)
            case .imageLevel:
                var ids: [Int] = []
                for token in tokens {
                    guard let id = token.decimalInt else {
                        table.note(row.line, .warning, "\(ProbeText.shown(category.name)): '\(ProbeText.shown(token))' is not a label id; ignored")
                        continue
                    }
                    if id == 0 { continue }
                    guard id <= LabelMap.maxLabel else {
                        table.note(row.line, .warning, "\(ProbeText.shown(category.name)): label \(id) is above \(LabelMap.maxLabel), the largest label id (R + 256 * G); ignored")
                        continue
                    }
                    guard knownLabels[id] != nil else {
                        table.note(row.line, .warning, "\(ProbeText.shown(category.name)): label \(id) is not in label.csv; ignored")
                        continue
                    }
                    if !ids.contains(id) { ids.append(id) }
                }
                if !ids.isEmpty { record.cells[category.index] = .labels(ids) }
            }
        }
        return defects.isEmpty ? nil : defects.joined(separator: "; ")
    }

    /// Decides the kind of every category whose name is not one of Broden's six: image-level when
    /// its first non-empty cell holds only integers, pixel otherwise.
    static func settleKinds(_ categories: inout [ProbeCategory], columns: [Int?], table: CSVTable) {
        var open = categories.indices.filter { CategoryKind.standard(categories[$0].name) == nil && columns[$0] != nil }
        guard !open.isEmpty else { return }
        table.peekRows { row in
            open.removeAll { index in
                let column = columns[index]!
                guard column < row.fields.count else { return false }
                let cell = row.fields[column].trimmingSpaces
                if cell.isEmpty { return false }
                let numeric = cell.split(separator: ";").allSatisfy { String($0).decimalInt != nil }
                categories[index].kind = numeric ? .imageLevel : .pixel
                return true
            }
            return !open.isEmpty
        }
    }
}
