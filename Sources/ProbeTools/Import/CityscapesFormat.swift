// Cityscapes (github.com/mcordts/cityscapesScripts), fine annotations:
//
//     leftImg8bit/{train,val,test}/{city}/{city}_{seq:06}_{frame:06}_leftImg8bit.png
//     gtFine/{train,val,test}/{city}/{city}_{seq:06}_{frame:06}_gtFine_labelIds.png
//
// Images are 8-bit RGB PNGs (2048 x 1024); `*_gtFine_labelIds.png` are 8-bit greyscale PNGs of the
// label ids of cityscapesscripts/helpers/labels.py. The labels with `ignoreInEval` (the void ones,
// 0-6, and parking, rail track, guard rail, bridge, tunnel, polegroup, caravan, trailer) are not
// labels here, like license plate (id -1, which a label image cannot hold). Without --split, train
// and val are imported (test's annotations are void everywhere).
enum CityscapesFormat {
    /// labels.py's table: (id, name, ignoreInEval), ids 0-33.
    static let table: [(id: Int, name: String, ignored: Bool)] = [
        (0, "unlabeled", true), (1, "ego vehicle", true), (2, "rectification border", true), (3, "out of roi", true),
        (4, "static", true), (5, "dynamic", true), (6, "ground", true), (7, "road", false), (8, "sidewalk", false),
        (9, "parking", true), (10, "rail track", true), (11, "building", false), (12, "wall", false),
        (13, "fence", false), (14, "guard rail", true), (15, "bridge", true), (16, "tunnel", true),
        (17, "pole", false), (18, "polegroup", true), (19, "traffic light", false), (20, "traffic sign", false),
        (21, "vegetation", false), (22, "terrain", false), (23, "sky", false), (24, "person", false),
        (25, "rider", false), (26, "car", false), (27, "truck", false), (28, "bus", false), (29, "caravan", true),
        (30, "trailer", true), (31, "train", false), (32, "motorcycle", false), (33, "bicycle", false),
    ]

    static func plan(_ source: ImportSource, _ options: ImportOptions) throws(ImportError) -> ImportPlan {
        guard source.hasFolder("leftImg8bit"), source.hasFolder("gtFine") else {
            throw .source(path: source.directory, reason: "holds no leftImg8bit and gtFine folders; give the Cityscapes top folder")
        }
        var labels: [ImportLabel] = []
        var values: [Int: Int] = [:]
        var void = Set<Int>()
        for row in table {
            if row.ignored { void.insert(row.id); continue }
            values[row.id] = labels.count
            labels.append(ImportLabel(name: row.name, synonyms: [], category: ""))
        }
        let splits = options.split.map { [$0] } ?? ["train", "val"]
        var items: [ImportItem] = []
        let suffix = "_leftImg8bit.png"
        for split in splits {
            guard source.hasFolder("leftImg8bit/" + split) else {
                if options.split != nil { throw .option(name: "--split", reason: "\(source.path("leftImg8bit/" + split)) not found; Cityscapes has train, val, test") }
                continue
            }
            for city in try source.list("leftImg8bit/" + split, folders: true) {
                for name in try source.list("leftImg8bit/\(split)/\(city)") where name.hasSuffix(suffix) {
                    let base = String(name.dropLast(suffix.count))
                    let mask = base + "_gtFine_labelIds.png"
                    items.append(ImportItem(image: "leftImg8bit/\(split)/\(city)/\(name)",
                                            mask: "gtFine/\(split)/\(city)/\(mask)",
                                            split: split, name: base))
                }
            }
        }
        return ImportPlan(labels: labels, encoding: .indexed, values: values, void: void, items: items)
    }
}
