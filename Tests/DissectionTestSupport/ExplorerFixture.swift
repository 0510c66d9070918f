// A tiny probe dataset and activations that make a meaningful run: shapes and colours drawn on
// small images, and a layer whose first units fire on one concept each. The end-to-end tests
// dissect it with the real `netdissect dissect` and open the result with the real explorer;
// `swift run explorer-fixture DIR` writes it where a person can open it.

import Foundation
import Render
import Runtime
import TestSupport

public enum ExplorerFixture {
    static let labels: [(id: Int, name: String, category: String)] = [
        (1, "square", "object"), (2, "disk", "object"), (3, "bar", "object"),
        (4, "red-c", "color"), (5, "green-c", "color"), (6, "blue-c", "color"),
        (7, "indoor-s", "scene"), (8, "outdoor-s", "scene"),
    ]
    static let colors: [(UInt8, UInt8, UInt8)] = [(220, 40, 40), (40, 200, 60), (50, 80, 230)]

    /// Writes the dataset to `directory`/dataset and the activations to `directory`/conv.npy.
    /// - Returns: (dataset path, activations path).
    @discardableResult
    public static func write(to directory: String, images n: Int = 48, units: Int = 12) throws -> (String, String) {
        let dataset = directory + "/dataset"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dataset + "/images/shapes", withIntermediateDirectories: true)
        func save(_ text: String, _ name: String) throws {
            try text.write(toFile: dataset + "/" + name, atomically: true, encoding: .utf8)
        }
        try save("name,first,last,count,frequency\nobject,1,3,3,\(n)\ncolor,4,6,3,\(n)\nscene,7,8,2,\(n)\n", "category.csv")
        var labelCSV = "number,name,category,frequency,coverage,syns\n"
        for l in labels { labelCSV += "\(l.id),\(l.name),\(l.category)(\(n / 3)),\(n / 3),1.0,\n" }
        try save(labelCSV, "label.csv")
        for category in ["object", "color", "scene"] {
            var lines = "code,number,name,frequency,coverage\n"
            for (k, l) in labels.filter({ $0.category == category }).enumerated() { lines += "\(k + 1),\(l.id),\(l.name),\(n / 3),1.0\n" }
            try save(lines, "c_\(category).csv")
        }
        let side = 64, seg = 32, map = 8
        var index = "image,split,ih,iw,sh,sw,object,color,scene\n"
        var acts = [Float](repeating: 0, count: n * units * map * map)
        var g = SeededGenerator(seed: 7)
        for i in 0..<n {
            let shape = i % 3, colour = (i / 3) % 3
            let x0 = Int(g.next() % 20), y0 = Int(g.next() % 20), size = 10 + Int(g.next() % 8)
            func inside(_ x: Int, _ y: Int) -> Bool {   // in segmentation pixels
                switch shape {
                case 0: return x >= x0 && x < x0 + size && y >= y0 && y < y0 + size
                case 1: let dx = x - x0 - size / 2, dy = y - y0 - size / 2; return dx * dx + dy * dy <= size * size / 4
                default: return x >= x0 && x < x0 + size && y >= y0 && y < y0 + 4
                }
            }
            var picture = RGBImage(width: side, height: side, fill: (UInt8(90 + i % 40), 90, 100))
            var object = RGBImage(width: seg, height: seg), color = RGBImage(width: seg, height: seg)
            for y in 0..<side { for x in 0..<side where inside(x / 2, y / 2) { picture[x, y] = colors[colour] } }
            for y in 0..<seg {
                for x in 0..<seg where inside(x, y) {
                    object[x, y] = (UInt8(1 + shape), 0, 0)
                    color[x, y] = (UInt8(4 + colour), 0, 0)
                }
            }
            let stem = "shapes/\(i)"
            try Data(try JPEG.encode(picture)).write(to: URL(fileURLWithPath: dataset + "/images/\(stem).jpg"))
            try Data(try PNG.encode(object)).write(to: URL(fileURLWithPath: dataset + "/images/\(stem)_object.png"))
            try Data(try PNG.encode(color)).write(to: URL(fileURLWithPath: dataset + "/images/\(stem)_color.png"))
            index += "\(stem).jpg,train,\(side),\(side),\(seg),\(seg),\(stem)_object.png,\(stem)_color.png,\(7 + i % 2)\n"
            // Unit u < 6 fires where concept u is (shape u for 0-2, colour u-3 for 3-5); the rest is noise.
            for u in 0..<units {
                for my in 0..<map {
                    for mx in 0..<map {
                        var covered = 0
                        for y in (my * 4)..<(my * 4 + 4) { for x in (mx * 4)..<(mx * 4 + 4) where inside(x, y) { covered += 1 } }
                        let hit = (u < 3 && u == shape) || (u >= 3 && u < 6 && u - 3 == colour)
                        let noise = Float(g.next() % 1000) / 1000
                        acts[((i * units + u) * map + my) * map + mx] = (hit ? Float(covered) / 16 * 5 : 0) + noise * 0.4
                    }
                }
            }
        }
        try save(index, "index.csv")
        let npy = directory + "/conv.npy"
        try NPY.write(Tensor(shape: [n, units, map, map], data: acts), to: npy)
        return (dataset, npy)
    }
}
