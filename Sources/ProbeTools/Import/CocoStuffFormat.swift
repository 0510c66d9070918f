// COCO-Stuff 164K (github.com/nightrome/cocostuff), unpacked as its README does:
//
//     images/train2017/000000000009.jpg        annotations/train2017/000000000009.png
//     images/val2017/000000000139.jpg          annotations/val2017/000000000139.png
//
// (`annotations/` is where stuffthingmaps_trainval2017.zip is unpacked; a folder named
// `stuffthingmaps_trainval2017` is accepted too.) The PNGs are indexed 8-bit images: the value v
// in 0-181 is class id v + 1 of labels.txt (1-91 things, 92-182 stuff), and 255 is 'unlabeled',
// not a label. The names are labels.txt's (`CocoStuffClasses`), or those of a labels.txt
// ("id: name" lines) in the source directory.
enum CocoStuffFormat {
    static func plan(_ source: ImportSource, _ options: ImportOptions) throws(ImportError) -> ImportPlan {
        guard let annotations = ["annotations", "stuffthingmaps_trainval2017"].first(where: source.hasFolder) else {
            throw .source(path: source.path("annotations"), reason: "not found; unpack stuffthingmaps_trainval2017.zip into annotations/ as COCO-Stuff's README does")
        }
        let names = try classNames(source)
        var values: [Int: Int] = [:]
        for i in names.indices { values[i] = i }    // value v is class id v + 1, label index v
        var items: [ImportItem] = []
        for (folder, split) in [("train2017", "train"), ("val2017", "val")] where options.wants(split: split, alias: folder) {
            guard source.hasFolder("images/" + folder) else { continue }
            for name in try source.list("images/" + folder) where name.lowercased().hasSuffix(".jpg") {
                items.append(ImportItem(image: "images/\(folder)/\(name)", mask: "\(annotations)/\(folder)/\(stem(name)).png",
                                        split: split, name: stem(name)))
            }
        }
        guard !items.isEmpty || options.split != nil else {
            throw .source(path: source.path("images"), reason: "holds no train2017/*.jpg or val2017/*.jpg; unpack COCO's train2017.zip and val2017.zip into images/")
        }
        return ImportPlan(labels: names.map { ImportLabel(name: $0, synonyms: [], category: "") },
                          encoding: .indexed, values: values, void: [255], items: items)
    }

    /// The names of class ids 1...182.
    static func classNames(_ source: ImportSource) throws(ImportError) -> [String] {
        guard source.hasFile("labels.txt") else { return CocoStuffClasses.names }
        var names = [String?](repeating: nil, count: 182)
        for (n, line) in lines(try source.text("labels.txt")).enumerated() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let id = Int(parts[0]), (0...182).contains(id) else {
                throw .file(path: source.path("labels.txt"), reason: "line \(n + 1) is not 'id: name' with an id in 0...182; remove the file to use COCO-Stuff's own names")
            }
            if id > 0 { names[id - 1] = cleanName(String(parts[1])) }
        }
        return names.enumerated().map { $1 ?? CocoStuffClasses.names[$0] }
    }
}
