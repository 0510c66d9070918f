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

/// Per-layer row files under `<run>/cache/`.
final class ActivationCache: @unchecked Sendable {
    /// Folder name inside the run directory.
    static let directoryName = "cache"

    let directory: String
    let files: [RowFile]

    /// Bytes the cache needs for `images` images of `layers`.
    static func bytes(layers: [LayerShape], images: Int) -> Int {
        layers.reduce(0) { $0 + $1.valuesPerImage * 4 * images }
    }

    /// Opens (creating when needed) the cache files for `layers`.
    init(runDirectory: String, layers: [LayerShape]) throws {
        let directory = (runDirectory as NSString).appendingPathComponent(Self.directoryName)
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunError.store(path: directory, reason: "cannot create the activation cache")
        }
        files = try layers.enumerated().map { (k, layer) in
            try RowFile(path: (directory as NSString).appendingPathComponent("\(k).f32"), offset: 0,
                        rowLength: layer.valuesPerImage, writable: true)
        }
    }

    /// Whether the cache files exist (a resumed pass 2 needs them).
    static func exists(runDirectory: String, layerCount: Int) -> Bool {
        let dir = (runDirectory as NSString).appendingPathComponent(directoryName)
        return (0..<layerCount).allSatisfy { FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("\($0).f32")) }
    }

    /// Flushes every file.
    func sync() throws { for f in files { try f.sync() } }

    /// Removes the cache.
    static func remove(runDirectory: String) {
        try? FileManager.default.removeItem(atPath: (runDirectory as NSString).appendingPathComponent(directoryName))
    }

    /// Free bytes on the file system holding `path`.
    static func freeBytes(at path: String) -> Int {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path)
        return (attributes?[.systemFreeSize] as? NSNumber)?.intValue ?? 0
    }
}
