// A dissect request written back as the command-line options every shard task repeats. Paths
// become absolute (a task starts wherever Slurm puts it); every setting is spelled out, so a
// task computes exactly what the prepared run says even if a default changes; `--out`, `--shard`
// and `--force` are the launcher's to add.
import Foundation

extension DissectRequest {
    /// The options of this request for `dissect`, without `--out` and `--force`.
    /// - Parameter threads: the worker threads to ask for (0: leave the default, all cores).
    public func shardArguments(threads: Int) -> [String] {
        var a: [String] = []
        if let model { a += ["--model", DissectRunner.absolute(model)] }
        if let activations { a += ["--activations", DissectRunner.absolute(activations)] }
        a += ["--dataset", DissectRunner.absolute(dataset)]
        for layer in layers { a += ["--layer", layer] }
        a += ["--quantile", "\(quantile)", "--iou-threshold", "\(iouThreshold)"]
        if let categories { a += ["--categories", categories.joined(separator: ",")] }
        a += ["--union", union, "--top-k", "\(topK)", "--batch", "\(batch)"]
        if threads > 0 { a += ["--threads", "\(threads)"] }
        if let limit { a += ["--limit", "\(limit)"] }
        a += ["--mean"] + mean.map { "\($0)" } + ["--std"] + std.map { "\($0)" }
        if bgr { a.append("--bgr") }
        a += ["--checkpoint-every", "\(checkpointEvery)"]
        return a
    }
}
