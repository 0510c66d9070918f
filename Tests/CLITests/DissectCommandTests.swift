// `dissect` and the option groups it shares with `explore` and `rotate` (DissectArguments,
// ExecutionOptions, NormalizationOptions): every option, every default, and the request the
// engine gets.
import Testing
@testable import CLI

@Suite struct DissectCommandTests {
    @Test func defaultsAreTheDocumentedOnes() throws {
        let command = try #require(parsed(["dissect", "--dataset", "probe", "--out", "run"], as: DissectCommand.self))
        let a = command.arguments
        #expect(a.model == nil && a.activations == nil && a.layer.isEmpty && a.limit == nil && a.categories == nil)
        #expect(a.quantile == 0.005 && a.iouThreshold == 0.04 && a.union == "original" && a.topK == 10)
        #expect(a.execution.batch == 32 && a.execution.threads == 0 && a.checkpointEvery == 512 && !a.force)
        #expect(a.normalization.mean == [0.485, 0.456, 0.406] && a.normalization.std == [0.229, 0.224, 0.225])
        #expect(!a.normalization.bgr)
        #expect(a.startsARun)
    }

    @Test func everyOptionReachesTheRequest() throws {
        let command = try #require(parsed([
            "dissect", "--model", "m.onnx", "--dataset", "probe", "--out", "run", "--layer", "features.13",
            "--layer", "features.18", "--quantile", "0.01", "--iou-threshold", "0.05", "--categories", "object, color",
            "--union", "lite", "--top-k", "4", "--batch", "8", "--threads", "3", "--limit", "100",
            "--mean", "0.5", "0.4", "0.3", "--std", "0.2", "0.1", "0.3", "--bgr", "--checkpoint-every", "64", "--force",
        ], as: DissectCommand.self))
        let r = try #require(command.arguments.request())
        #expect(r.model == "m.onnx" && r.activations == nil && r.dataset == "probe" && r.out == "run")
        #expect(r.layers == ["features.13", "features.18"])
        #expect(r.quantile == 0.01 && r.iouThreshold == 0.05 && r.union == "lite" && r.topK == 4)
        #expect(r.categories == ["object", "color"])
        #expect(r.batch == 8 && r.threads == 3 && r.limit == 100 && r.checkpointEvery == 64 && r.force)
        #expect(r.mean == [0.5, 0.4, 0.3] && r.std == [0.2, 0.1, 0.3] && r.bgr)
    }

    @Test func activationsInsteadOfAModel() throws {
        let command = try #require(parsed(["dissect", "--activations", "acts.npy", "--dataset", "p", "--out", "o"],
                                          as: DissectCommand.self))
        let r = try #require(command.arguments.request())
        #expect(r.model == nil && r.activations == "acts.npy" && r.layers.isEmpty)
    }

    @Test func missingOrMalformedOptionsAreRefusedWithAMessage() {
        #expect(refusal(["dissect", "--out", "run"])?.contains("--dataset") == true)
        #expect(refusal(["dissect", "--dataset", "probe"])?.contains("--out") == true)
        #expect(refusal(["dissect", "--dataset", "p", "--out", "o", "--quantile", "many"])?.contains("--quantile") == true)
        #expect(refusal(["dissect", "--dataset", "p", "--out", "o", "--batch", "1.5"])?.contains("--batch") == true)
        #expect(refusal(["dissect", "--dataset", "p", "--out", "o", "--no-such-option"])?.contains("--no-such-option") == true)
        #expect(refusal(["dissect", "--dataset", "p", "--out", "o", "--mean", "red"])?.contains("--mean") == true)
    }

    @Test func unknownSubcommandsAreRefused() {
        #expect(refusal(["dissekt"])?.contains("dissekt") == true)
    }
}
