// ndbench index: how long ProbeDataset.open takes on an index.csv the size of real Broden's
// (63,305 rows, 1,197 labels), written with the real dataset's shape of cells.
import ArgumentParser
import Dissection
import Foundation

struct IndexBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Time reading a Broden-sized index (tables only, no images).")

    @Option(help: "Rows of index.csv to generate.")
    var rows: Int = 63_305

    @Option(help: "Where to write the tables (a temporary directory by default).")
    var directory: String?

    @Option(help: "Repeats (the best is reported).")
    var repeats: Int = 5

    func run() throws {
        let dir = directory ?? NSTemporaryDirectory() + "nd-index-bench"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try writeTables(dir)
        var best = Double.infinity
        var bestCPU = Double.infinity
        var records = 0
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpu = processCPUSeconds()
            let dataset = try ProbeDataset.open(directory: dir)
            bestCPU = min(bestCPU, processCPUSeconds() - cpu)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            records = dataset.records.count
        }
        print("swift index: \(records) rows read in \(String(format: "%.3f", best)) s (best of \(repeats); CPU \(String(format: "%.3f", bestCPU)) s); tables in \(dir)")
    }

    /// Tables shaped like broden1_224's: 6 categories, 1,197 labels, 63,305 rows in which the
    /// sources annotate different categories (ADE: object, part layers, scene; OpenSurfaces:
    /// material; DTD: texture), with zeros inside image-level cells.
    func writeTables(_ dir: String) throws {
        let categories = ["color", "object", "material", "part", "scene", "texture"]
        let ranges = [1...11, 12...595, 596...627, 628...861, 862...1150, 1151...1197]
        var category = "name,first,last,count,frequency\n"
        var label = "number,name,category,frequency,coverage,syns\n"
        for (c, name) in categories.enumerated() {
            category += "\(name),\(ranges[c].lowerBound),\(ranges[c].upperBound),\(ranges[c].count),\(rows / 2)\n"
            var table = "code,number,name,frequency,coverage\n"
            for (code, id) in ranges[c].enumerated() {
                table += "\(code + 1),\(id),label\(id),\(100 + id),\(Double(id) / 7)\n"
                label += "\(id),label\(id),\(name)(\(100 + id)),\(100 + id),\(Double(id) / 7),\"syn a;syn b\"\n"
            }
            try table.write(toFile: "\(dir)/c_\(name).csv", atomically: false, encoding: .utf8)
        }
        try category.write(toFile: "\(dir)/category.csv", atomically: false, encoding: .utf8)
        try label.write(toFile: "\(dir)/label.csv", atomically: false, encoding: .utf8)
        var index = "image,split,ih,iw,sh,sw,color,object,material,part,scene,texture\n"
        index.reserveCapacity(rows * 160)
        for i in 0..<rows {
            let split = i % 5 == 4 ? "val" : "train"
            switch i % 10 {
            case 0..<6:
                let stem = "ade20k/ADE_\(split)_\(String(format: "%08d", i + 1))"
                index += "\(stem).jpg,\(split),224,224,112,112,\(stem)_color.png,\(stem)_object.png,,\(stem)_part_1.png;\(stem)_part_2.png,\(862 + i % 289);0,\n"
            case 6..<8:
                let stem = "opensurfaces/\(100_000 + i)"
                index += "\(stem).jpg,\(split),224,224,112,112,\(stem)_color.png,,\(stem)_material.png,,,\n"
            default:
                let stem = "dtd/g_\(String(format: "%05d", i))"
                index += "\(stem).jpg,\(split),224,224,112,112,\(stem)_color.png,,,,,\(1151 + i % 47);\(1151 + (i + 7) % 47)\n"
            }
        }
        try index.write(toFile: "\(dir)/index.csv", atomically: false, encoding: .utf8)
    }
}

/// CPU time used by this process so far, in seconds (all threads): a measure that holds on a
/// machine shared with other work, where wall time does not.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
