// Each format's small dataset, written in its own conventions, imported, checked as `probe check`
// checks it, and dissected: a unit firing on a quadrant must find the class drawn there.
import Dissection
import Foundation
import TestSupport
import Testing
@testable import ProbeTools

@Suite struct ProbeImportTests {
    typealias Q = Quadrants

    @Test func ade20k() throws {
        let root = try makeTemporaryDirectory("nd-ade")
        // 1 wall, 13 person, 3 sky, 0 "other objects" (not a label), 200 no class.
        let src = try ImportFixtures.ade20k(in: root, train: [Q(topLeft: 1, topRight: 0, bottomLeft: 3, bottomRight: 13),
                                                              Q(topLeft: 1, topRight: 2, bottomLeft: 0, bottomRight: 13)],
                                            val: [Q(topLeft: 1, topRight: 0, bottomLeft: 200, bottomRight: 13)])
        let (dir, summary, problems) = try importProbe(src, .ade20k)
        #expect(summary.imported == 3 && summary.skipped == 0)
        #expect(summary.categories == ["object", "scene"])
        #expect(problems.count == 1 && problems[0].description.contains("ADE_val_00000001.png") && problems[0].description.contains("200"))
        let report = try expectCleanCheck(dir)
        #expect(report.train == 2 && report.val == 1)
        #expect(try labelName(dir, row: 0, category: "object", x: 0, y: 0) == "wall")
        #expect(try labelName(dir, row: 0, category: "object", x: 15, y: 0) == nil, "0 is not a label")
        #expect(try labelName(dir, row: 2, category: "object", x: 0, y: 15) == nil, "an unknown value is unlabelled")
        let dataset = try ProbeDataset.open(directory: dir)
        let building = try #require(dataset.labels.first { $0.name == "building" })
        #expect(building.synonyms == ["edifice"])
        #expect(dataset.labels.contains { $0.name == "bathroom-s" } && dataset.labels.contains { $0.name == "street-s" })
        #expect(dataset.records[0].image == "ade20k/ADE_train_00000001.jpg")
        // The JPEG is copied as it is.
        let copied = try Data(contentsOf: URL(fileURLWithPath: dir + "/images/ade20k/ADE_train_00000001.jpg"))
        let original = try Data(contentsOf: URL(fileURLWithPath: src + "/images/training/ADE_train_00000001.jpg"))
        #expect(copied == original)
        let units = try dissectQuadrants(dir, units: [.topLeft, .bottomRight])
        #expect(units[0].labelName == "wall" && abs(units[0].iou - 1) < 1e-9, "\(units[0])")
        #expect(units[1].labelName == "person" && abs(units[1].iou - 1) < 1e-9, "\(units[1])")
    }

    @Test func pascalVOC() throws {
        let root = try makeTemporaryDirectory("nd-voc")
        // 15 person, 12 dog, 8 cat, 0 background and 255 void: no labels.
        let src = try ImportFixtures.voc(in: root, train: [Q(topLeft: 15, topRight: 255, bottomLeft: 0, bottomRight: 12),
                                                           Q(topLeft: 15, topRight: 8, bottomLeft: 255, bottomRight: 12)],
                                         val: [Q(topLeft: 15, topRight: 0, bottomLeft: 8, bottomRight: 12)])
        // The parent of VOC2012 is accepted too.
        let (dir, summary, problems) = try importProbe((src as NSString).deletingLastPathComponent, .voc)
        #expect(summary.imported == 3 && problems.isEmpty)
        let report = try expectCleanCheck(dir)
        #expect(report.train == 2 && report.val == 1)
        #expect(report.categories.map(\.labelsFound) == [3])
        #expect(try labelName(dir, row: 0, category: "object", x: 15, y: 0) == nil, "255 is void")
        #expect(try labelName(dir, row: 0, category: "object", x: 0, y: 15) == nil, "background is not a label")
        #expect(try labelName(dir, row: 1, category: "object", x: 15, y: 0) == "cat")
        let units = try dissectQuadrants(dir, units: [.topLeft, .bottomRight])
        #expect(units.map(\.labelName) == ["person", "dog"])
        #expect(units.allSatisfy { abs($0.iou - 1) < 1e-9 })
    }

    @Test func cityscapes() throws {
        let root = try makeTemporaryDirectory("nd-city")
        // 26 car, 24 person, 7 road; 9 parking and 0 unlabeled are ignoreInEval: not labels.
        let src = try ImportFixtures.cityscapes(in: root, train: [Q(topLeft: 26, topRight: 9, bottomLeft: 7, bottomRight: 24),
                                                                  Q(topLeft: 26, topRight: 0, bottomLeft: 7, bottomRight: 24)],
                                                val: [Q(topLeft: 26, topRight: 4, bottomLeft: 0, bottomRight: 24)])
        let (dir, summary, problems) = try importProbe(src, .cityscapes, options: { $0.category = "part" })
        #expect(summary.imported == 3 && problems.isEmpty && summary.categories == ["part"])
        _ = try expectCleanCheck(dir)
        #expect(try labelName(dir, row: 0, category: "part", x: 15, y: 0) == nil, "parking is ignored in evaluation")
        #expect(try labelName(dir, row: 0, category: "part", x: 0, y: 15) == "road")
        let dataset = try ProbeDataset.open(directory: dir)
        #expect(Set(dataset.labels.map(\.name)) == ["car", "person", "road"])
        // The PNG images were written as JPEGs.
        #expect(dataset.records[0].image == "cityscapes/aachen_000000_000019.jpg")
        let units = try dissectQuadrants(dir, units: [.topLeft, .bottomRight, .bottomLeft])
        #expect(units.map(\.labelName) == ["car", "person", "road"])
        #expect(units[0].iou > 0.999 && units[1].iou > 0.999)
    }

