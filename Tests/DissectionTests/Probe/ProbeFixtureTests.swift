// The tiny hand-written dataset in Fixtures/tiny, which carries the real dataset's quirks
// (see its README). Every expected value here is written out by hand.
import DissectionTestSupport
import Foundation
import Testing
@testable import Dissection
import Render

@Suite struct ProbeFixtureTests {
    let dataset: ProbeDataset

    init() throws { dataset = try ProbeDataset.open(directory: try fixtureDirectory("tiny")) }

    @Test func categoriesInCategoryCSVOrderWithKinds() {
        #expect(dataset.categories.map(\.name) == ["color", "object", "material", "part", "scene", "texture"])
        #expect(dataset.categories.map(\.kind) == [.pixel, .pixel, .pixel, .pixel, .imageLevel, .imageLevel])
        #expect(dataset.categories[3].firstLabel == 5 && dataset.categories[3].lastLabel == 11)
        #expect(dataset.category(named: "scene") == 4)
    }

    @Test func labelsWithSynonymsAndCategories() throws {
        #expect(dataset.labels.map(\.id) == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 300])
        let dog = try #require(dataset.label(id: 3))
        #expect(dog.name == "dog" && dog.synonyms == ["dog", "domestic dog"])
        let leg = try #require(dataset.label(id: 5))
        #expect(leg.categories == [LabelInCategory(category: 1, code: 2, frequency: 3, coverage: 0.10),
                                   LabelInCategory(category: 3, code: 1, frequency: 1, coverage: 0.40)])
        #expect(dataset.label(id: 4) == nil)
        #expect(dataset.maxLabelID == 300)
    }

    @Test func coverageDecidesThePrimaryCategoryAndTiesGoFirst() {
        #expect(dataset.primaryCategory(of: 5) == 3, "leg: part's coverage 0.40 beats object's 0.10")
        #expect(dataset.primaryCategory(of: 11) == 1, "tail: equal coverage, object is listed first")
        #expect(dataset.primaryCategory(of: 1) == 0)
        #expect(dataset.primaryCategory(of: 7) == 4)
        #expect(dataset.primaryCategory(of: 9) == 5)
        #expect(dataset.primaryCategory(of: 42) == nil)
    }

    @Test func recordsKeepRowsAndSkipZero() {
        #expect(dataset.records.count == 3)
        let one = dataset.records[0], two = dataset.records[1], three = dataset.records[2]
        #expect(one.line == 2 && one.image == "pascal/one.jpg" && one.split == "train")
        #expect(one.layers(3) == ["pascal/one_part_1.png", "pascal/one_part_2.png"])
        #expect(one.layers(2).isEmpty)
        #expect(one.labels(4) == [7])
        #expect(two.labels(4) == [8])
        #expect((two.imageHeight, two.imageWidth, two.segmentationHeight, two.segmentationWidth) == (8, 6, 4, 3))
        #expect(three.labels(5) == [9] && three.labels(4).isEmpty && three.layers(1).isEmpty)
        #expect(dataset.records.allSatisfy { $0.defect == nil })
        #expect(dataset.records(split: "val").map(\.index) == [1])
        #expect(dataset.problems.filter { $0.severity >= .warning } == [])
    }

    @Test func sampleDecodesEveryLayerExactly() throws {
        let sample = try dataset.sample(dataset.records[0])
        #expect(sample.image.width == 8 && sample.image.height == 8)
        #expect(sample.layers[0] == [LabelMap(width: 4, height: 4, labels: [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2])])
        #expect(sample.layers[1] == [LabelMap(width: 4, height: 4, labels: [0, 3, 3, 0, 0, 3, 3, 0, 5, 5, 0, 0, 5, 5, 0, 0])])
        #expect(sample.layers[2] == [])
        #expect(sample.layers[3] == [LabelMap(width: 4, height: 4, labels: [0, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                                     LabelMap(width: 4, height: 4, labels: [0, 10, 0, 0, 0, 0, 11, 0, 5, 0, 0, 0, 0, 0, 0, 0])])
        #expect(sample.imageLabels == [[], [], [], [], [7], []])
    }

    @Test func missingFileIsNamedWithItsLine() {
        do {
            _ = try dataset.sample(dataset.records[1])
            Issue.record("a record with a missing segmentation was decoded")
        } catch {
            #expect(error == SampleError(file: "images/pascal/two_object.png", line: 3, reason: "no such file"))
        }
    }

    @Test func labelAboveTwoHundredFiftyFiveUsesGreen() throws {
        let map = try dataset.decodeSegmentation("pascal/two_material.png", dataset.records[1])
        #expect(map.labels == [6, 6, 6, 6, 0, 0, 0, 0, 0, 0, 0, 300])
        #expect(map.distinctLabels == [6, 300])
    }
}
