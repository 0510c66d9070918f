// The synthetic generator: what it writes reads back exactly as it was generated, the tables
// agree with the files, and a seed fixes the output whatever the number of threads.
import Foundation
import Testing
import TestSupport
@testable import Dissection
@testable import ProbeTools

@Suite struct SyntheticBrodenTests {
    func generate(images: Int, size: Int = 64, seed: UInt64 = 5, workers: Int? = nil, keep: Bool = true) throws -> SyntheticBroden {
        var options = SynthOptions()
        options.images = images
        options.size = size
        options.seed = seed
        options.keepGroundTruth = keep
        options.workers = workers
        return try SyntheticBroden.generate(to: try makeTemporaryDirectory("synth"), options: options)
    }

    @Test func roundTripIsExactForEveryPixelAndLabel() throws {
        let synth = try generate(images: 40)
        let dataset = try ProbeDataset.open(directory: synth.directory)
        #expect(dataset.problems.isEmpty, "\(dataset.problems)")
        #expect(dataset.categories.map(\.name) == ["color", "object", "material", "part", "scene", "texture"])
        #expect(dataset.records.count == 40)
        for (record, truth) in zip(dataset.records, synth.groundTruth) {
            #expect(record.image == truth.image && record.split == truth.split)
            let sample = try dataset.sample(record)
            #expect(sample.image.width == 64 && sample.image.height == 64)
            for c in 0..<6 {
                #expect(sample.layers[c] == truth.layers[c], "\(record.image) category \(c)")
                #expect(sample.imageLabels[c] == truth.imageLabels[c], "\(record.image) category \(c)")
            }
        }
    }

    @Test func everyCategoryIsExercisedAndTablesAgree() throws {
        let synth = try generate(images: 120, size: 32)
        let dataset = try ProbeDataset.open(directory: synth.directory)
        let truth = synth.groundTruth
        // Every category annotates some images, parts come in two layers somewhere, both splits.
        for c in 0..<6 {
            #expect(truth.contains { !$0.layers[c].isEmpty || !$0.imageLabels[c].isEmpty }, "category \(c) never used")
        }
        #expect(truth.contains { $0.layers[3].count == 2 })
        #expect(Set(truth.map(\.split)) == ["train", "val"])
        // Colour on every image, with Broden's names.
        #expect(truth.allSatisfy { $0.layers[0].count == 1 })
        #expect(dataset.labels.filter { $0.primaryCategory == 0 }.allSatisfy { $0.name.hasSuffix("-c") })
        // Frequencies in c_<category>.csv count the images where a label occurs.
        for label in dataset.labels {
            for entry in label.categories {
                let images = truth.filter { image in
                    image.layers[entry.category].contains { $0.labels.contains(UInt32(label.id)) }
                        || image.imageLabels[entry.category].contains(label.id)
                }.count
                #expect(entry.frequency == images, "\(label.name) in category \(entry.category)")
            }
        }
        // Every label that occurs is listed, with a primary category.
        let occurring = Set(truth.flatMap { $0.layers.flatMap { $0.flatMap(\.labels) } + $0.imageLabels.flatMap { $0.map(UInt32.init) } })
            .subtracting([0])
        #expect(Set(dataset.labels.map { UInt32($0.id) }) == occurring)
        #expect(dataset.labels.allSatisfy { $0.primaryCategory != nil })
    }

    @Test func aSeedFixesTheBytesWhateverTheThreads() throws {
        let one = try generate(images: 12, size: 48, seed: 9, workers: 1, keep: false)
        let two = try generate(images: 12, size: 48, seed: 9, workers: 3, keep: false)
        let other = try generate(images: 12, size: 48, seed: 10, workers: 2, keep: false)
        let dataset = try ProbeDataset.open(directory: one.directory)
        func bytes(_ synth: SyntheticBroden, _ relative: String) throws -> [UInt8] {
            try ProbePaths.read(relative, in: synth.directory)
        }
        for table in ["index.csv", "label.csv", "category.csv", "c_object.csv", "c_color.csv"] {
            #expect(try bytes(one, table) == bytes(two, table), "\(table)")
        }
        for record in dataset.records {
            #expect(try bytes(one, "images/" + record.image) == bytes(two, "images/" + record.image))
        }
        #expect(try bytes(one, "index.csv") != bytes(other, "index.csv"))
    }

    @Test func saysItIsSyntheticAndARealLayoutDoesNot() throws {
        let synth = try generate(images: 2, size: 16, seed: 3, keep: false)
        #expect(SyntheticMarker.isSynthetic(dataset: synth.directory))
        let text = String(decoding: try ProbePaths.read(SyntheticMarker.fileName, in: synth.directory), as: UTF8.self)
        #expect(text.contains("--images 2 --size 16 --seed 3") && text.contains("not Broden's"))
        let plain = try makeTemporaryDirectory("not-synth")
        #expect(!SyntheticMarker.isSynthetic(dataset: plain))
    }

    @Test func refusesToOverwriteADataset() throws {
        let synth = try generate(images: 1, size: 16, keep: false)
        #expect(throws: SynthError.self) { try SyntheticBroden.generate(to: synth.directory) }
    }

    @Test func writesOnlyIntoANewEmptyOrSyntheticDirectory() throws {
        func refusal(_ directory: String, force: Bool = false) -> String? {
            var options = SynthOptions(); options.images = 1; options.size = 16
            do { _ = try SyntheticBroden.generate(to: directory, options: options, overwrite: force); return nil } catch {
                return error.description
            }
        }
        let run = try makeTemporaryDirectory("synth-into-run")
        for name in ["run.sqlite", "run.lock"] { try Data().write(to: URL(fileURLWithPath: run + "/" + name)) }
        #expect(refusal(run)?.hasSuffix("is not empty and holds no probe dataset (run.lock, run.sqlite); give --out a new or empty directory") == true)
        #expect(refusal(run, force: true) != nil, "--force does not mix a probe into a run")
        let real = try makeTemporaryDirectory("synth-into-real")
        try Data("image,split\n".utf8).write(to: URL(fileURLWithPath: real + "/index.csv"))
        #expect(refusal(real, force: true)?.contains("holds a dataset that synth did not write") == true)
        let synth = try generate(images: 1, size: 16, keep: false)
        #expect(refusal(synth.directory, force: true) == nil)
        #expect(refusal(try makeTemporaryDirectory("synth-empty")) == nil)
    }
}

@Suite struct ColorNameTests {
    @Test func primariesAndGreysGetTheirNames() {
        let cases: [((Float, Float, Float), ColorName)] = [
            ((0, 0, 0), .black), ((1, 1, 1), .white), ((0.5, 0.5, 0.5), .grey), ((0.9, 0.1, 0.1), .red),
            ((0.1, 0.8, 0.1), .green), ((0.1, 0.2, 0.9), .blue), ((1, 0.9, 0.1), .yellow), ((1, 0.55, 0.05), .orange),
            ((0.5, 0.3, 0.1), .brown), ((1, 0.7, 0.8), .pink), ((0.5, 0.1, 0.7), .purple),
        ]
        for ((r, g, b), name) in cases { #expect(ColorName.of(r, g, b) == name, "(\(r), \(g), \(b))") }
    }
}
