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

    // Optional rather than `= 0`, so that help says "all cores" and not "(default: 0)" too.
    @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).")
    var workerThreads: Int?

    /// The worker threads, 0 for all cores.
    var threads: Int { workerThreads ?? 0 }
}
