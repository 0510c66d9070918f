// The tables of a probe being written (category.csv, label.csv, c_<category>.csv) from what its
// images hold, gathered one image at a time: the synthetic probe, imports, resizes and subsets
// all write their tables here, so the four kinds of table are written one way.
//
// Frequencies count images; coverage is area in image-equivalents (a label covering a quarter of
// one image and half of another has coverage 0.75), as in Broden. Image-level labels cover their
// whole image. Only labels that occur are listed, as in Broden, which dropped rare ones. Only the
// counts are kept (labels x categories), never an image, so a 25,000-image probe is tallied in
// the memory of its vocabulary.

import Foundation

/// Per category and label, the images and the area seen so far.
struct ProbeTableStats {
    /// Category names, in category.csv order.
    let categories: [String]
    private var frequency: [[UInt32: Int]]
    private var coverage: [[UInt32: Double]]
    private var annotated: [Int]
    private var labelImages: [UInt32: Int] = [:]

    init(categories: [String]) {
        self.categories = categories
        frequency = Array(repeating: [:], count: categories.count)
        coverage = Array(repeating: [:], count: categories.count)
        annotated = Array(repeating: 0, count: categories.count)
    }

    /// Adds one image.
    ///
    /// - Parameters:
    ///   - pixels: per category (category.csv order), label id -> pixels carrying it in any layer
    ///     of that category (a pixel counted once per label); an image-level label counts `area`.
    ///   - area: the image's segmentation area, `sh * sw`, which coverage is relative to.
    mutating func add(pixels: [[UInt32: Int]], area: Int) {
        precondition(pixels.count == categories.count && area > 0, "ProbeTableStats.add: \(pixels.count) categories, area \(area)")
        var inImage = Set<UInt32>()
        for c in 0..<categories.count where !pixels[c].isEmpty {
            annotated[c] += 1
            for (label, count) in pixels[c] {
                frequency[c][label, default: 0] += 1
                coverage[c][label, default: 0] += Double(count) / Double(area)
                inImage.insert(label)
            }
        }
        for label in inImage { labelImages[label, default: 0] += 1 }
    }

    /// The labels that occur, ascending.
    var labels: [UInt32] { labelImages.keys.sorted() }

    /// category.csv, label.csv and every c_<category>.csv as (file name, text).
    ///
    /// - Parameters:
    ///   - name: the name of a label id (every id that occurs must have one).
    ///   - synonyms: its synonyms, written `;`-separated in label.csv.
    func tables(name: (UInt32) -> String, synonyms: (UInt32) -> [String] = { _ in [] }) -> [(file: String, text: String)] {
        var categoryCSV = "name,first,last,count,frequency\n"
        for (c, category) in categories.enumerated() {
            let labels = frequency[c].keys.sorted()
            categoryCSV += "\(csvField(category)),\(labels.first ?? 0),\(labels.last ?? 0),\(labels.count),\(annotated[c])\n"
        }
        var labelCSV = "number,name,category,frequency,coverage,syns\n"
        for id in labels {
            let inCategories = categories.indices.compactMap { c in frequency[c][id].map { "\(categories[c])(\($0))" } }
            let total = categories.indices.reduce(0.0) { $0 + (coverage[$1][id] ?? 0) }
            labelCSV += "\(id),\(csvField(name(id))),\(csvField(inCategories.joined(separator: ";"))),\(labelImages[id]!),"
                + "\(fixed(total)),\(csvField(synonyms(id).joined(separator: ";")))\n"
        }
        var out = [(file: "category.csv", text: categoryCSV), (file: "label.csv", text: labelCSV)]
        for (c, category) in categories.enumerated() {
            var text = "code,number,name,frequency,coverage\n"
            for (code, id) in frequency[c].keys.sorted().enumerated() {
                text += "\(code + 1),\(id),\(csvField(name(id))),\(frequency[c][id]!),\(fixed(coverage[c][id]!))\n"
            }
            out.append((file: "c_\(category).csv", text: text))
        }
        return out
    }

    private func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
}

/// `text` as one CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line end.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
