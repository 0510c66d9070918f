// COCO panoptic (cocodataset.org/#format-data, github.com/cocodataset/panopticapi):
//
//     annotations/panoptic_val2017.json
//     annotations/panoptic_val2017/000000000139.png
//     val2017/000000000139.jpg            (or images/val2017/...)
//
// A panoptic PNG is RGB; a pixel's segment id is R + 256 G + 256^2 B (panopticapi's `rgb2id`), 0
// being void (unlabelled). The JSON's `annotations` give per image (`image_id`, the PNG's
// `file_name`) its `segments_info`, each `{id, category_id}`; `categories` give each category's
// `name` and `isthing`. Things go to the category named by --category (default `object`), stuff
// to `stuff`: two categories, as the dataset splits them. A segment id of a PNG that its image's
// `segments_info` does not list, or whose category the JSON does not list, is reported.
import Foundation

enum CocoPanopticFormat {
    /// Largest JSON read: panoptic_train2017.json is about 0.5 GB. It is decoded whole.
    static let maxJSONBytes = 1 << 30

    private struct File: Decodable {
        struct Image: Decodable { var id: Int; var file_name: String }
        struct Segment: Decodable { var id: Int; var category_id: Int }
        struct Annotation: Decodable { var image_id: Int; var file_name: String; var segments_info: [Segment] }
        struct Category: Decodable { var id: Int; var name: String; var isthing: Int? }
        var images: [Image]
        var annotations: [Annotation]
        var categories: [Category]
    }

    static func plan(_ source: ImportSource, _ options: ImportOptions) throws(ImportError) -> ImportPlan {
        var labels: [ImportLabel] = []
        var labelOf: [Int: Int] = [:]     // category id -> label index
        var items: [ImportItem] = []
        var found = false
        for (set, split) in [("train2017", "train"), ("val2017", "val")] where options.wants(split: split, alias: set) {
            let json = "annotations/panoptic_\(set).json"
            guard source.hasFile(json) else { continue }
            found = true
            let file: File
            do {
                file = try JSONDecoder().decode(File.self, from: Data(try source.read(json, maxBytes: maxJSONBytes)))
            } catch let error as ImportError {
                throw error
            } catch {
                throw .file(path: source.path(json), reason: "is not COCO panoptic JSON (\(describe(error)))")
            }
            for category in file.categories where labelOf[category.id] == nil {
                labelOf[category.id] = labels.count
                labels.append(ImportLabel(name: cleanName(category.name), synonyms: [],
                                          category: category.isthing == 1 ? "" : "stuff"))
            }
            let imageFolder = source.hasFolder("images/" + set) ? "images/" + set : set
            var imageName: [Int: String] = [:]
            for image in file.images { imageName[image.id] = image.file_name }
            for annotation in file.annotations {
                guard let name = imageName[annotation.image_id] else { continue }
                var segments: [Int: Int] = [:]
                for segment in annotation.segments_info {
                    // A segment of an unknown category maps to no label: reported as unknown.
                    segments[segment.id] = labelOf[segment.category_id] ?? -1
                }
                items.append(ImportItem(image: "\(imageFolder)/\(name)", mask: "annotations/panoptic_\(set)/\(annotation.file_name)",
                                        split: split, name: stem(name), segments: segments))
            }
        }
        guard found else {
            throw .source(path: source.path("annotations/panoptic_val2017.json"),
                          reason: "not found (nor panoptic_train2017.json); unpack panoptic_annotations_trainval2017.zip into annotations/")
        }
        items.sort { $0.image.utf8.lexicographicallyPrecedes($1.image.utf8) }
        return ImportPlan(labels: labels, encoding: .panoptic, void: [0], items: items)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "no '\(key.stringValue)' at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case let DecodingError.dataCorrupted(context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }
}
