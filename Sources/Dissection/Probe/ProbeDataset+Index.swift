// Reading index.csv into records.
//
// Every data row becomes a record (see `ProbeRecord`). What makes a row unusable (a wrong field
// count, a path leaving the dataset, a size that is not a positive integer) becomes the record's
// `defect` and a problem; what only loses a detail (an unknown label id, a non-numeric token in
// an image-level cell) becomes a problem and the detail is dropped. Label 0 is skipped silently
// everywhere: the real dataset writes the labels it filtered out as 0.

extension ProbeDataset {
    /// The fixed leading columns of index.csv.
    static let fixedIndexColumns = ["image", "split", "ih", "iw", "sh", "sw"]
    /// Largest image or segmentation side accepted in a row.
    static let maxSide = 16_384

    static func readIndex(_ table: CSVTable, categories: inout [ProbeCategory], knownLabels: [Int: Int],
                          problems: inout [ProbeProblem]) throws(ProbeError) -> [ProbeRecord] {
        var table = table
        var fixed: [Int] = []
        for name in fixedIndexColumns { fixed.append(try table.requiredColumn(name)) }
        let (image, split, ih, iw, sh, sw) = (fixed[0], fixed[1], fixed[2], fixed[3], fixed[4], fixed[5])

        // Category columns by name; the order may differ from category.csv's.
        let columns: [Int?] = categories.map { table.column($0.name) }
        for category in categories where table.column(category.name) == nil {
            table.note(1, .warning, "no column for category '\(category.name)'; no image has annotations of it")
        }
        for (position, name) in table.header.enumerated()
        where !fixedIndexColumns.contains(name) && !categories.contains(where: { $0.name == name }) && !name.isEmpty {
            table.note(1, .warning, "column \(position + 1) '\(name)' is not a category in category.csv; ignored")
        }
        settleKinds(&categories, columns: columns, rows: table.rows)

        var records: [ProbeRecord] = []
        records.reserveCapacity(table.rows.count)
        for row in table.rows {
            var record = ProbeRecord(index: records.count, line: row.line, image: "", split: "",
                                     imageHeight: 0, imageWidth: 0, segmentationHeight: 0, segmentationWidth: 0,
                                     cells: categories.map { $0.kind == .pixel ? .layers([]) : .labels([]) },
                                     defect: nil)
            guard table.fits(row) else {
                record.image = row.fields.first ?? ""
                record.defect = "\(row.fields.count) fields where the header has \(table.header.count)"
                records.append(record)
                continue
            }
            let f = row.fields
            record.image = f[image].trimmingSpaces
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
                defects.append("sizes ih,iw,sh,sw = \(f[ih]),\(f[iw]),\(f[sh]),\(f[sw]) are not all integers in 1...\(maxSide)")
            }
            for category in categories {
                guard let column = columns[category.index] else { continue }
                let tokens = f[column].cellItems
                switch category.kind {
                case .pixel:
                    for path in tokens {
                        if let refusal = ProbePaths.refusal(path) { defects.append("\(category.name): \(refusal)") }
                    }
                    record.cells[category.index] = .layers(tokens)
                case .imageLevel:
                    var ids: [Int] = []
                    for token in tokens {
                        guard let id = token.decimalInt else {
                            table.note(row.line, .warning, "\(category.name): '\(token)' is not a label id; ignored")
                            continue
                        }
                        if id == 0 { continue }
                        guard knownLabels[id] != nil else {
                            table.note(row.line, .warning, "\(category.name): label \(id) is not in label.csv; ignored")
                            continue
                        }
                        if !ids.contains(id) { ids.append(id) }
                    }
                    record.cells[category.index] = .labels(ids)
                }
            }
            if !defects.isEmpty {
                record.defect = defects.joined(separator: "; ")
                table.note(row.line, .warning, "\(record.defect!); image left out")
            }
            records.append(record)
        }
        problems += table.problems
        return records
    }

    /// Decides the kind of every category whose name is not one of Broden's six: image-level when
    /// its first non-empty cell holds only integers, pixel otherwise.
    static func settleKinds(_ categories: inout [ProbeCategory], columns: [Int?], rows: [CSVRow]) {
        for index in categories.indices where CategoryKind.standard(categories[index].name) == nil {
            guard let column = columns[index] else { continue }
            for row in rows where column < row.fields.count {
                let cell = row.fields[column].trimmingSpaces
                if cell.isEmpty { continue }
                let numeric = cell.split(separator: ";").allSatisfy { String($0).decimalInt != nil }
                categories[index].kind = numeric ? .imageLevel : .pixel
                break
            }
        }
    }
}
