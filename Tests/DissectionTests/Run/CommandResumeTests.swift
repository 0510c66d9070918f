// The real command in a real subprocess, killed with SIGKILL inside each pass (between checkpoints
// and inside a checkpoint's transaction), then run again: the results must equal an uninterrupted
// run's and the brute-force reference. Uses the NETDISSECT_TEST_KILL hook (Run/CrashHook.swift)
// to choose the moment.
import DissectionTestSupport
import Foundation
import TestSupport
import Testing
@testable import Dissection

@Suite struct CommandResumeTests {
    @Test func killedRunsResumeToIdenticalResults() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try makeTemporaryDirectory("nd-kill")
        let probe = RandomProbe(seed: 77, N: 26, C: 3)
        try BrodenWriter.write(probe, to: dir + "/probe")
        let acts = try writeActivations(probe, in: dir)
        func arguments(_ out: String) -> [String] {
            ["dissect", "--activations", acts, "--dataset", dir + "/probe", "--out", out, "--layer", "acts",
             "--quantile", "0.1", "--top-k", "3", "--batch", "2", "--checkpoint-every", "4", "--threads", "2"]
        }
        let (status, _, message) = try runCommand(arguments(dir + "/reference"))
        #expect(status == 0, "\(message)")
        let reference = try RunSnapshot(directory: dir + "/reference", layer: "acts")

        // The command's results are the brute-force reference's.
        let thresholds = BruteForce.thresholds(probe, q: 0.1)
        let expected = BruteForce.tally(probe.activations, N: probe.N, C: probe.C, H: probe.H, W: probe.W,
                                        annotations: probe.annotations, thresholds: thresholds,
                                        catalog: probe.catalog, rule: .original)
        #expect(reference.tally == expected)
        #expect(reference.skipped.count == probe.annotations.filter { $0 == nil }.count)

        for hook in ["1:3", "1:8:checkpoint", "2:5", "2:12:checkpoint", "2:25"] {
            let out = dir + "/kill-" + hook.replacingOccurrences(of: ":", with: "-")
            let (signal, signalled, _) = try runCommand(arguments(out), environment: ["NETDISSECT_TEST_KILL": hook])
            #expect(signalled && signal == 9, "hook \(hook): the process was not killed")
            let (again, _, text) = try runCommand(arguments(out))
            #expect(again == 0, "hook \(hook): \(text)")
            #expect(try RunSnapshot(directory: out, layer: "acts") == reference, "hook \(hook)")
        }

        // Refusals, as one line each.
        let (finished, _, finishedText) = try runCommand(arguments(dir + "/reference"))
        #expect(finished == 1)
        #expect(finishedText.hasPrefix("netdissect: ") && finishedText.contains("--force"))
        var changed = arguments(dir + "/reference")
        changed[changed.firstIndex(of: "0.1")!] = "0.2"
        let (differs, _, differsText) = try runCommand(changed + ["--force"])
        #expect(differs == 0, "\(differsText)")
    }

    @Test func badInputsGetOneLine() throws {
        guard requireNetdissectBinary() != nil else { return }
        let dir = try makeTemporaryDirectory("nd-bad")
        let probe = RandomProbe(seed: 1, N: 4, C: 2)
        try BrodenWriter.write(probe, to: dir + "/probe")
        try Data("not an npy".utf8).write(to: URL(fileURLWithPath: dir + "/bad.npy"))
        let short = RandomProbe(seed: 1, N: 3, C: 2)
        let shortPath = try writeActivations(short, in: dir)
        for (args, needle) in [
            (["--activations", dir + "/bad.npy"], "bad.npy"),
            (["--activations", shortPath], "--limit 3"),
            (["--activations", shortPath, "--limit", "3", "--union", "weird"], "--union"),
            (["--activations", shortPath, "--limit", "3", "--categories", "nope"], "nope"),
        ] {
            let (status, signalled, text) = try runCommand(["dissect", "--dataset", dir + "/probe", "--out", dir + "/out"] + args)
            #expect(status == 1 && !signalled, "\(args)")
            #expect(text.hasPrefix("netdissect: ") && text.contains(needle) && text.split(separator: "\n").count == 1, "\(text)")
        }
    }
}
