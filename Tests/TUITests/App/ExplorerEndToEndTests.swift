// The real binary in a real terminal (tmux): navigation, sort, filter, search, help, resize,
// quit, a run written by another process while the explorer shows it, and a run the explorer
// starts, pauses and resumes itself.

import Dissection
import DissectionTestSupport
import Foundation
import GRDB
import Testing
import TestSupport
@testable import TUI

/// A dissected fixture run, made once per test process with the real `netdissect dissect`.
enum FinishedRun {
    static let made: Result<(run: String, dataset: String, activations: String), Error> = Result {
        guard let binary = netdissectBinary() else { throw BinaryMissing() }
        let dir = try makeTemporaryDirectory("nd-e2e")
        let (dataset, activations) = try ExplorerFixture.write(to: dir)
        let run = dir + "/run"
        let (status, output) = try runProgram(binary, ["dissect", "--dataset", dataset, "--activations", activations,
                                                       "--layer", "conv5", "--out", run, "--quantile", "0.05",
                                                       "--batch", "4", "--checkpoint-every", "8"])
        guard status == 0 else { throw FixtureFailed(output: output) }
        return (run, dataset, activations)
    }
    struct FixtureFailed: Error { var output: String }
}

@Suite(.serialized) struct ExplorerEndToEndTests {
    let binary: String
    let run: String

    init() throws {
        binary = try #require(netdissectBinary(), "\(BinaryMissing())")
        run = try FinishedRun.made.get().run
    }

    func explore(_ extra: [String] = [], rows: Int = 24, columns: Int = 80) throws -> TmuxSession {
        try TmuxSession([binary, "explore", run] + extra, rows: rows, columns: columns)
    }

    /// The unit number in the detail pane's title.
    func detailUnit(_ screen: String) -> Int? {
        guard let r = screen.range(of: "Unit ") else { return nil }
        return Int(screen[r.upperBound...].prefix { $0.isNumber })
    }

    @Test func opensOnTheAboutScreenThenNavigates() throws {
        let t = try explore()
        try t.waitFor("About this run")
        try t.send("Enter")
        // The main screen can show before the run has been read ("reading the run…", no layers):
        // wait for the run's rows, not just the panes.
        var screen = try t.waitFor("main screen with the run's units") {
            !$0.contains("About this run") && $0.contains("Concepts") && $0.contains("disk")
        }
        try t.waitFor("half-block pictures of the top images") { $0.contains("▀▀▀") }
        let first = detailUnit(screen)
        try t.send("j")
        screen = try t.waitFor("another unit") { self.detailUnit($0) != first && self.detailUnit($0) != nil }
        try t.send("G")
        screen = try t.waitFor("the last row, a non-detector") { $0.contains("below 0.040") }
        try t.send("g")
        try t.waitFor("Unit 2 ")
        try t.send("Tab")  // concepts
        try t.send("Enter")  // first bar: object detectors
        screen = try t.waitFor("3 units · IoU↓ · object · detectors")
    }

    @Test func sortFilterAndSearch() throws {
        let t = try explore(["--no-about"])
        try t.waitFor("12 units · IoU↓")
        try t.send("s")
        // tmux can capture a frame half drawn (the header before the rows): wait for both.
        var screen = try t.waitFor("unit 1 first, sorted by unit") { screen in
            let rows = screen.split(separator: "\n").map(String.init)
            return screen.contains("12 units · unit↑") && rows.count > 3 && rows[3].contains("1 square")
        }
        try t.send("c")
        screen = try t.waitFor("4 units · unit↑ · object")
        try t.send("x", "d")
        screen = try t.waitFor("6 units · unit↑ · detectors")
        try t.send("/")
        try t.type("blue")
        screen = try t.waitFor("1 match")
        try t.send("Enter")
        screen = try t.waitFor("· /blue 1")
        #expect(detailUnit(screen) == 6)
        try t.send("n")
        try t.send("/")
        try t.type("zzz")
        try t.send("Enter")
        try t.waitFor("no label matches 'zzz'")
    }

