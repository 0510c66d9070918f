// Writing the tables of a synthetic dataset from what was generated: index.csv row by row, and
// category.csv, label.csv and c_<category>.csv with real frequencies and coverages.
//
// Frequencies count images; coverage is area in image-equivalents (a label covering a quarter
// of one image and half of another has coverage 0.75), as in Broden. Image-level labels cover
// their whole image. Only labels that occur are listed, as in Broden, which dropped rare ones.
import Dissection
import Foundation

struct SynthTables {
    let vocabulary: SynthVocabulary
    let options: SynthOptions

    func write(_ images: [MadeImage], to directory: String) throws(SynthError) {
        let categories = SynthCategory.allCases
        let seg = options.size / 2
        let area = Double(seg * seg)

        // Per category and label: images and coverage; per category: annotated images.
        var frequency = Array(repeating: [UInt32: Int](), count: categories.count)
        var coverage = Array(repeating: [UInt32: Double](), count: categories.count)
        var annotated = Array(repeating: 0, count: categories.count)
        var labelImages: [UInt32: Int] = [:]
        var index = "image,split,ih,iw,sh,sw," + categories.map(\.name).joined(separator: ",") + "\n"
        for image in images {
            index += "\(image.image),\(image.split),\(options.size),\(options.size),\(seg),\(seg),"
                + image.cells.joined(separator: ",") + "\n"
            var inImage = Set<UInt32>()
            for category in categories {
                let tally = image.pixels[category.rawValue]
                if !tally.isEmpty { annotated[category.rawValue] += 1 }
                for (label, pixels) in tally {
                    frequency[category.rawValue][label, default: 0] += 1
                    coverage[category.rawValue][label, default: 0] += Double(pixels) / area
                    inImage.insert(label)
                }
            }
            for label in inImage { labelImages[label, default: 0] += 1 }
        }

        var categoryCSV = "name,first,last,count,frequency\n"
        for category in categories {
            let labels = frequency[category.rawValue].keys.sorted()
            categoryCSV += "\(category.name),\(labels.first ?? 0),\(labels.last ?? 0),\(labels.count),\(annotated[category.rawValue])\n"
        }

        var labelCSV = "number,name,category,frequency,coverage,syns\n"
        for id in labelImages.keys.sorted() {
            let inCategories = categories.compactMap { category in
                frequency[category.rawValue][id].map { "\(category.name)(\($0))" }
            }
            let total = categories.reduce(0.0) { $0 + (coverage[$1.rawValue][id] ?? 0) }
            labelCSV += "\(id),\(vocabulary.names[Int(id)]),\(inCategories.joined(separator: ";")),\(labelImages[id]!),\(fixed(total)),\n"
        }

        try save(index, "index.csv", directory)
        try save(categoryCSV, "category.csv", directory)
        try save(labelCSV, "label.csv", directory)
        for category in categories {
            var text = "code,number,name,frequency,coverage\n"
            for (code, id) in frequency[category.rawValue].keys.sorted().enumerated() {
                text += "\(code + 1),\(id),\(vocabulary.names[Int(id)]),\(frequency[category.rawValue][id]!),\(fixed(coverage[category.rawValue][id]!))\n"
            }
            try save(text, "c_\(category.name).csv", directory)
        }
        try save(SyntheticMarker.text(options: options), SyntheticMarker.fileName, directory)
    }

    private func fixed(_ value: Double) -> String { String(format: "%.4f", value) }

    private func save(_ text: String, _ name: String, _ directory: String) throws(SynthError) {
        let path = ProbePaths.join(directory, name)
        do { try ProbePaths.write(Array(text.utf8), to: path) } catch {
            throw SynthError(path: path, reason: "cannot write (\(error.reason)); check free space and permissions")
        }
    }
}
