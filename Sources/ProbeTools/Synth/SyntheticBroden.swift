// The synthetic Broden generator: `netdissect synth` writes a dataset in exactly the Broden
// layout, with ground truth known by construction.
//
// Every image is made from its own random stream (seed, image index), so the output does not
// depend on how many threads drew it: the same seed gives the same files. Images are painted,
// encoded and written by worker threads, one at a time each, so memory stays small whatever
// the number of images; only the per-image label statistics come back, from which the tables
// (index.csv, category.csv, label.csv, c_<category>.csv) are written in index order.
import Dissection
import Foundation
import Render

/// What to generate.
public struct SynthOptions: Sendable {
    /// Number of images.
    public var images: Int = 2000
    /// Image side in pixels (segmentations are `size / 2`).
    public var size: Int = 224
    /// Random seed; the same seed gives the same dataset.
    public var seed: UInt64 = 1
    /// JPEG quality of the images.
    public var jpegQuality: Int = 90
    /// Fraction of images in the `val` split.
    public var valFraction: Float = 0.2
    /// Keep every image's label maps and image-level labels in memory (for tests).
    public var keepGroundTruth = false
    /// Worker threads (default: the number of active cores).
    public var workers: Int? = nil

    /// Default options: 2,000 images of 224 pixels, seed 1.
    public init() {}
}

/// The ground truth of one generated image, as generated (before any file was written).
public struct SyntheticImage: Sendable {
    /// Path of the JPEG relative to `images/`.
    public let image: String
    /// `train` or `val`.
    public let split: String
    /// Per category (Broden order: color, object, material, part, scene, texture): its layers.
    public let layers: [[LabelMap]]
    /// Per category: image-level label ids (no zeros).
    public let imageLabels: [[Int]]
}

/// Why the generator could not write the dataset.
public struct SynthError: Error, CustomStringConvertible {
    /// The file or directory concerned.
    public let path: String
    /// What went wrong.
    public let reason: String
    /// One line: `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// A generated synthetic Broden dataset.
public struct SyntheticBroden: Sendable {
    /// Where it was written.
    public let directory: String
    /// Label names by id (`labelNames[0]` is "-"), for every label of the vocabulary.
    public let labelNames: [String]
    /// The category names in category.csv order.
    public let categoryNames: [String]
    /// Per image, in index order, when `keepGroundTruth` was set; empty otherwise.
    public let groundTruth: [SyntheticImage]

    /// Refuses an output directory that holds something else than a synthetic probe: a run, a
    /// real dataset, anything (hidden entries aside). A synthetic probe is overwritten only with
    /// `overwrite`; a real Broden never, since the two would be mixed image by image.
    static func checkOutput(_ directory: String, overwrite: Bool) throws(SynthError) {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        guard !entries.isEmpty else { return }
        guard ProbePaths.isFile(ProbePaths.join(directory, "index.csv")) else {
            let named = entries.prefix(3).map(ProbeText.shown).joined(separator: ", ")
            let more = entries.count > 3 ? " and \(entries.count - 3) more" : ""
            throw SynthError(path: directory, reason: "is not empty and holds no probe dataset (\(named)\(more)); give --out a new or empty directory")
        }
        guard overwrite else {
            throw SynthError(path: directory, reason: "already holds a dataset (index.csv); choose another --out or pass --force")
        }
        guard SyntheticMarker.isSynthetic(dataset: directory) else {
            throw SynthError(path: directory, reason: "holds a dataset that synth did not write; --force only overwrites a synthetic probe, choose another --out")
        }
    }

    /// Generates a dataset into `directory`, which must not already hold a dataset unless
    /// `overwrite` is set.
    ///
    /// - Throws: `SynthError` when a directory or file cannot be written.
    public static func generate(to directory: String, options: SynthOptions = SynthOptions(),
                                overwrite: Bool = false) throws(SynthError) -> SyntheticBroden {
        precondition(options.images >= 1, "SyntheticBroden: at least one image")
        precondition(options.size >= 8 && options.size <= 4096, "SyntheticBroden: size \(options.size) is not in 8...4096")
        try checkOutput(directory, overwrite: overwrite)
        for folder in [directory] + SynthSource.allCases.map({ ProbePaths.join(directory, "images/" + $0.folder) }) {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw SynthError(path: folder, reason: "cannot create the directory (\(error.localizedDescription)); check that its parent is writable")
            }
        }
        let vocabulary = SynthVocabulary.shared
        let workers = max(1, min(options.workers ?? ProcessInfo.processInfo.activeProcessorCount, options.images))
        let results = SynthResults(count: options.images)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = results.claim() {
                do throws(SynthError) {
                    let made = try SynthImageMaker(options: options, vocabulary: vocabulary, directory: directory).make(index)
                    results.store(made, at: index)
                } catch {
                    results.fail(error)
                }
            }
        }
        if let error = results.error { throw error }
        let made = results.all
        try SynthTables(vocabulary: vocabulary, options: options).write(made, to: directory)
        return SyntheticBroden(
            directory: directory, labelNames: vocabulary.names, categoryNames: SynthCategory.allCases.map(\.name),
            groundTruth: options.keepGroundTruth ? made.map { $0.truth! } : [])
    }
}

/// The per-image outcome shared between workers: a claim counter and result slots.
final class SynthResults: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [MadeImage?]
    private(set) var error: SynthError?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ image: MadeImage, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = image
    }

    func fail(_ error: SynthError) {
        lock.lock(); defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    var all: [MadeImage] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0! }
    }
}
