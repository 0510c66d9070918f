// A probe dataset in the Broden layout (`docs/probe-format.md`), opened for reading.
//
// Opening reads the four kinds of table (category.csv, label.csv, c_<category>.csv, index.csv)
// and nothing else: images and segmentations are read later, one record at a time, by
// `ProbeDataset.sample(_:)` or the `ProbeLoader`. Defects that leave the dataset usable are
// collected in `problems`; only a dataset that cannot be used at all makes `open` throw.

/// A Broden-layout probe dataset: categories, labels and index records.
public struct ProbeDataset: Sendable {
    /// The dataset directory, as given to `open`.
    public let directory: String
    /// The categories in `category.csv` order; a category's index is its position here.
    public let categories: [ProbeCategory]
    /// The labels of `label.csv`, ascending by id.
    public let labels: [ProbeLabel]
    /// The data rows of `index.csv`, in file order (`records[i].index == i`).
    public let records: [ProbeRecord]
    /// Everything found wrong while reading the tables, in the order found.
    public let problems: [ProbeProblem]
    /// Position in `labels` of each label id.
    let labelPositions: [Int: Int]
    /// `directory` with every symbolic link resolved: every file read must lie inside it.
    let realDirectory: String
    /// The folders images and segmentations are read from, held open (`DatasetFolders`).
    let folders: DatasetFolders

    /// Opens the dataset in `directory`, reading its tables.
    ///
    /// - Throws: `ProbeError` when the directory or a required table (index.csv, category.csv,
    ///   label.csv) is missing or unusable; every lesser defect is in `problems`.
    /// - Complexity: O(rows of index.csv); the 63,305-row real index reads in well under a second.
    public static func open(directory: String) throws(ProbeError) -> ProbeDataset {
        guard ProbePaths.isDirectory(directory), let realDirectory = try? ProbePaths.realPath(directory) else {
            throw .notADirectory(path: directory)
        }
        var problems: [ProbeProblem] = []
        let categoryTable = try CSVTable(directory: directory, file: "category.csv")
        let labelTable = try CSVTable(directory: directory, file: "label.csv")
        let indexTable = try CSVTable(directory: directory, file: "index.csv")
        var categories = try readCategories(categoryTable, problems: &problems)
        var labels = try readLabels(labelTable, categories: categories, problems: &problems)
        var positions: [Int: Int] = [:]
        for (position, label) in labels.enumerated() { positions[label.id] = position }
        let listed = readCategoryTables(directory: directory, categories: categories,
                                        labels: &labels, positions: positions, problems: &problems)
        assignPrimaryCategories(&labels, listed: listed)
        let records = try readIndex(indexTable, categories: &categories,
                                    knownLabels: positions, problems: &problems)
        return ProbeDataset(directory: directory, categories: categories, labels: labels,
                            records: records, problems: problems, labelPositions: positions,
                            realDirectory: realDirectory, folders: DatasetFolders(realDirectory: realDirectory))
    }

    /// The label with id `id`, or nil when `label.csv` does not list it.
    public func label(id: Int) -> ProbeLabel? {
        labelPositions[id].map { labels[$0] }
    }

    /// The primary category (an index into `categories`) of label `id`: where its coverage is
    /// largest, ties to the category listed first. Nil for an unknown label or one in no category.
    public func primaryCategory(of id: Int) -> Int? {
        label(id: id)?.primaryCategory
    }

    /// The index of the category named `name`, or nil.
    public func category(named name: String) -> Int? {
        categories.firstIndex { $0.name == name }
    }

    /// The largest label id in `label.csv` (0 when there are none); never above
    /// `LabelMap.maxLabel` (65535, `R + 256 * G`): larger ids are refused when the table is read.
    public var maxLabelID: Int { labels.last?.id ?? 0 }

    /// Absolute (or directory-relative) path of a file named relative to `images/`.
    ///
    /// The path must already have passed `ProbePaths.refusal` (every record's paths have).
    public func imagesPath(_ relative: String) -> String {
        ProbePaths.join(ProbePaths.join(directory, "images"), relative)
    }

    /// Records of one split (`train` or `val`).
    public func records(split: String) -> [ProbeRecord] {
        records.filter { $0.split == split }
    }

    /// Reads the file `relative` (relative to `images/`) whole, through `ProbePaths.read` with
    /// the dataset's held folders: it must be a regular file whose real path lies inside the
    /// dataset.
    func readImageFile(_ relative: String, maxBytes: Int) throws(FileReadError) -> [UInt8] {
        try ProbePaths.read("images/" + relative, in: directory, realDirectory: realDirectory, folders: folders, maxBytes: maxBytes)
    }
}