    @Test func helpOverlayListsTheBindings() throws {
        let t = try explore(["--no-about"])
        try t.waitFor("units · IoU↓")
        try t.send("?")
        // The whole overlay, not its first rows drawn (a capture can land mid-frame under load).
        let screen = try t.waitFor("the help overlay") { $0.contains("Keys · Esc closes") && $0.contains("move down") }
        #expect(screen.contains("move down"))
        try t.send("Escape")
        try t.waitFor("help closed") { !$0.contains("Keys · Esc closes") }
    }

    @Test func resizeRelaysOut() throws {
        let t = try explore(["--no-about"])
        try t.waitFor("Concepts")
        try t.resize(rows: 12, columns: 40)
        var screen = try t.waitFor("the narrow layout") { $0.contains(" Layers    Units") }
        #expect(screen.split(separator: "\n").count <= 12)
        try t.send("Tab")
        screen = try t.waitFor("Concepts ·")
        try t.resize(rows: 10, columns: 30)
        try t.waitFor("needs at least")
        try t.resize(rows: 30, columns: 100)
        screen = try t.waitFor("the wide layout") { $0.contains("Layers") && $0.contains("· IoU") && $0.contains("Unit ") }
        try t.send("q")
        try t.waitFor("EXITED 0")
    }

    @Test func asciiWhenTheLocaleIsNotUTF8() throws {
        let t = try TmuxSession([binary, "explore", run, "--no-about"], environment: ["LANG": "C", "LC_ALL": "C"])
        let screen = try t.waitFor("+- Layers")
        #expect(!screen.contains("─"))
        try t.send("q")
        try t.waitFor("EXITED 0")
    }

    @Test func quitsAtOnceWhenNothingWouldBeInterrupted() throws {
        let t = try explore()
        try t.waitFor("About this run")
        try t.send("q")
        try t.waitFor("EXITED 0")
    }

    @Test(arguments: [("UPDATE progress SET eta_seconds = 1e300", "table progress, row 1, column eta_seconds: 1e+300"),
                      ("UPDATE units SET iou = 1e300 WHERE unit = 3", "table units, row 4, column iou: 1e+300"),
                      ("UPDATE units SET unit = 9223372036854775807 WHERE unit = 3", "column unit: 9223372036854775807"),
                      ("UPDATE meta SET value = '999' WHERE key = 'schema_version'", "made by a newer netdissect")])
    func aDamagedRunIsOneLine(_ sql: String, _ expected: String) throws {
        let copy = try makeTemporaryDirectory("nd-e2e-damaged") + "/run"
        try FileManager.default.copyItem(atPath: run, toPath: copy)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        try DatabaseQueue(path: copy + "/run.sqlite", configuration: configuration).write { try $0.execute(sql: sql) }
        let t = try TmuxSession([binary, "explore", copy], rows: 24, columns: 200)
        let screen = try t.waitFor("EXITED 1")
        #expect(screen.contains("netdissect: \(copy)/run.sqlite: ") && screen.contains(expected), "\(screen)")
    }

    @Test func badRunDirectoryIsOneLine() throws {
        let t = try TmuxSession([binary, "explore", "/nonexistent/run"])
        let screen = try t.waitFor("EXITED 1")
        #expect(screen.contains("netdissect: "))
        #expect(screen.contains("run.sqlite"))
    }

    @Test func progressAdvancesWhileAnotherProcessWrites() throws {
        let (_, dataset, activations) = try FinishedRun.made.get()
        let dir = try makeTemporaryDirectory("nd-live")
        let config = RunConfiguration(activations: activations, dataset: dataset, layers: ["conv5"], quantile: 0.05)
        let probe = try ProbeDataset.open(directory: dataset)
        let source = try ProbeSampleSource(dataset: probe, categories: nil, limit: nil, workers: 1)
        let producer = ThrottledProducer(try NPYActivations(path: activations, layerName: "conv5", images: source.count), delay: 120)
        let dissector = Dissector(configuration: config, directory: dir + "/run", source: source, producer: producer,
                                  options: RunOptions(batchSize: 2, checkpointEvery: 2))
        let driver = DissectorDriver(dissector)   // the writer: this test process
        defer { driver.cancel(); driver.waitUntilStopped() }
        LiveWait.until { FileManager.default.fileExists(atPath: dir + "/run/run.sqlite") }
        let t = try TmuxSession([binary, "explore", dir + "/run", "--no-about", "--poll", "0.1"])
        func percent(_ screen: String) -> Int? {
            guard let line = screen.split(separator: "\n").first, let r = line.range(of: "%", options: .backwards) else { return nil }
            return Int(line[..<r.lowerBound].reversed().prefix { $0.isNumber }.reversed().map(String.init).joined())
        }
        let before = try t.waitFor("a progress percentage") { percent($0) != nil }
        let first = percent(before)!
        try t.waitFor("the percentage to advance", timeout: 20) { (percent($0) ?? 0) > first }
        try t.waitFor("the run to finish", timeout: 30) { $0.contains("finished") }
        let done = try t.waitFor("final results") { $0.contains("disk") && !$0.contains("provisional") }
        #expect(done.contains("●"))
    }

