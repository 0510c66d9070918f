// ADE20K SceneParsing (`ADEChallengeData2016`, github.com/CSAILVision/sceneparsing):
//
//     images/training/ADE_train_00000001.jpg        annotations/training/ADE_train_00000001.png
//     images/validation/ADE_val_00000001.jpg       annotations/validation/ADE_val_00000001.png
//     objectInfo150.txt   (tab-separated: Idx, Ratio, Train, Val, Name "wall" / "building, edifice")
//     objectInfo150.csv   (the repository's: Idx,Ratio,Train,Val,Stuff,Name "building;edifice")
//     sceneCategories.txt ("ADE_train_00000001 airport_terminal", one image a line)
//
// Annotations are 8-bit greyscale PNGs of class indices 0-150; 0 is "other objects", not counted
// by the benchmark: not a label here either. A class is named by its first name, the others are
// its synonyms. sceneCategories.txt, when present, gives each image a label of the image-level
// category `scene`, named with Broden's `-s` suffix (`airport_terminal-s`).
import Dissection
import Foundation

enum ADE20KFormat {
    static func plan(_ source: ImportSource, _ options: ImportOptions) throws(ImportError) -> ImportPlan {
        // The folder itself, or the folder holding it.
        let root = source.hasFolder("ADEChallengeData2016/images") ? "ADEChallengeData2016/" : ""
        var labels = try classes(source, root)
        var values: [Int: Int] = [:]
        for i in labels.indices { values[i + 1] = i }

        // Scenes: one image-level label per image, when the list is there.
        var sceneOf: [String: Int] = [:]
        var notes: [String] = []
        if source.hasFile(root + "sceneCategories.txt") {
            var sceneIndex: [String: Int] = [:]
            for (n, line) in lines(try source.text(root + "sceneCategories.txt")).enumerated() {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count == 2 else {
                    throw .file(path: source.path(root + "sceneCategories.txt"),
                                reason: "line \(n + 1) is not 'image scene'; is this ADE20K's sceneCategories.txt?")
                }
                let scene = String(fields[1])
                if sceneIndex[scene] == nil {
                    sceneIndex[scene] = labels.count
                    labels.append(ImportLabel(name: scene + "-s", synonyms: [], category: "scene"))
                }
                sceneOf[String(fields[0])] = sceneIndex[scene]
            }
        } else {
            notes.append("\(source.path(root + "sceneCategories.txt")) not found: no scene labels")
        }

        var items: [ImportItem] = []
        for (folder, split) in [("training", "train"), ("validation", "val")] where options.wants(split: split, alias: folder) {
            guard source.hasFolder(root + "images/" + folder) else { continue }
            for name in try source.list(root + "images/" + folder) where name.lowercased().hasSuffix(".jpg") {
                let base = stem(name)
                items.append(ImportItem(image: root + "images/\(folder)/\(name)",
                                        mask: root + "annotations/\(folder)/\(base).png",
                                        split: split, name: base,
                                        imageLabels: sceneOf[base].map { [$0] } ?? []))
            }
        }
        guard !items.isEmpty || options.split != nil else {
            throw .source(path: source.path(root + "images"),
                          reason: "holds no images/training/*.jpg or images/validation/*.jpg; give the ADEChallengeData2016 folder")
        }
        return ImportPlan(labels: labels, encoding: .indexed, values: values, void: [0],
                          imageLevelCategories: ["scene"], items: items, notes: notes)
    }

    /// The 150 classes, from objectInfo150.txt (the dataset's) or objectInfo150.csv (the repository's).
    static func classes(_ source: ImportSource, _ root: String) throws(ImportError) -> [ImportLabel] {
        let rows: [[String]], file: String, separator: Character
        if source.hasFile(root + "objectInfo150.txt") {
            file = root + "objectInfo150.txt"; separator = ","
            rows = lines(try source.text(file)).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        } else if source.hasFile(root + "objectInfo150.csv") {
            file = root + "objectInfo150.csv"; separator = ";"
            rows = CSV.parse(try source.read(file, maxBytes: ImportSource.maxTextBytes)).rows.map(\.fields)
        } else {
            throw .source(path: source.path(root + "objectInfo150.txt"),
                          reason: "not found; it comes with ADEChallengeData2016 (and as objectInfo150.csv with github.com/CSAILVision/sceneparsing)")
        }
        guard let header = rows.first, let idx = header.firstIndex(of: "Idx"), let nameColumn = header.firstIndex(of: "Name") else {
            throw .file(path: source.path(file), reason: "has no Idx and Name columns in its first line")
        }
        var labels = [ImportLabel?](repeating: nil, count: 150)
        for (n, row) in rows.dropFirst().enumerated() {
            guard row.count > max(idx, nameColumn), let id = Int(row[idx].trimmingCharacters(in: .whitespaces)), (1...150).contains(id) else {
                throw .file(path: source.path(file), reason: "line \(n + 2): Idx is not a number in 1...150")
            }
            let names = row[nameColumn].split(separator: separator).map { cleanName(String($0)) }.filter { !$0.isEmpty }
            guard let first = names.first else { throw .file(path: source.path(file), reason: "line \(n + 2): no name") }
            labels[id - 1] = ImportLabel(name: first, synonyms: Array(names.dropFirst()), category: "")
        }
        guard labels.allSatisfy({ $0 != nil }) else {
            let missing = labels.indices.filter { labels[$0] == nil }.prefix(5).map { String($0 + 1) }.joined(separator: ", ")
            throw .file(path: source.path(file), reason: "does not list classes \(missing); ADE20K SceneParsing has 150")
        }
        return labels.map { $0! }
    }
}
