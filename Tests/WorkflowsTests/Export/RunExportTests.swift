// `netdissect export`: a run's IoU matrix as float64 .npy and its per-unit results as JSON.
import DissectionTestSupport
import Foundation
import Testing
import TestSupport
@testable import Dissection
@testable import Workflows

@Suite struct RunExportTests {
    @Test func exportsFloat64MatrixAndJSON() throws {
        let dir = try makeTemporaryDirectory("nd-export")
        let probe = RandomProbe(seed: 3, N: 8, C: 3)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
        try Dissector(configuration: configuration, directory: dir + "/run", source: MemorySource(probe: probe),
                      producer: producer, options: RunOptions(batchSize: 2, threads: 2, checkpointEvery: 4)).run()
        let reader = try RunReader.open(dir + "/run")
        try RunExport.writeIoUMatrix(reader, layer: "acts", to: dir + "/iou.npy")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/iou.npy")))
        let header = String(decoding: bytes[10..<(10 + Int(bytes[8]) + 256 * Int(bytes[9]))], as: UTF8.self)
        #expect(header.contains("'descr': '<f8'"))
        #expect(header.contains("'shape': (3, \(probe.catalog.maxLabelID + 1))"))
        #expect((bytes.count - 10 - Int(bytes[8]) - 256 * Int(bytes[9])) == 3 * (probe.catalog.maxLabelID + 1) * 8)
        let json = try RunExport.json(reader, layer: try RunExport.layer(reader, requested: nil))
        #expect(json.contains("\"units\""))
        #expect(throws: RunError.self) { try RunExport.layer(reader, requested: "nope") }
    }
}
