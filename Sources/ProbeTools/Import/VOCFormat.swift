// Pascal VOC segmentation (VOC2012, and VOC2007's identical layout):
//
//     VOCdevkit/VOC2012/JPEGImages/2007_000032.jpg
//     VOCdevkit/VOC2012/SegmentationClass/2007_000032.png
//     VOCdevkit/VOC2012/ImageSets/Segmentation/train.txt, val.txt (trainval.txt, test.txt): one id a line
//
// SegmentationClass PNGs are palette-indexed: the palette index is the class (0 background,
// 1-20 the classes below, 255 the "void" border and difficult regions), the palette only colours
// them. 255 is not a label, and neither is background, which is "none of the 20", not a concept.
// Without --split, the images of train.txt and val.txt are imported; with it, those of
// ImageSets/Segmentation/<split>.txt. Without any list, every SegmentationClass mask is imported
// as train.
enum VOCFormat {
    /// The 20 classes, indices 1-20 (the VOC devkit's order).
    static let classes = ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
                          "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
                          "train", "tvmonitor"]

    static func plan(_ source: ImportSource, _ options: ImportOptions) throws(ImportError) -> ImportPlan {
        guard let root = ["", "VOC2012/", "VOCdevkit/VOC2012/", "VOC2007/", "VOCdevkit/VOC2007/"].first(where: {
            source.hasFolder($0 + "JPEGImages") && source.hasFolder($0 + "SegmentationClass")
        }) else {
            throw .source(path: source.directory, reason: "holds no JPEGImages and SegmentationClass folders; give VOCdevkit/VOC2012")
        }
        let lists = root + "ImageSets/Segmentation/"
        var splits: [(name: String, ids: [String])] = []
        if let wanted = options.split {
            guard source.hasFile(lists + wanted + ".txt") else {
                throw .option(name: "--split", reason: "\(source.path(lists + wanted + ".txt")) not found; VOC lists train, val, trainval")
            }
            splits.append((wanted, lines(try source.text(lists + wanted + ".txt"))))
        } else if source.hasFile(lists + "train.txt") || source.hasFile(lists + "val.txt") {
            for name in ["train", "val"] where source.hasFile(lists + name + ".txt") {
                splits.append((name, lines(try source.text(lists + name + ".txt"))))
            }
        } else {
            splits.append(("train", try source.list(root + "SegmentationClass").filter { $0.hasSuffix(".png") }.map(stem)))
        }
        var items: [ImportItem] = []
        for (split, ids) in splits {
            for id in ids {
                // A listed image that is missing is reported when it is read.
                let image = id + ".jpg", mask = id + ".png"
                items.append(ImportItem(image: root + "JPEGImages/" + image,
                                        mask: root + "SegmentationClass/" + mask,
                                        split: split, name: id))
            }
        }
        var values: [Int: Int] = [:]
        for i in classes.indices { values[i + 1] = i }
        return ImportPlan(labels: classes.map { ImportLabel(name: $0, synonyms: [], category: "") },
                          encoding: .indexed, values: values, void: [0, 255], items: items)
    }
}
