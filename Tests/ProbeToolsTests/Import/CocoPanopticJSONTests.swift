// COCO panoptic's JSON, streamed: a file of many annotations planned one annotation at a time,
// with categories written last as COCO writes them; malformed files named with the byte offset.
import Dissection
import Foundation
import TestSupport
import Testing
@testable import ProbeTools

@Suite struct CocoPanopticJSONTests {
    /// A source whose `annotations/panoptic_val2017.json` is `json` (no image needed to plan).
    func source(_ json: String) throws -> ImportSource {
        let dir = try makeTemporaryDirectory("nd-panoptic-json")
        try ImportFixtures.write(json, dir + "/annotations/panoptic_val2017.json")
        return try ImportSource(directory: dir)
    }

    func plan(_ json: String) throws -> ImportPlan {
        try CocoPanopticFormat.plan(try source(json), ImportOptions(format: .cocoPanoptic))
    }

    /// The JSON of `count` images in COCO's order (info, licenses, images, annotations,
    /// categories): image i has segments 1000 i + k of category `category(i, k)`, k < 1 + i % 4.
    static func json(images count: Int, categories: [(id: Int, name: String, isthing: Int)]) -> String {
        var text = "{\"info\": {\"description\": \"x\", \"year\": 2017}, \"licenses\": [{\"id\": 1, \"name\": \"l\"}], \"images\": ["
        text += (1...count).map { i in
            "{\"license\": 1, \"file_name\": \"\(String(format: "%012d", i)).jpg\", \"height\": 16, \"width\": 16, \"id\": \(i)}"
        }.joined(separator: ", ")
        text += "], \"annotations\": ["
        text += (1...count).reversed().map { i in
            let segments = (0..<(1 + i % 4)).map { k in
                "{\"id\": \(1000 * i + k), \"category_id\": \(category(i, k, categories)), \"iscrowd\": 0, \"bbox\": [0, 0, 4, 4], \"area\": 16}"
            }
            return "{\"segments_info\": [\(segments.joined(separator: ", "))], \"file_name\": \"\(String(format: "%012d", i)).png\", \"image_id\": \(i)}"
        }.joined(separator: ",\n")
        text += "], \"categories\": ["
        text += categories.map { "{\"supercategory\": \"s\", \"isthing\": \($0.isthing), \"id\": \($0.id), \"name\": \"\($0.name)\"}" }.joined(separator: ", ")
        return text + "]}\n"
    }

    static func category(_ i: Int, _ k: Int, _ categories: [(id: Int, name: String, isthing: Int)]) -> Int {
        categories[(i + k) % categories.count].id
    }

    @Test func manyAnnotationsArePlannedOneAtATime() throws {
        let categories = [(id: 1, name: "person", isthing: 1), (id: 3, name: "car", isthing: 1), (id: 184, name: "grass-merged", isthing: 0)]
        let count = 5000
        let plan = try plan(Self.json(images: count, categories: categories))
        #expect(plan.encoding == .panoptic && plan.void == [0])
        #expect(plan.labels.map(\.name) == ["person", "car", "grass-merged"])
        #expect(plan.labels.map(\.category) == ["", "", "stuff"])
        #expect(plan.items.count == count)
        // Sorted by image path, whatever the order of the annotations.
        #expect(plan.items.map(\.image) == (1...count).map { "val2017/\(String(format: "%012d", $0)).jpg" })
        for (n, item) in plan.items.enumerated() {
            let i = n + 1
            #expect(item.mask == "annotations/panoptic_val2017/\(String(format: "%012d", i)).png" && item.split == "val")
            let expected = Dictionary(uniqueKeysWithValues: (0..<(1 + i % 4)).map { k in
                (1000 * i + k, categories.firstIndex { $0.id == Self.category(i, k, categories) }!)
            })
            #expect(item.segmentLabels == expected, "image \(i)")
        }
    }

    @Test func anAnnotationWithoutItsImageOrCategoryIsNoLabel() throws {
        var json = Self.json(images: 3, categories: [(id: 1, name: "person", isthing: 1)])
        // Image 2 is not in `images`; image 3's segments name category 7, which `categories` lacks.
        json = json.replacingOccurrences(of: "\"id\": 2}", with: "\"id\": 22}")
        json = json.replacingOccurrences(of: "\"id\": 3000, \"category_id\": 1", with: "\"id\": 3000, \"category_id\": 7")
        // Image 1 lists segment 1000 twice (the last entry counts) and ids no PNG can hold.
        json = json.replacingOccurrences(of: "{\"id\": 1000, \"category_id\": 1,", with: "{\"id\": 0, \"category_id\": 1}, {\"id\": 16777216, \"category_id\": 1}, {\"id\": 1000, \"category_id\": 9}, {\"id\": 1000, \"category_id\": 1,")
        let plan = try plan(json)
        #expect(plan.items.map(\.image) == ["val2017/000000000001.jpg", "val2017/000000000003.jpg"])
        #expect(plan.items[0].segments.map(\.id) == [1000, 1000, 1001] && plan.items[0].segmentLabels == [1000: 0, 1001: 0])
        #expect(plan.items[1].segmentLabels[3000] == -1 && plan.items[1].segmentLabels[3001] == 0)
    }

    @Test func malformedFilesNameTheFileAndTheByte() throws {
        let good = Self.json(images: 4, categories: [(id: 1, name: "person", isthing: 1)])
        func failure(_ json: String) throws -> String {
            do { _ = try plan(json); return "no error" } catch { return "\(error)" }
        }
        // Cut in the middle of an annotation.
        let cut = String(good.prefix(good.utf8.count / 2 + 3))
        let message = try failure(cut)
        #expect(message.contains("panoptic_val2017.json: is not COCO panoptic JSON: byte \(cut.utf8.count): "), "\(message)")
        #expect(!message.contains("\n"))
        // An annotation without image_id: the byte where that annotation begins.
        let broken = good.replacingOccurrences(of: "\"image_id\": 3}", with: "\"image\": 3}")
        let begin = try #require(broken.range(of: "{\"segments_info\": [{\"id\": 3000")).lowerBound
        let offset = broken.utf8.distance(from: broken.startIndex, to: begin)
        #expect(try failure(broken).contains("byte \(offset): an entry of 'annotations' has no 'image_id'"))
        #expect(try failure(good.replacingOccurrences(of: "\"id\": 2}", with: "\"id\": \"2\"}")).contains("'id' of an entry of 'images' is a string, not an integer"))
        #expect(try failure(good.replacingOccurrences(of: "\"categories\"", with: "\"kategorien\"")).contains("it has no 'categories' array"))
        #expect(try failure(good.replacingOccurrences(of: "\"segments_info\": [", with: "\"segments_info\": 5, \"x\": [")).contains("'segments_info' of an entry of 'annotations' is not an array"))
        #expect(try failure("[]").contains("byte 0: expected '{'"))
    }
}
