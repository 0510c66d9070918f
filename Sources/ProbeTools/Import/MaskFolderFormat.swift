// Any folder of images with same-named indexed PNG masks, and the names of the classes:
//
//     images/street_01.jpg      masks/street_01.png     classes.csv
//
// Images are JPEGs or PNGs (`.jpg`, `.jpeg`, `.png`); a mask is a greyscale (8 or 16 bits) or
// palette-indexed PNG of the image's size whose values are class ids. classes.csv has rows
// `id,name` or `id,name,category` (a first line `id,name[,category]` is a header): every id it
// names with a name is a label; one listed with an empty name is void (`255,` for a border class);
// 0 is unlabelled unless listed. Values in a mask that classes.csv does not list are reported.
import Dissection
import Foundation

enum MaskFolderFormat {
    static func plan(_ source: ImportSource, _ options: ImportOptions) throws(ImportError) -> ImportPlan {
        guard source.hasFolder("images"), source.hasFolder("masks") else {
            throw .source(path: source.directory, reason: "holds no images and masks folders; see docs/probe-import.md for the layout")
        }
        guard source.hasFile("classes.csv") else {
            throw .source(path: source.path("classes.csv"), reason: "not found; write one 'id,name' row per class")
        }
        let rows = CSV.parse(try source.read("classes.csv", maxBytes: ImportSource.maxTextBytes)).rows
        var labels: [ImportLabel] = []
        var values: [Int: Int] = [:]
        var void: Set<Int> = [0]
        for row in rows {
            let fields = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if row.line == rows.first?.line, fields.first?.lowercased() == "id" { continue }
            guard fields.count >= 2, fields.count <= 3, let id = Int(fields[0]), (0...65_535).contains(id) else {
                throw .file(path: source.path("classes.csv"), reason: "line \(row.line) is not 'id,name' or 'id,name,category' with an id in 0...65535")
            }
            guard values[id] == nil, !(void.contains(id) && id != 0) else {
                throw .file(path: source.path("classes.csv"), reason: "line \(row.line): id \(id) is listed twice")
            }
            let name = cleanName(fields[1])
            if name.isEmpty { void.insert(id); continue }
            void.remove(id)
            values[id] = labels.count
            labels.append(ImportLabel(name: name, synonyms: [], category: fields.count == 3 ? fields[2] : ""))
        }
        guard !labels.isEmpty else {
            throw .file(path: source.path("classes.csv"), reason: "names no class; write one 'id,name' row per class")
        }
        var items: [ImportItem] = []
        for name in try source.list("images") {
            let lower = name.lowercased()
            guard lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") || lower.hasSuffix(".png") else { continue }
            items.append(ImportItem(image: "images/" + name, mask: "masks/" + stem(name) + ".png",
                                    split: options.split ?? "train", name: stem(name)))
        }
        return ImportPlan(labels: labels, encoding: .indexed, values: values, void: void, items: items)
    }
}
