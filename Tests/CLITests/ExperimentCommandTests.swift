// The experiments' command lines: `rotate`, `compare`, `ablate`.
import Testing
@testable import CLI
@testable import Workflows

@Suite struct ExperimentCommandTests {
    @Test func rotateDefaultsAndOptions() throws {
        let plain = try #require(parsed(["rotate", "--dataset", "p", "--out", "o", "--layer", "conv5"], as: RotateCommand.self))
        #expect(plain.alphas == "0,0.2,0.4,0.6,0.8,1" && plain.seed == 0)
        #expect(plain.settings.layer == ["conv5"] && plain.settings.quantile == 0.005 && plain.settings.execution.batch == 32)
        let given = try #require(parsed(["rotate", "--dataset", "p", "--out", "o", "--layer", "conv5", "--alphas", "0,1",
                                         "--seed", "42", "--activations", "a.npy"], as: RotateCommand.self))
        #expect(given.alphas == "0,1" && given.seed == 42 && given.settings.activations == "a.npy")
    }

    @Test func rotateNeedsOneLayerADatasetAndAnOutput() {
        #expect(refusal(["rotate", "--dataset", "p", "--out", "o"])?.contains("--layer once") == true)
        #expect(refusal(["rotate", "--dataset", "p", "--out", "o", "--layer", "a", "--layer", "b"])?.contains("--layer once") == true)
        #expect(refusal(["rotate", "--layer", "a", "--out", "o"])?.contains("--dataset") == true)
        #expect(refusal(["rotate", "--dataset", "p", "--out", "o", "--layer", "a", "--seed", "-1"])?.contains("--seed") == true)
    }

    @Test func compareDefaultsAndOptions() throws {
        let plain = try #require(parsed(["compare", "run1", "run2"], as: CompareCommand.self))
        #expect(plain.runs == ["run1", "run2"] && plain.layer.isEmpty && plain.units == .detectors)
        #expect(plain.unit == nil && plain.csv == nil)
        let given = try #require(parsed(["compare", "a", "b", "c", "--layer", "x", "--layer", "y", "--layer", "z",
                                         "--units", "changed", "--unit", "7", "--csv", "t.csv"], as: CompareCommand.self))
        #expect(given.runs == ["a", "b", "c"] && given.layer == ["x", "y", "z"] && given.units == .changed)
        #expect(given.unit == 7 && given.csv == "t.csv")
        #expect(refusal(["compare", "a", "b", "--units", "some"])?.contains("--units") == true)
    }

    @Test func ablateDefaultsAndOptions() throws {
        let base = ["ablate", "--model", "m.onnx", "--layer", "features.18", "--images", "imgs", "--labels", "l.csv"]
        let plain = try #require(parsed(base + ["--units", "3,17,40-42"], as: AblateCommand.self))
        #expect(plain.model == "m.onnx" && plain.layer == "features.18" && plain.images == "imgs" && plain.labels == "l.csv")
        #expect(plain.units == "3,17,40-42" && plain.topUnitsFor.isEmpty && plain.runDirectory == nil && plain.rankFor == nil)
        #expect(plain.top == 5 && !plain.keep && plain.classNames == nil && plain.inputSize == nil && plain.show == nil)
        #expect(plain.preprocess == .centerCrop)
        #expect(plain.execution.batch == 8 && plain.execution.threads == 0)
        #expect(plain.normalization.mean == [0.485, 0.456, 0.406] && !plain.normalization.bgr)

        let best = try #require(parsed(base + ["--top-units-for", "dog", "5", "--run", "r", "--keep", "--preprocess", "exact",
                                               "--input-size", "160", "--show", "3", "--batch", "2", "--class-names", "c.txt"],
                                       as: AblateCommand.self))
        #expect(best.topUnitsFor == ["dog", "5"] && best.runDirectory == "r" && best.keep && best.preprocess == .exact)
        #expect(best.inputSize == 160 && best.show == 3 && best.execution.batch == 2 && best.classNames == "c.txt")

        let ranked = try #require(parsed(base + ["--rank-for", "tabby", "--top", "10"], as: AblateCommand.self))
        #expect(ranked.rankFor == "tabby" && ranked.top == 10)
    }

    @Test func ablateRefusesMissingInputsAndUnknownValues() {
        #expect(refusal(["ablate", "--model", "m.onnx", "--layer", "l", "--images", "i"])?.contains("--labels") == true)
        #expect(refusal(["ablate", "--model", "m", "--layer", "l", "--images", "i", "--labels", "c", "--preprocess", "crop"])?
            .contains("--preprocess") == true)
    }
}
