// Models and probes: `layers`, `infer`, `classify`, `synth`, `probe check`, `broden download`.
import Testing
@testable import CLI

@Suite struct ModelCommandTests {
    @Test func layersInferAndClassify() throws {
        let layers = try #require(parsed(["layers", "m.onnx"], as: LayersCommand.self))
        #expect(layers.model == "m.onnx" && layers.inputSize == nil)
        #expect(try #require(parsed(["layers", "m.onnx", "--input-size", "160"], as: LayersCommand.self)).inputSize == 160)
        #expect(refusal(["layers", "m.onnx", "--input-size", "0"])?.contains("--input-size") == true)
        #expect(refusal(["layers", "m.onnx", "--input-size", "20000"])?.contains("16384") == true)

        let infer = try #require(parsed(["infer", "m.onnx", "--input", "x.npy", "--output", "y.npy"], as: InferCommand.self))
        #expect(infer.model == "m.onnx" && infer.input == "x.npy" && infer.output == "y.npy" && infer.layer == nil)
        #expect(try #require(parsed(["infer", "m", "--input", "x", "--output", "y", "--layer", "features.3"],
                                    as: InferCommand.self)).layer == "features.3")
        #expect(refusal(["infer", "m.onnx", "--input", "x.npy"])?.contains("--output") == true)

        let classify = try #require(parsed(["classify", "m.onnx", "a.jpg", "b.png"], as: ClassifyCommand.self))
        #expect(classify.model == "m.onnx" && classify.images == ["a.jpg", "b.png"] && classify.top == 5)
        #expect(try #require(parsed(["classify", "m", "a.jpg", "--top", "1"], as: ClassifyCommand.self)).top == 1)
        #expect(refusal(["classify", "m.onnx"]) != nil)
        #expect(refusal(["classify", "m.onnx", "a.jpg", "--top", "0"])?.contains("--top") == true)
    }

    @Test func synthDefaultsAndLimits() throws {
        let plain = try #require(parsed(["synth", "--out", "probe"], as: SynthCommand.self))
        #expect(plain.out == "probe" && plain.images == 2000 && plain.size == 224 && plain.seed == 1 && !plain.force)
        let given = try #require(parsed(["synth", "--out", "p", "--images", "30", "--size", "64", "--seed", "9", "--force"],
                                        as: SynthCommand.self))
        #expect(given.images == 30 && given.size == 64 && given.seed == 9 && given.force)
        #expect(refusal(["synth", "--out", "p", "--images", "0"])?.contains("--images") == true)
        #expect(refusal(["synth", "--out", "p", "--size", "8"])?.contains("--size") == true)
        #expect(refusal(["synth"])?.contains("--out") == true)
    }

    @Test func probeCheckAndBrodenDownload() throws {
        let check = try #require(parsed(["probe", "check", "dir"], as: ProbeCommand.Check.self))
        #expect(check.directory == "dir")
        #expect(refusal(["probe", "check"]) != nil)

        let download = try #require(parsed(["broden", "download", "--out", "data"], as: BrodenCommand.Download.self))
        #expect(download.out == "data" && download.variant == 224 && download.url == nil)
        let mirror = try #require(parsed(["broden", "download", "--out", "d", "--variant", "384", "--url", "https://m/b.zip"],
                                         as: BrodenCommand.Download.self))
        #expect(mirror.variant == 384 && mirror.url == "https://m/b.zip")
        #expect(refusal(["broden", "download"])?.contains("--out") == true)
    }

    @Test func versionIsACleanExit() {
        do {
            let command = try Netdissect.parseAsRoot(["--version"])
            Issue.record("--version parsed to \(type(of: command))")
        } catch {
            #expect(Netdissect.exitCode(for: error) == .success)
            let message = Netdissect.message(for: error)
            #expect(message.hasPrefix("netdissect 0.1.0\n") && message.contains("\nkernels: "), "\(message)")
        }
    }

    @Test func helpNamesEveryOptionWithItsDefault() {
        // Help wraps long lines; compare with single spaces.
        let dissect = Netdissect.helpMessage(for: DissectCommand.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for text in ["--model", "--activations", "--dataset", "--layer", "--out", "--quantile", "(default: 0.005)",
                     "--iou-threshold", "(default: 0.04)", "--union", "(default: original)", "--top-k", "(default: 10)",
                     "--batch", "(default: 32)", "--threads", "--limit", "--mean", "--std", "--bgr",
                     "--checkpoint-every", "(default: 512)", "--force"] {
            #expect(dissect.contains(text), "dissect --help lacks \(text)")
        }
        #expect(Netdissect.helpMessage(for: AblateCommand.self).contains("(default: 8)"), "ablate's batch default")
        // Defaults that say something (issue 22, item 9): not "(default: 0)" beside "all cores",
        // nor "(default: default)" for the theme; rotate takes one --layer.
        #expect(dissect.contains("Worker threads (default: all cores).") && !dissect.contains("(default: 0)"))
        let explore = Netdissect.helpMessage(for: ExploreCommand.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(!explore.contains("(default: default)") && explore.contains("default (used when none is given)"))
        #expect(Netdissect.helpMessage(for: RotateCommand.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .contains("rotate takes one"))
        let root = Netdissect.helpMessage()
        for name in ["explore", "dissect", "unit", "summary", "report", "export", "layers", "infer", "classify",
                     "synth", "probe", "broden", "rotate", "compare", "ablate"] {
            #expect(root.contains(name), "netdissect --help lacks \(name)")
        }
    }
}
