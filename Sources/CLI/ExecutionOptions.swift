// `--batch` and `--threads`: how a command splits its work, never what it computes. Written once
// for every command that runs a model over many images; the batch size's default is the
// command's own (`Batch`): a dissection batches 32 probe images, an ablation 8 photos.
import ArgumentParser

/// A command's default number of images per batch.
protocol DefaultBatch {
    /// Images per batch when `--batch` is not given.
    static var images: Int { get }
}

/// A dissection's batches (`dissect`, `explore`, `rotate`).
enum DissectionBatch: DefaultBatch { static let images = 32 }

/// An ablation's batches (`ablate`).
enum AblationBatch: DefaultBatch { static let images = 8 }

/// The execution options, with `Batch` giving the default batch size.
struct ExecutionOptions<Batch: DefaultBatch>: ParsableArguments {
    @Option(name: .long, help: "Images per batch.")
    var batch: Int = Batch.images

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int = 0
}
