// The bounded on-disk activation cache between pass 1 and pass 2 of a model run.
//
// Pass 2 needs the same activations as pass 1. Running the model again doubles the dominant cost;
// writing each layer's float32 rows to `<run>/cache/<layer>.f32` during pass 1 and reading them in
// pass 2 costs a sequential write and read (e.g. 100 KB per image for ResNet-18 layer4, against
// tens of milliseconds of convolution). float32, not float16: pass 2 must see the very values the
// thresholds were computed from, or masks near T_u would differ from an uninterrupted exact run.
// Rows sit at fixed offsets by image index, so a resumed pass 1 simply rewrites rows from its last
// checkpoint. The cache is used when it fits under the limit; otherwise pass 2 recomputes. It is
// deleted when the run finishes.
import Foundation

/// Per-layer row files under `<run>/cache/` (a shard's under `<run>/shards/cache-<K>of<N>/`,
/// holding the shard's rows from `firstRow` on).
final class ActivationCache: @unchecked Sendable {
    /// Folder name inside the run directory.
    static let directoryName = "cache"

    let directory: String
    let files: [RowFile]
    /// Per file: its writer (pass 1 writes in the background; `sync` waits for it).
    private let writers: [BackgroundRowWriter]
    /// The image index of the first row.
    let firstRow: Int

    /// Bytes the cache needs for `images` images of `layers`.
    static func bytes(layers: [LayerShape], images: Int) -> Int {
        layers.reduce(0) { $0 + $1.valuesPerImage * 4 * images }
    }

    /// Opens (creating when needed) the cache files for `layers` in `folder` of the run directory,
    /// whose first row is image `firstRow`.
    init(runDirectory: String, layers: [LayerShape], folder: String = directoryName, firstRow: Int = 0) throws {
        let directory = (runDirectory as NSString).appendingPathComponent(folder)
        self.directory = directory
        self.firstRow = firstRow
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunError.store(path: directory, reason: "cannot create the activation cache")
        }
        files = try layers.enumerated().map { (k, layer) in
            try RowFile(path: (directory as NSString).appendingPathComponent("\(k).f32"), offset: 0,
                        rowLength: layer.valuesPerImage, writable: true)
        }
        writers = files.map(BackgroundRowWriter.init(file:))
    }

    /// Writes the rows of images `start..<start + count` of layer `layer` (in the background:
    /// `sync` waits for them; `src` may be reused when this returns).
    func write(layer: Int, rows start: Int, count: Int, from src: UnsafePointer<Float>) throws {
        try writers[layer].write(rows: start - firstRow, count: count, from: src)
    }

    /// Reads the rows of images `start..<start + count` of layer `layer`.
    func read(layer: Int, rows start: Int, count: Int, into dst: UnsafeMutablePointer<Float>) throws {
        try files[layer].read(rows: start - firstRow, count: count, into: dst)
    }

    /// Whether the cache files exist in `folder` (a resumed pass 2 needs them).
    static func exists(runDirectory: String, layerCount: Int, folder: String = directoryName) -> Bool {
        let dir = (runDirectory as NSString).appendingPathComponent(folder)
        return (0..<layerCount).allSatisfy { FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("\($0).f32")) }
    }

    /// Waits for every queued write and flushes every file.
    func sync() throws { for w in writers { try w.sync() } }

    /// Removes the cache in `folder`.
    static func remove(runDirectory: String, folder: String = directoryName) {
        try? FileManager.default.removeItem(atPath: (runDirectory as NSString).appendingPathComponent(folder))
    }

    /// Removes the cache in `folder` on another thread; the caller waits on the group returned.
    static func removeInBackground(runDirectory: String, folder: String = directoryName) -> DispatchGroup {
        let group = DispatchGroup()
        DispatchQueue.global(qos: .utility).async(group: group) { remove(runDirectory: runDirectory, folder: folder) }
        return group
    }

    /// Free bytes on the file system holding `path`.
    static func freeBytes(at path: String) -> Int {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path)
        return (attributes?[.systemFreeSize] as? NSNumber)?.intValue ?? 0
    }
}
