// `swift run explorer-fixture DIR [IMAGES]`: writes the explorer's end-to-end fixture (a small
// probe in DIR/dataset and a layer's activations in DIR/conv.npy, ExplorerFixture in
// DissectionTestSupport) where a person can dissect and explore it. A developer's tool, not a test.
import DissectionTestSupport
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let directory = arguments.first, arguments.count <= 2,
      let images = arguments.count == 2 ? Int(arguments.last!) : 48, images > 0 else {
    FileHandle.standardError.write(Data("usage: explorer-fixture DIR [IMAGES (default 48)]\n".utf8))
    exit(2)
}
do {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let (dataset, activations) = try ExplorerFixture.write(to: directory, images: images)
    print("wrote \(dataset) and \(activations); dissect it with")
    print("  netdissect dissect --dataset \(dataset) --activations \(activations) --layer conv5 --out \(directory)/run")
} catch {
    FileHandle.standardError.write(Data("explorer-fixture: \(error)\n".utf8))
    exit(1)
}
