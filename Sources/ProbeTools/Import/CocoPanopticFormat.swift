// COCO panoptic (cocodataset.org/#format-data, github.com/cocodataset/panopticapi):
//
//     annotations/panoptic_val2017.json
//     annotations/panoptic_val2017/000000000139.png
//     val2017/000000000139.jpg            (or images/val2017/...)
//
// A panoptic PNG is RGB; a pixel's segment id is R + 256 G + 256^2 B (panopticapi's `rgb2id`), 0
// being void (unlabelled). The JSON's `annotations` give per image (`image_id`, the PNG's
// `file_name`) its `segments_info`, each `{id, category_id}`; `images` give the JPEG's
// `file_name`; `categories` give each category's `name` and `isthing`. Things go to the category
// named by --category (default `object`), stuff to `stuff`: two categories, as the dataset splits
// them. A segment id of a PNG that its image's `segments_info` does not list, or whose category
// the JSON does not list, is reported.
//
// The JSON is streamed (`JSONStream`): panoptic_train2017.json is about 0.5 GB, and decoding it
// whole cost several GB. Only what the plan keeps is held: per image its two file names and its
// (segment id, category id) pairs. COCO writes `categories` last, so segments are resolved to
// labels once the file is read.
import Runtime

enum CocoPanopticFormat {
    /// Largest JSON read: panoptic_train2017.json is about 0.5 GB.
    static let maxJSONBytes = 8 << 30

    /// One `annotations` entry, as kept until the categories are known.
    private struct Annotation {
        var imageID: Int
        var fileName: String
        /// (segment id, category id) pairs.
        var segments: [(id: Int, category: Int)]
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
            var file = try read(source, json)
            for category in file.categories where labelOf[category.id] == nil {
                labelOf[category.id] = labels.count
                labels.append(ImportLabel(name: cleanName(category.name), synonyms: [],
                                          category: category.isThing ? "" : "stuff"))
            }
            let imageFolder = source.hasFolder("images/" + set) ? "images/" + set : set
            // Taken from the end, so the annotations read give back their memory as items are made.
            while let annotation = file.annotations.popLast() {
                guard let name = file.imageName[annotation.imageID] else { continue }
                // A segment of an unknown category maps to no label: reported as unknown. An id no
                // PNG can hold (0 is void, 2^24 and above have no colour) can never be met.
                let segments = annotation.segments.filter { (1..<(1 << 24)).contains($0.id) }.map { segment in
                    SegmentLabel(id: Int32(segment.id), label: Int32(labelOf[segment.category] ?? -1))
                }
                items.append(ImportItem(image: "\(imageFolder)/\(name)", mask: "annotations/panoptic_\(set)/\(annotation.fileName)",
                                        split: split, name: stem(name), segments: segments))
            }
        }
        guard found else {
            throw .source(path: source.path("annotations/panoptic_val2017.json"),
                          reason: "not found (nor panoptic_train2017.json); unpack panoptic_annotations_trainval2017.zip into annotations/")
        }
        // Sorted by image, then mask: the same order whatever the JSON's.
        items.sort { a, b in
            a.image != b.image ? a.image.utf8.lexicographicallyPrecedes(b.image.utf8) : a.mask.utf8.lexicographicallyPrecedes(b.mask.utf8)
        }
        return ImportPlan(labels: labels, encoding: .panoptic, void: [0], items: items)
    }

    /// What the plan needs of one panoptic JSON.
    private struct File {
        var categories: [(id: Int, name: String, isThing: Bool)] = []
        var imageName: [Int: String] = [:]
        var annotations: [Annotation] = []
    }

    /// Streams the JSON `relative` of `source`, keeping what the plan needs.
    ///
    /// - Throws: `ImportError.file` naming the file, the byte offset and the cause.
    private static func read(_ source: ImportSource, _ relative: String) throws(ImportError) -> File {
        let handle = try source.open(relative, maxBytes: maxJSONBytes)
        var file = File()
        var found: Set<String> = []
        do throws(JSONStreamError) {
            var stream = JSONStream(file: handle)
            found = try stream.forEachElement(ofArrays: ["images", "annotations", "categories"]) { key, element, at throws(JSONStreamError) in
                func field(_ name: String) throws(JSONStreamError) -> JSONValue {
                    guard let value = element[name] else {
                        throw JSONStreamError(offset: at, reason: "an entry of '\(key)' has no '\(name)'\(element.kind == "an object" ? "" : " (it is \(element.kind))")")
                    }
                    return value
                }
                func int(_ value: JSONValue, _ name: String) throws(JSONStreamError) -> Int {
                    guard let int = value.int else { throw JSONStreamError(offset: at, reason: "'\(name)' of an entry of '\(key)' is \(value.kind), not an integer") }
                    return int
                }
                func string(_ name: String) throws(JSONStreamError) -> String {
                    let value = try field(name)
                    guard let text = value.string else { throw JSONStreamError(offset: at, reason: "'\(name)' of an entry of '\(key)' is \(value.kind), not a string") }
                    return text
                }
                switch key {
                case "images":
                    file.imageName[try int(try field("id"), "id")] = try string("file_name")
                case "categories":
                    let isThing = element["isthing"].map { $0.int == 1 || $0 == .bool(true) } ?? false
                    file.categories.append((try int(try field("id"), "id"), try string("name"), isThing))
                default:
                    guard let segments = try field("segments_info").array else {
                        throw JSONStreamError(offset: at, reason: "'segments_info' of an entry of 'annotations' is not an array")
                    }
                    var pairs: [(id: Int, category: Int)] = []
                    pairs.reserveCapacity(segments.count)
                    for segment in segments {
                        guard let id = segment["id"], let category = segment["category_id"] else {
                            throw JSONStreamError(offset: at, reason: "a segment of 'segments_info' has no 'id' or no 'category_id'")
                        }
                        pairs.append((try int(id, "id"), try int(category, "category_id")))
                    }
                    file.annotations.append(Annotation(imageID: try int(try field("image_id"), "image_id"),
                                                       fileName: try string("file_name"), segments: pairs))
                }
            }
        } catch {
            throw .file(path: source.path(relative), reason: "is not COCO panoptic JSON: \(error)")
        }
        for key in ["images", "annotations", "categories"] where !found.contains(key) {
            throw .file(path: source.path(relative), reason: "is not COCO panoptic JSON: it has no '\(key)' array")
        }
        return file
    }
}