    @Test func startsPausesResumesAndAsksBeforeStoppingARun() throws {
        let (_, dataset, activations) = try FinishedRun.made.get()
        let dir = try makeTemporaryDirectory("nd-start")
        let t = try TmuxSession([binary, "explore", "--dataset", dataset, "--activations", activations, "--layer", "conv5",
                                 "--out", dir + "/run", "--quantile", "0.05", "--batch", "2", "--checkpoint-every", "2",
                                 "--no-about", "--poll", "0.1"],
                                environment: ["NETDISSECT_TEST_BATCH_DELAY_MS": "150"])
        try t.waitFor("pass ")
        try t.send("p")
        try t.waitFor("PAUSED")
        let paused = try t.screen().split(separator: "\n").first.map(String.init) ?? ""
        usleep(600_000)
        #expect(try t.screen().split(separator: "\n").first.map(String.init) == paused, "nothing moves while paused")
        try t.send("p")
        try t.waitFor("resumed") { !$0.contains("PAUSED") }
        try t.send("q")
        try t.waitFor("Quit?")
        try t.send("n")
        try t.waitFor("dialog closed") { !$0.contains("Quit?") }
        try t.send("q")
        try t.waitFor("Quit?")
        try t.send("y")
        let screen = try t.waitFor("EXITED 0", timeout: 20)
        #expect(screen.contains("stopped; what it wrote is kept"))
        let reader = try RunReader.open(dir + "/run")
        #expect(try reader.progress().status == .cancelled)
    }

    /// Issue 22, item 1: the same command after a stop resumed the run in the background while the
    /// screen stayed on the first snapshot ("stopped before the end", every unit "- 0.000").
    @Test func resumingFromTheExplorerFollowsTheRunToItsEnd() throws {
        let (_, dataset, activations) = try FinishedRun.made.get()
        let dir = try makeTemporaryDirectory("nd-resume")
        let command = [binary, "explore", "--dataset", dataset, "--activations", activations, "--layer", "conv5",
                       "--out", dir + "/run", "--quantile", "0.05", "--batch", "2", "--checkpoint-every", "2",
                       "--no-about", "--poll", "0.1"]
        do {
            let first = try TmuxSession(command, environment: ["NETDISSECT_TEST_BATCH_DELAY_MS": "150"])
            try first.waitFor("pass ")
            try first.send("q")
            try first.waitFor("Quit?")
            try first.send("y")
            try first.waitFor("EXITED 0", timeout: 20)
        }
        #expect(try RunReader.open(dir + "/run").progress().status == .cancelled)
        let again = try TmuxSession(command, environment: ["NETDISSECT_TEST_BATCH_DELAY_MS": "20"])
        let screen = try again.waitFor("finished", timeout: 60) { $0.split(separator: "\n").first?.contains("finished") == true }
        #expect(!screen.contains("stopped before the end"))
        #expect(try RunReader.open(dir + "/run").progress().status == .finished)
        try again.send("q")
        try again.waitFor("EXITED 0", timeout: 20)
    }
}

enum LiveWait {
    /// Polls `condition` every 20 ms for at most `timeout` seconds.
    static func until(timeout: Double = 10, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() && Date() < deadline { usleep(20_000) }
    }
}
