// The explanations table: written by ExplanationStore into a finished run (the table added by
// migration), read back through RunReader, and every damaged value named in one line.
import DissectionTestSupport
import Foundation
import GRDB
import Runtime
import TestSupport
import Testing
@testable import Dissection

@Suite struct StoredExplanationTests {
    /// A finished run of a random probe with its activations in a file.
    static func finishedRun() throws -> String {
        let dir = try makeTemporaryDirectory("nd-stored-explanations")
        let r = RandomProbe(seed: 41, N: 6, C: 3)
        try BrodenWriter.write(r, to: dir + "/probe")
        try NPY.write(Tensor(shape: [r.N, r.C, r.H, r.W], data: r.activations), to: dir + "/acts.npy")
        let configuration = RunConfiguration(activations: dir + "/acts.npy", dataset: dir + "/probe", layers: ["acts"],
                                             quantile: 0.2, iouThreshold: 0.04, topK: 2)
        let source = try ProbeSampleSource(dataset: try ProbeDataset.open(directory: dir + "/probe"), categories: nil, limit: nil, workers: 1)
        let producer = try NPYActivations(path: dir + "/acts.npy", layerName: "acts", images: source.count)
        try Dissector(configuration: configuration, directory: dir + "/run", source: source, producer: producer,
                      options: RunOptions(batchSize: 2, threads: 1, checkpointEvery: 2)).run()
        return dir + "/run"
    }

    @Test func writtenRowsReadBackAndDamageIsNamed() throws {
        let run = try Self.finishedRun()
        #expect(try RunReader.open(run).explanations().isEmpty, "a run without the table has no explanations")
        let store = try ExplanationStore.open(directory: run)
        let settings = ExplainSettings(maxLength: 2, search: .beam, beam: 4)
        let f = Formula(1).appending(.andNot, 2)
        let score = FormulaScore(formula: f, intersection: 3, pixels: 10, unitPixels: 5)
        try store.write([UnitExplanation(layer: "acts", unit: 1, length: 1, search: .beam, score: FormulaScore(formula: Formula(1), intersection: 2, pixels: 9, unitPixels: 5), unitPixels: 5),
                         UnitExplanation(layer: "acts", unit: 1, length: 2, search: .beam, score: score, unitPixels: 5),
                         UnitExplanation(layer: "acts", unit: 2, length: 1, search: .beam, score: nil, unitPixels: 0),
                         UnitExplanation(layer: "acts", unit: 2, length: 2, search: .beam, score: nil, unitPixels: 0)],
                        settings: settings, name: { "l\($0)" })
        #expect(try store.doneUnits(layer: "acts", settings: settings) == [1, 2])
        #expect(try store.doneUnits(layer: "acts", settings: ExplainSettings(maxLength: 2, search: .beam, beam: 5)).isEmpty)
        #expect(try store.doneUnits(layer: "acts", settings: ExplainSettings(maxLength: 3, search: .beam, beam: 4)).isEmpty)
        store.close()
        let rows = try RunReader.open(run).explanations(layer: "acts")
        #expect(rows.count == 4)
        #expect(rows[1].formula == f && rows[1].beam == 4 && rows[1].iou == score.iou && rows[1].formulaPixels == 10)
        #expect(rows[3].formula == nil && rows[3].unitPixels == 0)
        // The text column holds the names, for sqlite3 users.
        let text = try DatabaseQueue(path: run + "/run.sqlite").read {
            try String.fetchOne($0, sql: "SELECT formula FROM explanations WHERE unit = 1 AND length = 2")
        }
        #expect(text == "l1 AND NOT l2")

        let damages: [(String, String)] = [
            ("UPDATE explanations SET iou = 2 WHERE length = 2 AND unit = 1", "column iou"),
            ("UPDATE explanations SET iou = 0.5 WHERE length = 2 AND unit = 1", "does not follow"),
            ("UPDATE explanations SET tree = '{\"label\":9999}' WHERE length = 2 AND unit = 1", "column tree"),
            ("UPDATE explanations SET tree = 'not json' WHERE length = 2 AND unit = 1", "column tree"),
            ("UPDATE explanations SET search = 'greedy' WHERE length = 2 AND unit = 1", "column search"),
            ("UPDATE explanations SET intersection = 99 WHERE length = 2 AND unit = 1", "column intersection"),
            ("UPDATE explanations SET length = 0 WHERE length = 2 AND unit = 1", "column length"),
            ("UPDATE explanations SET layer = 'other' WHERE length = 2 AND unit = 1", "column layer"),
            ("UPDATE explanations SET beam = -1 WHERE length = 2 AND unit = 1", "column beam"),
            ("UPDATE explanations SET unit = 'x' WHERE length = 2 AND unit = 1", "column unit"),
        ]
        for (sql, expected) in damages {
            let copy = try makeTemporaryDirectory("nd-stored-explanations-damaged")
            for name in ["run.sqlite"] { try FileManager.default.copyItem(atPath: run + "/" + name, toPath: copy + "/" + name) }
            try DatabaseQueue(path: copy + "/run.sqlite").write { try $0.execute(sql: sql) }
            do {
                _ = try RunReader.open(copy).explanations()
                Issue.record("\(sql) was read")
            } catch let error as RunError {
                #expect(error.description.contains(expected), "\(sql): \(error.description)")
                #expect(error.description.contains("table explanations"))
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func anUnfinishedOrMissingRunIsRefused() throws {
        let dir = try makeTemporaryDirectory("nd-stored-explanations-none")
        #expect(throws: RunError.self) { try ExplanationStore.open(directory: dir) }
    }
}
