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
        let start = 10 + Int(bytes[8]) + 256 * Int(bytes[9]), columns = probe.catalog.maxLabelID + 1
        #expect(bytes.count - start == 3 * columns * 8)
        // Column = label id: each unit's best label holds its IoU; ids that are not labels hold 0.
        func value(_ u: Int, _ column: Int) -> Double {
            let o = start + (u * columns + column) * 8
            return Double(bitPattern: bytes[o..<(o + 8)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        }
        for unit in try reader.units(layer: "acts") where unit.label > 0 {
            #expect(value(unit.unit, unit.label) == unit.iou, "unit \(unit.unit)")
        }
        #expect((0..<3).allSatisfy { u in value(u, 4) == 0 && value(u, 0) == 0 }, "id 4 is no label")
        #expect(!FileManager.default.fileExists(atPath: dir + "/iou.npy.partial"))
        let json = try RunExport.json(reader, layer: try RunExport.layer(reader, requested: nil))
        #expect(json.contains("\"units\""))
        #expect(throws: RunError.self) { try RunExport.layer(reader, requested: "nope") }
    }
}
