// Small probe datasets written by hand for tests of reading and checking probes.
import Foundation
import TestSupport

/// Writes a small dataset whose index.csv is `index` (categories scene and object).
public func writeDataset(index: String, labels: String? = nil, categories: String? = nil) throws -> String {
    let directory = try makeTemporaryDirectory("probe")
    let files = [
        "category.csv": categories ?? "name,first,last,count,frequency\nobject,1,2,2,1\nscene,3,3,1,1\n",
        "label.csv": labels ?? "number,name,category,frequency,coverage,syns\n1,dog,object(1),1,0.5,\n2,cat,object(1),1,0.5,\n3,street-s,scene(1),1,1,\n",
        "c_object.csv": "code,number,name,frequency,coverage\n1,1,dog,1,0.5\n2,2,cat,1,0.5\n",
        "c_scene.csv": "code,number,name,frequency,coverage\n1,3,street-s,1,1\n",
        "index.csv": index,
    ]
    for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)")) }
    try FileManager.default.createDirectory(atPath: "\(directory)/images/a", withIntermediateDirectories: true)
    return directory
}

/// Writes `bytes` to `path`.
public func writeFile(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
