// A sharded run seen from the explorer while its shards work: the progress is summed over the
// shards' status files (not "the writer is gone": shards hold no lock), the header says how many
// shards there are, and the about box has one line per shard.

import DissectionTestSupport
import Dissection
import Foundation
import TestSupport
import Testing
@testable import TUI

@Suite struct ShardedRunViewTests {
    @Test func progressIsSummedOverShardsWithALineEach() throws {
        let dir = try makeTemporaryDirectory("nd-tui-shards")
        let probe = RandomProbe(seed: 17, N: 12, C: 3)
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: dir))
        let run = dir + "/run"
        func step(_ work: RunWork) throws {
            var options = RunOptions(batchSize: 2, threads: 1, checkpointEvery: 2)
            options.work = work
            let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
            try Dissector(configuration: configuration, directory: run, source: MemorySource(probe: probe),
                          producer: producer, options: options).run()
        }
        try step(.prepareShards(3))
        try step(.shard(ShardSpec(index: 2, count: 3)!, pass: 1))

        let snapshot = try RunReaderSource(path: run).snapshot()
        let p = snapshot.progress
        #expect(p.phase == .running, "\(p.phase)")
        #expect(p.done == 4 && p.total == 12 && p.pass == 1)
        #expect(p.shards.map(\.state) == ["waiting", "waiting", "done"])
        #expect(p.shards.map(\.total) == [4, 4, 4])
        let header = HeaderPresenter.progressSpans(p, theme: .default, glyphs: .ascii, width: 100).map(\.text).joined()
        #expect(header.contains("3 shards"), "\(header)")
        let about = AboutPresenter.paragraphs(run: snapshot, error: nil, glyphs: .ascii).map(\.0)
        #expect(about.contains { $0.hasPrefix("Shards  3, pass 1/2 thresholds") }, "\(about)")
        #expect(about.contains { $0.hasPrefix("  2  done  4/4  on ") }, "\(about)")
        #expect(about.contains("  0  waiting  0/4"), "\(about)")
    }
}
