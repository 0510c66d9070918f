// Writes a RandomProbe to disk in the Broden layout, so that whole commands can
// be run on it as a user would: CSVs, RG-encoded segmentation PNGs, small JPEG images. Images left
// out of the probe point at a segmentation file that does not exist.
import Foundation
import Render
import Dissection

/// Writes probes to disk in the Broden layout.
public enum BrodenWriter {
    /// Writes `probe` (its images flat pictures, its left-out images pointing at a missing segmentation).
    public static func write(_ probe: RandomProbe, to directory: String) throws {
        try write(catalog: probe.catalog, annotations: probe.annotations, images: nil, to: directory)
    }

    /// Writes `annotations` (nil = an image whose segmentation is missing) with `images`
    /// (default: flat 2x-size pictures) in the Broden layout.
    public static func write(catalog: ConceptCatalog, annotations: [ImageAnnotation?], images: [RGBImage]?, to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/images/random", withIntermediateDirectories: true)
        func save(_ text: String, _ name: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        var categoryCSV = "name,first,last,count,frequency\n"
        for (c, category) in catalog.categories.enumerated() {
            let ids = catalog.labels.filter { $0.category == c }.map(\.id)
            categoryCSV += "\(category.name),\(ids.min() ?? 0),\(ids.max() ?? 0),\(ids.count),1\n"
            var lines = "code,number,name,frequency,coverage\n"
            for (k, id) in ids.enumerated() { lines += "\(k + 1),\(id),l\(id),1,1.0\n" }
            try save(lines, "c_\(category.name).csv")
        }
        try save(categoryCSV, "category.csv")
        var labelCSV = "number,name,category,frequency,coverage,syns\n"
        for l in catalog.labels { labelCSV += "\(l.id),\(l.name),\(catalog.categories[l.category].name)(1),1,1.0,\n" }
        try save(labelCSV, "label.csv")

        var index = "image,split,ih,iw,sh,sw," + catalog.categories.map(\.name).joined(separator: ",") + "\n"
        for i in 0..<annotations.count {
            let image = "random/\(i).jpg"
                guard let a = annotations[i] else {
                try Data(try JPEG.encode(RGBImage(width: 8, height: 8, fill: (9, 9, 9)))).write(to: URL(fileURLWithPath: directory + "/images/" + image))
                index += "\(image),train,8,8,4,4,random/\(i)_missing.png" + String(repeating: ",", count: catalog.categories.count - 1) + "\n"
                continue
            }
            let (sh, sw) = (a.height, a.width)
            let picture = images?[i] ?? RGBImage(width: 2 * sw, height: 2 * sh, fill: (UInt8(i % 256), 80, 160))
            // PNG bytes under the .jpg name keep test pictures lossless; the reader accepts them.
            try Data(images == nil ? try JPEG.encode(picture) : try PNG.encode(picture))
                .write(to: URL(fileURLWithPath: directory + "/images/" + image))
            var cells: [String] = []
            for (c, category) in catalog.categories.enumerated() {
                if category.kind == .image {
                    cells.append(a.imageLabels.filter { $0.category == c }.flatMap(\.ids).map(String.init).joined(separator: ";"))
                    continue
                }
                var paths: [String] = []
                for (k, layer) in a.pixelLayers.enumerated() where layer.category == c {
                    let path = "random/\(i)_\(category.name)_\(k).png"
                    var rgb = RGBImage(width: sw, height: sh)
                    for p in 0..<(sh * sw) {
                        rgb.pixels[3 * p] = UInt8(layer.labels[p] & 0xFF)
                        rgb.pixels[3 * p + 1] = UInt8(layer.labels[p] >> 8)
                    }
                    try Data(try PNG.encode(rgb)).write(to: URL(fileURLWithPath: directory + "/images/" + path))
                    paths.append(path)
                }
                cells.append(paths.joined(separator: ";"))
            }
            index += "\(image),train,\(picture.height),\(picture.width),\(sh),\(sw)," + cells.joined(separator: ",") + "\n"
        }
        try save(index, "index.csv")
    }
}