    @Test func cocoStuffWithAMap() throws {
        let root = try makeTemporaryDirectory("nd-stuff")
        // Values are class id - 1: 0 person (1), 123 grass (124), 255 unlabeled.
        let src = try ImportFixtures.cocoStuff(in: root, train: [Q(topLeft: 0, topRight: 255, bottomLeft: 2, bottomRight: 123)],
                                               val: [Q(topLeft: 0, topRight: 255, bottomLeft: 255, bottomRight: 123)])
        #expect(CocoStuffClasses.names[123] == "grass" && CocoStuffClasses.names.count == 182)
        try ImportFixtures.write("name,category\ngrass,material\n", root + "/map.csv")
        let (dir, summary, _) = try importProbe(src, .cocoStuff, options: { $0.map = root + "/map.csv" })
        #expect(summary.categories == ["object", "material"])
        _ = try expectCleanCheck(dir)
        #expect(try labelName(dir, row: 0, category: "object", x: 0, y: 0) == "person")
        #expect(try labelName(dir, row: 0, category: "object", x: 0, y: 15) == "car")
        #expect(try labelName(dir, row: 0, category: "material", x: 15, y: 15) == "grass")
        #expect(try labelName(dir, row: 0, category: "object", x: 15, y: 0) == nil, "255 is unlabeled")
        let units = try dissectQuadrants(dir, units: [.topLeft, .bottomRight])
        #expect(units.map(\.labelName) == ["person", "grass"])
        #expect(units.map(\.categoryName) == ["object", "material"])
    }

    @Test func cocoPanoptic() throws {
        let root = try makeTemporaryDirectory("nd-panoptic")
        let person = 3_937_500, grass = 4_260_062, unlisted = 1234
        let src = try ImportFixtures.cocoPanoptic(
            in: root,
            val: [Q(topLeft: person, topRight: 0, bottomLeft: 0, bottomRight: grass),
                  Q(topLeft: person + 1, topRight: 0, bottomLeft: unlisted, bottomRight: grass + 1)],
            segments: [person: 1, grass: 193, person + 1: 1, grass + 1: 193],
            categories: [(1, "person", true), (2, "bicycle", true), (193, "grass-merged", false)])
        let (dir, summary, problems) = try importProbe(src, .cocoPanoptic)
        #expect(summary.imported == 2 && summary.categories == ["object", "stuff"])
        #expect(problems.count == 1 && problems[0].description.contains("segment id 1234"))
        _ = try expectCleanCheck(dir)
        #expect(try labelName(dir, row: 1, category: "object", x: 0, y: 0) == "person")
        #expect(try labelName(dir, row: 1, category: "stuff", x: 15, y: 15) == "grass-merged")
        let dataset = try ProbeDataset.open(directory: dir)
        #expect(dataset.categories.map(\.kind) == [.pixel, .pixel])
        let units = try dissectQuadrants(dir, units: [.topLeft, .bottomRight])
        #expect(units.map(\.labelName) == ["person", "grass-merged"])
        #expect(units.map(\.categoryName) == ["object", "stuff"])
        #expect(units.allSatisfy { abs($0.iou - 1) < 1e-9 })
    }

    @Test func maskFolder() throws {
        let root = try makeTemporaryDirectory("nd-masks")
        let src = try ImportFixtures.maskFolder(in: root, images: [Q(topLeft: 300, topRight: 255, bottomLeft: 0, bottomRight: 7),
                                                                   Q(topLeft: 300, topRight: 0, bottomLeft: 41, bottomRight: 7)],
                                                classes: "id,name\n300,lamp post\n7,\"sofa, couch\"\n41,rug,material\n255,\n")
        let (dir, summary, problems) = try importProbe(src, .masks)
        #expect(summary.imported == 2 && problems.isEmpty && summary.categories == ["object", "material"])
        _ = try expectCleanCheck(dir)
        #expect(try labelName(dir, row: 0, category: "object", x: 15, y: 15) == "sofa, couch")
        #expect(try labelName(dir, row: 0, category: "object", x: 15, y: 0) == nil, "255 is listed without a name: void")
        #expect(try labelName(dir, row: 1, category: "material", x: 0, y: 15) == "rug")
        // File names are made safe: no space in a probe path.
        #expect(try ProbeDataset.open(directory: dir).records.map(\.image) == ["masks/photo_1.jpg", "masks/photo_2.jpg"])
        let units = try dissectQuadrants(dir, units: [.topLeft, .bottomRight])
        #expect(units.map(\.labelName) == ["lamp post", "sofa, couch"])
    }

    @Test func sizeAndLimit() throws {
        let root = try makeTemporaryDirectory("nd-size")
        let q = Q(topLeft: 1, topRight: 0, bottomLeft: 3, bottomRight: 13)
        let src = try ImportFixtures.ade20k(in: root, train: [q, q, q], val: [q])
        let (dir, summary, _) = try importProbe(src, .ade20k, options: { $0.size = 32; $0.limit = 2 })
        #expect(summary.imported == 2)
        _ = try expectCleanCheck(dir)
        let dataset = try ProbeDataset.open(directory: dir)
        let sizes: [[Int]] = dataset.records.map { [$0.imageHeight, $0.imageWidth, $0.segmentationHeight, $0.segmentationWidth] }
        #expect(sizes == [[32, 32, 16, 16], [32, 32, 16, 16]])
        // 16 x 16 masks at 16: nearest is the identity.
        #expect(try labelName(dir, row: 0, category: "object", x: 7, y: 7) == "wall")
        #expect(try labelName(dir, row: 0, category: "object", x: 8, y: 8) == "person")
    }
}
