// Small datasets in the exact file conventions of each format `probe import` reads
// (docs/probe-import.md gives the conventions and their references), written by the tests.
//
// Every image is `side x side` with four quadrants, each one class (or void) in its mask and one
// colour in the picture: top-left, top-right, bottom-left, bottom-right. The formats' own values
// are given per quadrant, so a test knows which label every written pixel must carry.
import Foundation
import Render
import TestSupport

/// The mask values of one image's quadrants (the format's own values: class index, label id,
/// panoptic segment id).
struct Quadrants {
    var topLeft: Int, topRight: Int, bottomLeft: Int, bottomRight: Int

    /// The value at pixel (x, y) of a `side x side` mask.
    func value(_ x: Int, _ y: Int, side: Int) -> Int {
        switch (x < side / 2, y < side / 2) {
        case (true, true): return topLeft
        case (false, true): return topRight
        case (true, false): return bottomLeft
        case (false, false): return bottomRight
        }
    }

    /// The whole mask, row-major.
    func values(side: Int) -> [Int] {
        (0..<side * side).map { value($0 % side, $0 / side, side: side) }
    }
}

enum ImportFixtures {
    static let side = 16

    /// A picture with one colour per quadrant (and some texture), `side x side`.
    static func picture(_ seed: Int, side: Int = side) -> RGBImage {
        var image = RGBImage(width: side, height: side)
        for y in 0..<side {
            for x in 0..<side {
                let q = (x < side / 2 ? 0 : 1) + (y < side / 2 ? 0 : 2)
                image[x, y] = (UInt8((60 * q + 13 * seed) % 256), UInt8((40 + 50 * q + x * 3) % 256), UInt8((200 - 30 * q + y * 2) % 256))
            }
        }
        return image
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func write(_ text: String, _ path: String) throws { try write(Array(text.utf8), path) }

    static func jpeg(_ seed: Int, side: Int = side) throws -> [UInt8] { try JPEG.encode(picture(seed, side: side), quality: 95) }

    /// An 8-bit greyscale mask.
    static func grey(_ q: Quadrants, side: Int = side) throws -> [UInt8] {
        try PNG.encodeIndexed(IndexedImage(width: side, height: side, values: q.values(side: side).map { UInt16($0) }), kind: .grey(bits: 8))
    }

    // MARK: ADE20K SceneParsing

    /// `ADEChallengeData2016/` with `images/{training,validation}`, `annotations/...`,
    /// objectInfo150.txt (1 wall, 2 building, edifice, ... 150 classes) and sceneCategories.txt.
    static func ade20k(in root: String, train: [Quadrants], val: [Quadrants], scenes: Bool = true) throws -> String {
        let dir = root + "/ADEChallengeData2016"
        var info = "Idx\tRatio\tTrain\tVal\tName\n"
        for i in 1...150 {
            let name = [1: "wall", 2: "building, edifice", 3: "sky", 5: "tree", 13: "person, individual, someone"][i] ?? "class\(i)"
            info += "\(i)\t0.0100\t100\t10\t\(name)\n"
        }
        try write(info, dir + "/objectInfo150.txt")
        var sceneLines = ""
        for (folder, prefix, list) in [("training", "ADE_train_", train), ("validation", "ADE_val_", val)] {
            for (i, q) in list.enumerated() {
                let name = prefix + String(format: "%08d", i + 1)
                try write(try jpeg(i), dir + "/images/\(folder)/\(name).jpg")
                try write(try grey(q), dir + "/annotations/\(folder)/\(name).png")
                sceneLines += "\(name) \(i % 2 == 0 ? "bathroom" : "street")\n"
            }
        }
        if scenes { try write(sceneLines, dir + "/sceneCategories.txt") }
        return dir
    }

    // MARK: Pascal VOC

    /// The VOC palette's first colours (the devkit's bit-interleaved colour map).
    static func vocPalette() -> [(UInt8, UInt8, UInt8)] {
        (0..<256).map { i in
            var (r, g, b) = (0, 0, 0)
            var c = i
            for j in 0..<8 {
                r |= ((c >> 0) & 1) << (7 - j); g |= ((c >> 1) & 1) << (7 - j); b |= ((c >> 2) & 1) << (7 - j)
                c >>= 3
            }
            return (UInt8(r), UInt8(g), UInt8(b))
        }
    }

    /// `VOCdevkit/VOC2012/` with JPEGImages, palette-indexed SegmentationClass and
    /// ImageSets/Segmentation/{train,val}.txt.
    static func voc(in root: String, train: [Quadrants], val: [Quadrants]) throws -> String {
        let dir = root + "/VOCdevkit/VOC2012"
        for (split, list, year) in [("train", train, 2007), ("val", val, 2008)] {
            var ids: [String] = []
            for (i, q) in list.enumerated() {
                let id = "\(year)_\(String(format: "%06d", 32 + i))"
                ids.append(id)
                try write(try jpeg(i), dir + "/JPEGImages/\(id).jpg")
                let mask = IndexedImage(width: side, height: side, values: q.values(side: side).map { UInt16($0) })
                try write(try PNG.encodeIndexed(mask, kind: .palette(bits: 8, colors: vocPalette())), dir + "/SegmentationClass/\(id).png")
            }
            try write(ids.joined(separator: "\n") + "\n", dir + "/ImageSets/Segmentation/\(split).txt")
        }
        return dir
    }

    // MARK: Cityscapes

    /// `leftImg8bit/{split}/{city}/...leftImg8bit.png` (RGB PNGs) and
    /// `gtFine/{split}/{city}/..._gtFine_labelIds.png` (grey label ids), with the polygons and
    /// colour images the real gtFine holds beside them.
    static func cityscapes(in root: String, train: [Quadrants], val: [Quadrants]) throws -> String {
        let dir = root + "/cityscapes"
        for (split, list, city) in [("train", train, "aachen"), ("val", val, "frankfurt")] {
            for (i, q) in list.enumerated() {
                let base = "\(city)_\(String(format: "%06d", i))_\(String(format: "%06d", 19))"
                try write(try PNG.encode(picture(i)), dir + "/leftImg8bit/\(split)/\(city)/\(base)_leftImg8bit.png")
                try write(try grey(q), dir + "/gtFine/\(split)/\(city)/\(base)_gtFine_labelIds.png")
                try write(try PNG.encode(picture(i + 7)), dir + "/gtFine/\(split)/\(city)/\(base)_gtFine_color.png")
                try write("{\"imgHeight\": \(side), \"imgWidth\": \(side), \"objects\": []}", dir + "/gtFine/\(split)/\(city)/\(base)_gtFine_polygons.json")
            }
        }
        return dir
    }

    // MARK: COCO-Stuff

    /// `images/{train,val}2017/*.jpg` and `annotations/{train,val}2017/*.png` (stuffthingmaps:
    /// grey, value = class id - 1, 255 unlabeled).
    static func cocoStuff(in root: String, train: [Quadrants], val: [Quadrants]) throws -> String {
        let dir = root + "/cocostuff"
        for (folder, list, first) in [("train2017", train, 9), ("val2017", val, 139)] {
            for (i, q) in list.enumerated() {
                let name = String(format: "%012d", first + i)
                try write(try jpeg(i), dir + "/images/\(folder)/\(name).jpg")
                try write(try grey(q), dir + "/annotations/\(folder)/\(name).png")
            }
        }
        return dir
    }

    // MARK: COCO panoptic

    /// The RGB encoding of a segment id: R + 256 G + 256^2 B.
    static func panopticPNG(_ q: Quadrants) throws -> [UInt8] {
        var image = RGBImage(width: side, height: side)
        for y in 0..<side {
            for x in 0..<side {
                let id = q.value(x, y, side: side)
                image[x, y] = (UInt8(id & 255), UInt8((id >> 8) & 255), UInt8((id >> 16) & 255))
            }
        }
        return try PNG.encode(image)
    }

    /// `val2017/*.jpg`, `annotations/panoptic_val2017.json` and `annotations/panoptic_val2017/*.png`.
    /// Segments: each quadrant's id with its category (`segments[id]`); ids absent from it are not listed.
    static func cocoPanoptic(in root: String, val: [Quadrants], segments: [Int: Int], categories: [(id: Int, name: String, isthing: Bool)]) throws -> String {
        let dir = root + "/coco"
        var images: [String] = [], annotations: [String] = []
        for (i, q) in val.enumerated() {
            let id = 139 + i
            let name = String(format: "%012d", id)
            try write(try jpeg(i), dir + "/val2017/\(name).jpg")
            try write(try panopticPNG(q), dir + "/annotations/panoptic_val2017/\(name).png")
            images.append("{\"license\": 2, \"file_name\": \"\(name).jpg\", \"height\": \(side), \"width\": \(side), \"id\": \(id)}")
            let ids = Set([q.topLeft, q.topRight, q.bottomLeft, q.bottomRight]).filter { $0 != 0 && segments[$0] != nil }.sorted()
            let infos = ids.map { "{\"id\": \($0), \"category_id\": \(segments[$0]!), \"iscrowd\": 0, \"bbox\": [0, 0, 8, 8], \"area\": 64}" }
            annotations.append("{\"segments_info\": [\(infos.joined(separator: ", "))], \"file_name\": \"\(name).png\", \"image_id\": \(id)}")
        }
        let cats = categories.map { "{\"supercategory\": \"x\", \"isthing\": \($0.isthing ? 1 : 0), \"id\": \($0.id), \"name\": \"\($0.name)\", \"color\": [1, 2, 3]}" }
        try write("{\"info\": {}, \"licenses\": [], \"images\": [\(images.joined(separator: ", "))], \"annotations\": [\(annotations.joined(separator: ", "))], \"categories\": [\(cats.joined(separator: ", "))]}",
                  dir + "/annotations/panoptic_val2017.json")
        return dir
    }

    // MARK: A mask folder

    /// `images/*.jpg`, `masks/*.png` (16-bit grey) and `classes.csv`.
    static func maskFolder(in root: String, images: [Quadrants], classes: String) throws -> String {
        let dir = root + "/masks"
        for (i, q) in images.enumerated() {
            let name = "photo \(i + 1)"
            try write(try jpeg(i), dir + "/images/\(name).jpg")
            let mask = IndexedImage(width: side, height: side, values: q.values(side: side).map { UInt16($0) })
            try write(try PNG.encodeIndexed(mask, kind: .grey(bits: 16)), dir + "/masks/\(name).png")
        }
        try write(classes, dir + "/classes.csv")
        return dir
    }
}
