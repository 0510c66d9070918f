// Report pictures read their images through the probe's path checks (issue 25, items 2 and 11).
@testable import Dissection
import DissectionTestSupport
import Foundation
import Testing
import TestSupport
import Workflows

@Suite struct UnitPicturesTests {
    @Test func reportPicturesAreReadThroughTheSameCheck() throws {
        let directory = try writeUsableDataset()
        let outside = try outsideCopy(of: directory)
        try link("\(directory)/images/a/1.jpg", to: "\(outside)/images/a/1.jpg")
        let pictures = UnitPictures(datasetDirectory: directory)
        func top(_ path: String) -> TopImage {
            TopImage(layer: "l", unit: 0, rank: 0, image: 0, path: path, maximum: 1, mapHeight: 1, mapWidth: 1, map: [1], threshold: nil)
        }
        #expect(throws: PictureError.self) { try pictures.sourceImage(top("a/1.jpg")) }
        do { _ = try pictures.sourceImage(top("a/1.jpg")) } catch {
            #expect(error.cause.hasPrefix("a symbolic link leads out of the dataset directory"), "\(error)")
        }
        #expect(try pictures.sourceImage(top("a/2.jpg")).width == 8)
        // A top image whose index the run's images table does not list (item 11).
        do { _ = try pictures.sourceImage(top("")) } catch {
            #expect(error.description == "run.sqlite: top image 1 of unit 1 is image 0, which the images table does not list")
        }
    }
}
