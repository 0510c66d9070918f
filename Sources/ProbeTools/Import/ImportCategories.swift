// Which category each label of an import is written in: the format's own (a scene, COCO's stuff),
// then a `--map` CSV's (`grass,material`), else `--category` (default `object`).
//
// Category names become file names (`c_<category>.csv`) and index.csv columns, so they are held
// to letters, digits, `_` and `-`. A pixel label cannot be put in `scene` or `texture`, which the
// probe reader knows as image-level categories.
import Dissection
import Foundation

/// The categories of an import and the category of each label.
struct ImportCategories: Sendable, Equatable {
    /// Category names, in the order written (first appearance among the labels).
    var names: [String]
    /// Per label (in `ImportPlan.labels` order): index into `names`.
    var categoryOf: [Int]
    /// Per category: whether it is image-level.
    var imageLevel: [Bool]

    /// Assigns every label of `plan` a category.
    ///
    /// - Parameter map: the text of the `--map` CSV and its path (for messages), or nil.
    /// - Throws: `ImportError.option` for a bad category name or a map naming no class.
    init(plan: ImportPlan, category: String, map: (text: [UInt8], path: String)?) throws(ImportError) {
        try Self.check(category, option: "--category")
        var mapped: [String: String] = [:]
        if let map {
            let known = Set(plan.labels.map(\.name))
            for row in CSV.parse(map.text).rows {
                let fields = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
                if row.line == 1, fields == ["name", "category"] { continue }
                guard fields.count == 2, !fields[0].isEmpty else {
                    throw .option(name: "--map", reason: "\(map.path):\(row.line): expected 'name,category'")
                }
                guard known.contains(fields[0]) else {
                    throw .option(name: "--map", reason: "\(map.path):\(row.line): '\(ProbeText.shown(fields[0]))' is not a class of this dataset; check its spelling in the dataset's class list")
                }
                try Self.check(fields[1], option: "--map (\(map.path):\(row.line))")
                mapped[fields[0]] = fields[1]
            }
        }
        var names: [String] = []
        var imageLevel: [Bool] = []
        var categoryOf: [Int] = []
        for label in plan.labels {
            let isImageLevel = plan.imageLevelCategories.contains(label.category)
            var name = label.category.isEmpty ? category : label.category
            if !isImageLevel, let assigned = mapped[label.name] { name = assigned }
            if !isImageLevel {
                try Self.check(name, option: label.category.isEmpty ? "--category" : "the class list's category of '\(ProbeText.shown(label.name))'")
                guard CategoryKind.standard(name) != .imageLevel else {
                    throw .option(name: "--map", reason: "'\(ProbeText.shown(label.name))' is a pixel label and cannot be in the image-level category \(name)")
                }
            }
            if let index = names.firstIndex(of: name) {
                guard imageLevel[index] == isImageLevel else {
                    throw .option(name: "--map", reason: "category \(name) would hold both pixel and image-level labels; choose another name")
                }
                categoryOf.append(index)
            } else {
                categoryOf.append(names.count)
                names.append(name)
                imageLevel.append(isImageLevel)
            }
        }
        self.names = names
        self.categoryOf = categoryOf
        self.imageLevel = imageLevel
    }

    /// Refuses a category name that is not made of letters, digits, `_` and `-`.
    static func check(_ name: String, option: String) throws(ImportError) {
        let ok = !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
        guard ok else {
            throw .option(name: option, reason: "category '\(ProbeText.shown(name))' must be 1 to 64 letters, digits, '_' or '-' (it names c_<category>.csv)")
        }
    }
}
