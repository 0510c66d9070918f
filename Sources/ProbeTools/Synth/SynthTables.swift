// Writing the tables of a synthetic dataset from what was generated: index.csv row by row, and
// category.csv, label.csv and c_<category>.csv with real frequencies and coverages (counted by
// `ProbeTableStats`, which imports, resizes and subsets share).
import Dissection
import Foundation

struct SynthTables {
    let vocabulary: SynthVocabulary
    let options: SynthOptions

    func write(_ images: [MadeImage], to directory: String) throws(SynthError) {
        let categories = SynthCategory.allCases
        let seg = options.size / 2
        var stats = ProbeTableStats(categories: categories.map(\.name))
        var index = "image,split,ih,iw,sh,sw," + categories.map(\.name).joined(separator: ",") + "\n"
        for image in images {
            index += "\(image.image),\(image.split),\(options.size),\(options.size),\(seg),\(seg),"
                + image.cells.joined(separator: ",") + "\n"
            stats.add(pixels: image.pixels, area: seg * seg)
        }
        try save(index, "index.csv", directory)
        for table in stats.tables(name: { vocabulary.names[Int($0)] }) {
            try save(table.text, table.file, directory)
        }
        try save(SyntheticMarker.text(options: options), SyntheticMarker.fileName, directory)
    }

    private func save(_ text: String, _ name: String, _ directory: String) throws(SynthError) {
        let path = ProbePaths.join(directory, name)
        do { try ProbePaths.write(Array(text.utf8), to: path) } catch {
            throw SynthError(path: path, reason: "cannot write (\(error.reason)); check free space and permissions")
        }
    }
}
