// The run directory: layer folder names are injective and keep common names, and no symbolic link
// in a run directory carries a write (or a removal) outside it.
import DissectionTestSupport
import Foundation
import TestSupport
import Testing
@testable import Dissection

@Suite struct RunDirectoryTests {
    @Test func commonLayerNamesAreKept() {
        for name in ["layer4", "features.13", "layer4.1.conv2", "conv_1", "block-3", "fc", "a_b"] {
            #expect(RunDirectory.layerFolder(name) == name)
        }
        #expect(RunDirectory.layerFolder("a/b") == "a%2Fb")
        #expect(RunDirectory.layerFolder("/features/features.13/Add_output_0") == "%2Ffeatures%2Ffeatures.13%2FAdd_output_0")
    }

    @Test func layerFoldersAreInjectiveAndStayInside() {
        let long = String(repeating: "x/", count: 150)
        var names = ["a/b", "a_b", "a%2Fb", "a%b", "%", "", ".", "..", "...", ".hidden", "%2E", "run.sqlite", "run.sqlite-wal",
                     "run.lock", "cache", "rotation.json", "%72un.lock", "Cache", "é", "e\u{301}", "a b", "a\u{1b}[31m", "a\nb",
                     long + "1", long + "2", String(repeating: "é", count: 300), String(repeating: "a", count: 255)]
        names += (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        var seen: [String: String] = [:]
        for name in names {
            let folder = RunDirectory.layerFolder(name)
            if let other = seen[folder], Array(other.utf8) != Array(name.utf8) {
                Issue.record("'\(name)' and '\(other)' share the folder \(folder)")
            }
            seen[folder] = name
            #expect(!folder.isEmpty && !folder.hasPrefix(".") && !folder.contains("/") && folder.utf8.count <= 255, "\(folder)")
            #expect(!["run.lock", "cache", "rotation.json"].contains(folder) && !folder.hasPrefix("run.sqlite"), "\(folder)")
        }
    }

    @Test func twoLayersThatUsedToCollideWriteTwoFiles() throws {
        let dir = try makeTemporaryDirectory("nd-layerfiles")
        try RunDirectory.writeLayerFile(Array("slash\n".utf8), directory: dir, layer: "a/b", file: "tally.csv")
        try RunDirectory.writeLayerFile(Array("underscore\n".utf8), directory: dir, layer: "a_b", file: "tally.csv")
        #expect(try String(contentsOfFile: dir + "/a%2Fb/tally.csv", encoding: .utf8) == "slash\n")
        #expect(try String(contentsOfFile: dir + "/a_b/tally.csv", encoding: .utf8) == "underscore\n")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/a_b")) == ["tally.csv"])
    }

    /// A dissection of a small probe into `directory`.
    func dissect(into directory: String, force: Bool = false) throws {
        let probe = RandomProbe(seed: 3, N: 6, C: 2)
        let files = try makeTemporaryDirectory("nd-acts")
        let configuration = makeConfiguration(activations: try writeActivations(probe, in: files))
        let producer = try NPYActivations(path: configuration.activations!, layerName: "acts", images: probe.N)
        try Dissector(configuration: configuration, directory: directory, source: MemorySource(probe: probe), producer: producer,
                      options: RunOptions(batchSize: 2, threads: 1, force: force)).run()
    }

    /// Every file under `directory`, recursively.
    func contents(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
    }

    @Test(arguments: ["acts", "run.lock", "run.sqlite", "run.sqlite-wal", "cache"])
    func aLinkOutOfTheRunIsRefusedBeforeAnyWork(_ entry: String) throws {
        let outside = try makeTemporaryDirectory("nd-outside")
        let run = try makeTemporaryDirectory("nd-linked")
        let target = entry == "acts" || entry == "cache" ? outside : outside + "/victim"
        if target != outside { try Data("keep me".utf8).write(to: URL(fileURLWithPath: target)) }
        try FileManager.default.createSymbolicLink(atPath: run + "/" + entry, withDestinationPath: target)
        do {
            try dissect(into: run)
            Issue.record("\(entry): the run went ahead through a link")
        } catch let error as RunError {
            #expect(error.description == "\(run)/\(entry): is a symbolic link; netdissect writes only inside the run directory and does not follow it; remove it, or choose another --out")
        }
        #expect(contents(outside) == (target == outside ? [] : ["victim"]), "\(entry)")
        if target != outside { #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me") }
        #expect(!FileManager.default.fileExists(atPath: run + "/run.sqlite") || entry.hasPrefix("run.sqlite"))
    }

    @Test func aLinkedTallyFileIsReplacedNotWrittenThrough() throws {
        let outside = try makeTemporaryDirectory("nd-outside")
        let run = try makeTemporaryDirectory("nd-linked")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: outside + "/victim"))
        try FileManager.default.createDirectory(atPath: run + "/acts", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: run + "/acts/tally.csv", withDestinationPath: outside + "/victim")
        try dissect(into: run)
        #expect(try String(contentsOfFile: outside + "/victim", encoding: .utf8) == "keep me")
        #expect(RunDirectory.fileKind(run + "/acts/tally.csv") == S_IFREG)
        #expect(try String(contentsOfFile: run + "/acts/tally.csv", encoding: .utf8).hasPrefix("unit,"))
    }

    @Test func forceRemovesOnlyTheRunsOwnFiles() throws {
        let outside = try makeTemporaryDirectory("nd-outside")
        let run = try makeTemporaryDirectory("nd-forced")
        try dissect(into: run)
        // A linked folder with a tally.csv of its own, and a folder with the user's files in it.
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: outside + "/tally.csv"))
        try FileManager.default.createSymbolicLink(atPath: run + "/elsewhere", withDestinationPath: outside)
        try FileManager.default.createDirectory(atPath: run + "/notes", withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: run + "/notes/todo.txt"))
        try dissect(into: run, force: true)
        #expect(try String(contentsOfFile: outside + "/tally.csv", encoding: .utf8) == "theirs")
        #expect(try String(contentsOfFile: run + "/notes/todo.txt", encoding: .utf8) == "mine")
        #expect(try RunReader.open(run).progress().status == .finished)
    }

    @Test func aDirectoryHoldingOtherThingsAndNoRunIsRefused() throws {
        let dataset = try makeTemporaryDirectory("nd-not-a-run")
        for name in ["index.csv", "label.csv", "category.csv", "c_object.csv"] {
            try Data("x\n".utf8).write(to: URL(fileURLWithPath: dataset + "/" + name))
        }
        try FileManager.default.createDirectory(atPath: dataset + "/images", withIntermediateDirectories: false)
        do {
            try dissect(into: dataset)
            Issue.record("a run was started among a dataset's files")
        } catch let error as RunError {
            #expect(error.description == "\(dataset): is not empty and holds no run (c_object.csv, category.csv, images and 2 more); give --out a new or empty directory")
        }
        #expect(!FileManager.default.fileExists(atPath: dataset + "/run.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dataset + "/run.lock"))
        // Hidden entries do not count; an empty directory, a new one, or a run's own are fine.
        let hidden = try makeTemporaryDirectory("nd-hidden")
        try Data().write(to: URL(fileURLWithPath: hidden + "/.nfs0001"))
        try dissect(into: hidden)
        try dissect(into: try makeTemporaryDirectory("nd-parent") + "/new/run")
    }
}
