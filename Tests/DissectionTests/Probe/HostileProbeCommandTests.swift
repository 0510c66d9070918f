// Hostile probe datasets through the real command (issue 25): the exit status and the one line a
// user sees, with a deadline so that a regression that blocks (a FIFO) fails instead of hanging.
import DissectionTestSupport
import Foundation
import Runtime
import Testing
import TestSupport
@testable import Dissection

/// Runs the netdissect binary for at most `seconds`; returns (status, stdout, stderr), status
/// nil when it had to be killed.
private func run(_ arguments: [String], seconds: Double = 60) throws -> (Int32?, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: netdissectBinary()!)
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    let killed = process.isRunning
    if killed { kill(process.processIdentifier, SIGKILL) }
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (killed ? nil : process.terminationStatus, out, err)
}

/// Float32 activations (2, 2, 2, 2) for the two images of `writeUsableDataset`.
private func writeTwoImageActivations(in directory: String) throws -> String {
    let path = directory + "/acts.npy"
    try NPY.write(Tensor(shape: [2, 2, 2, 2], data: (0..<16).map { Float($0 % 5) }), to: path)
    return path
}

@Suite struct HostileProbeCommandTests {
    @Test func probeCheckRefusesAFifoTableInOneLine() throws {
        guard requireNetdissectBinary() != nil else { return }
        let directory = try writeUsableDataset()
        try? FileManager.default.removeItem(atPath: "\(directory)/label.csv")
        #expect(mkfifo("\(directory)/label.csv", 0o644) == 0)
        let (status, _, errors) = try run(["probe", "check", directory], seconds: 30)
        #expect(status == 1, "\(errors)")
        #expect(errors == "netdissect: \(directory)/label.csv: refused (not a regular file: a FIFO (named pipe)); a dataset's files must be regular files inside its directory\n")
    }

    @Test func probeCheckRefusesADuplicatedHeaderColumn() throws {
        guard requireNetdissectBinary() != nil else { return }
        let directory = try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene,scene\n")
        let (status, _, errors) = try run(["probe", "check", directory])
        #expect(status == 1)
        #expect(errors.hasPrefix("netdissect: \(directory)/index.csv:1: column 'scene' appears twice in the header (columns 8 and 9)"))
        #expect(errors.split(separator: "\n").count == 1)
    }

    @Test func dissectFailsWhenNoImageCanBeUsed() throws {
        guard requireNetdissectBinary() != nil else { return }
        // Every row defective: refused before the run starts.
        let work = try makeTemporaryDirectory("nd-unusable")
        let defective = try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\n,train,8,8,4,4,,3\na/2.jpg,val,0,8,4,4,,3\n")
        let activations = try writeTwoImageActivations(in: work)
        func dissect(_ dataset: String, _ out: String) throws -> (Int32?, String, String) {
            try run(["dissect", "--activations", activations, "--dataset", dataset, "--out", work + "/" + out,
                     "--layer", "acts", "--quantile", "0.1", "--threads", "1"])
        }
        let (early, _, earlyText) = try dissect(defective, "early")
        #expect(early == 1)
        #expect(earlyText.hasPrefix("netdissect: ") && earlyText.contains("none of the 2 rows can be used (line 2: no image path"), "\(earlyText)")
        #expect(earlyText.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: work + "/early/run.sqlite"))

        // Rows fine, segmentations missing (with --activations the images are not read): found in
        // pass 1, and the run fails instead of finishing empty.
        let missing = try writeUsableDataset()
        for i in 1...2 { try FileManager.default.removeItem(atPath: "\(missing)/images/a/\(i)_object.png") }
        let (late, _, lateText) = try dissect(missing, "late")
        #expect(late == 1)
        let last = lateText.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("netdissect: ") && last.contains("none of its 2 images could be used"), "\(lateText)")
        #expect(!lateText.contains("finished"))
        #expect(try RunReader.open(work + "/late").progress().status == .failed)

        // A dataset directory whose name holds escapes is named without them.
        let escaped = try makeTemporaryDirectory("nd-escaped") + "/d\u{1B}]0;PWNED\u{07}"
        #expect(rename(missing, escaped) == 0)
        let (named, _, namedText) = try dissect(escaped, "named")
        #expect(named == 1)
        #expect(namedText.contains("/d: none of its 2 images could be used"), "\(namedText.debugDescription)")
        #expect(!namedText.contains("PWNED") && !namedText.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })

        // The same data with its images back dissects (exit 0).
        let usable = try writeUsableDataset()
        let (fine, _, fineText) = try dissect(usable, "fine")
        #expect(fine == 0, "\(fineText)")
    }

    @Test func dissectWithAHugeLabelIDRunsInSmallMemory() throws {
        guard requireNetdissectBinary() != nil else { return }
        let work = try makeTemporaryDirectory("nd-huge-label")
        let directory = try writeUsableDataset()
        try writeFile(Array("number,name,category,frequency,coverage,syns\n1,dog,object(1),1,0.5,\n3,street-s,scene(1),1,1,\n100000000,huge,object(1),1,1,\n".utf8),
                      "\(directory)/label.csv")
        let activations = try writeTwoImageActivations(in: work)
        let (status, _, text) = try run(["dissect", "--activations", activations, "--dataset", directory, "--out", work + "/run",
                                         "--layer", "acts", "--quantile", "0.1", "--threads", "1"], seconds: 60)
        #expect(status == 0, "\(text)")
        let (checked, report, _) = try run(["probe", "check", directory])
        #expect(checked == 0)
        #expect(report.contains("label.csv:4: warning: label number 100000000 is above 65535"))
    }
}
