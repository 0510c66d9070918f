// The options that describe a dissection, shared by `dissect`, `rotate` and `explore` (which can
// start one).
import ArgumentParser
import Dissection
import Workflows

struct DissectArguments: ParsableArguments {
    @Option(name: .long, help: "ONNX model to run over the probe images.")
    var model: String?

    @Option(name: .long, help: "Precomputed float32 (N, C, H, W) activations, rows in index.csv order (instead of --model).")
    var activations: String?

    @Option(name: .long, help: "Probe dataset directory (Broden layout).")
    var dataset: String?

    @Option(name: .long, help: "Layer to dissect (repeatable; rotate takes one). With --activations: the layer's name (default: the file stem).")
    var layer: [String] = []

    @Option(name: .long, help: "Run directory to write (created when missing).")
    var out: String?

    @Option(name: .long, help: "Top quantile q: each unit's threshold is its (1 - q) quantile.")
    var quantile: Double = 0.005

    @Option(name: .long, help: "IoU at or above which a unit counts as a detector.")
    var iouThreshold: Double = 0.04

    @Option(name: .long, help: "Comma-separated categories to score (default: all in the dataset).")
    var categories: String?

    @Option(name: .long, help: "Union rule: original (NetDissect) or lite (NetDissect-Lite).")
    var union: String = "original"

    @Option(name: .long, help: "Top images kept per unit.")
    var topK: Int = 10

    @OptionGroup var execution: ExecutionOptions<DissectionBatch>

    @Option(name: .long, help: "Dissect only the first N images.")
    var limit: Int?

    @OptionGroup var normalization: NormalizationOptions

    @Option(name: .long, help: "Checkpoint every N images in every pass.")
    var checkpointEvery: Int = 512

    @Flag(name: .long, help: "Overwrite a finished run or one with different settings.")
    var force = false

    /// Whether any option that starts a run was given.
    var startsARun: Bool { model != nil || activations != nil || dataset != nil || out != nil }

    /// The engine's request; nil when --dataset or --out is missing.
    func request() -> DissectRequest? {
        guard let dataset, let out else { return nil }
        return DissectRequest(
            model: model, activations: activations, dataset: dataset, layers: layer, out: out,
            quantile: quantile, iouThreshold: iouThreshold,
            categories: categories.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
            union: union, topK: topK, batch: execution.batch, threads: execution.threads, limit: limit,
            mean: normalization.mean, std: normalization.std, bgr: normalization.bgr,
            checkpointEvery: checkpointEvery, force: force)
    }
}
