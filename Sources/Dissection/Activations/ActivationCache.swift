// The bounded on-disk activation cache between pass 1 and the passes after it, for a model run.
//
// Pass 2 needs the activations pass 1 saw. Running the model again doubles the dominant cost;
// writing them to `<run>/cache/` during pass 1 and reading them back costs a sequential write and
// read. float32, not float16: pass 2 must see the very values the thresholds were computed from,
// or masks near T_u would differ from an uninterrupted exact run.
//
// Pass 2 needs only the maps that can pass their unit's threshold somewhere, and pass 1, when it
// reads a map, knows a bound no value at or below which can ever pass: the unit's selector cutoff
// (`TopValueSelector.skipBound`, which only rises and stays at most T_u). A map whose peak is at or
// below it is left out, so at the top-0.5 % quantile most maps are, once the cutoffs have risen.
// Each layer keeps the maps it stores and an index of which images have which (`MapFile`, one
// fixed-size row per image); a later pass reads a batch's maps and where they lie (`MapTable`) and
// passes over the others as maps that fail the threshold, which they do. A layer whose quantiles
// use histograms stores every map: its refine pass reads every value.
//
// What is checked, and what happens to a cache that fails:
// - the end of pass 1 checks every threshold against the bound of the maps left out before it
//   relies on them (`Dissector.completeThresholds`); a threshold below it (only an overflowing
//   interpolation could do that) drops the cache;
// - a resumed pass 1 checks the rows up to its checkpoint, cuts the files after them and rewrites
//   from there (its selectors, compacted when they were saved, may leave out more maps than those
//   of an uninterrupted run would: every bound is still at most T_u, and the results are the
//   same); a pass after the first checks the whole index when it opens the cache. A cache
//   missing, written by an earlier netdissect (`<k>.f32`: every map, at fixed offsets) or failing
//   those checks is dropped: the passes after the first then run the model again, as without one;
// - a batch's maps are checked against their row's check when read; damage found there stops the
//   run with one line naming the file and what to do.
// The cache is used when storing every map would fit under the limit, and deleted when the run
// finishes.
import Foundation

/// Per-layer map files under `<run>/cache/` (a shard's under `<run>/shards/cache-<K>of<N>/`,
/// holding the shard's rows from `firstRow` on).
final class ActivationCache: @unchecked Sendable {
    /// Folder name inside the run directory.
    static let directoryName = "cache"

    let directory: String
    let files: [MapFile]
    /// Per file: its writer (pass 1 writes in the background; `sync` waits for it). Empty when read.
    private let writers: [BackgroundMapWriter]
    /// The image index of the first row.
    let firstRow: Int
    /// Per layer: the number of the map after the last one written (pass 1).
    private var ends: [Int]

    /// What opening the cache found.
    enum Opening {
        /// The cache, checked.
        case opened(ActivationCache)
        /// No cache files at all.
        case absent
        /// Files that cannot be used (they are removed): the file and why.
        case unusable(String)
    }

    /// The most bytes the cache can take for `images` images of `layers`: every map and the index.
    static func bytes(layers: [LayerShape], images: Int) -> Int {
        layers.reduce(MapFile.headerBytes * layers.count) { $0 + ($1.valuesPerImage * 4 + MapEntry.bytes(units: $1.units)) * images }
    }

    /// Which maps a layer whose quantiles `method` finds stores.
    static func mode(_ method: QuantileMethod) -> MapFile.Mode { method == .selection ? .skipping : .every }

    private init(directory: String, files: [MapFile], writable: Bool, firstRow: Int, ends: [Int]) {
        self.directory = directory
        self.files = files
        self.writers = writable ? files.map(BackgroundMapWriter.init(file:)) : []
        self.firstRow = firstRow
        self.ends = ends
    }

    /// Pass 1's cache in `folder` of the run directory, whose first row is image `firstRow`:
    /// created empty when no row is done yet; else the files pass 1 wrote, their first
    /// `rowsDone` rows checked and the files cut after them.
    /// - Throws: `RunError.store` when the files cannot be created.
    static func forPassOne(runDirectory: String, layers: [LayerShape], methods: [QuantileMethod], folder: String = directoryName,
                           firstRow: Int, rowsDone: Int) throws -> Opening {
        let directory = (runDirectory as NSString).appendingPathComponent(folder)
        guard rowsDone > 0 else {
            removeMaps(runDirectory: runDirectory, folder: folder, layerCount: layers.count)
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw RunError.store(path: directory, reason: "cannot create the activation cache")
            }
            let files = try zip(layers, methods).enumerated().map { k, lm in
                try MapFile(directory: directory, layer: k, units: lm.0.units, mapSize: lm.0.mapSize, firstRow: firstRow,
                            mode: mode(lm.1), create: true)
            }
            return .opened(ActivationCache(directory: directory, files: files, writable: true, firstRow: firstRow,
                                           ends: [Int](repeating: 0, count: files.count)))
        }
        return try open(runDirectory: runDirectory, layers: layers, methods: methods, folder: folder, firstRow: firstRow,
                        rows: rowsDone, writable: true)
    }

    /// The cache of the passes after the first, its `rows` rows checked.
    static func forLaterPasses(runDirectory: String, layers: [LayerShape], methods: [QuantileMethod], folder: String = directoryName,
                               firstRow: Int, rows: Int) throws -> Opening {
        try open(runDirectory: runDirectory, layers: layers, methods: methods, folder: folder, firstRow: firstRow,
                 rows: rows, writable: false)
    }

    private static func open(runDirectory: String, layers: [LayerShape], methods: [QuantileMethod], folder: String,
                             firstRow: Int, rows: Int, writable: Bool) throws -> Opening {
        let directory = (runDirectory as NSString).appendingPathComponent(folder)
        let fm = FileManager.default
        let paths = layers.indices.map { MapFile.paths(directory: directory, layer: $0) }
        let present = paths.flatMap { [$0.maps, $0.index] }.filter { fm.fileExists(atPath: $0) }
        let legacy = layers.indices.map { (directory as NSString).appendingPathComponent("\($0).f32") }.filter { fm.fileExists(atPath: $0) }
        func unusable(_ reason: String) -> Opening {
            removeMaps(runDirectory: runDirectory, folder: folder, layerCount: layers.count)
            return .unusable(reason)
        }
        if present.isEmpty {
            if let old = legacy.first { return unusable("\(old): was written by an earlier netdissect, whose cache format this one does not read") }
            return .absent
        }
        if let missing = paths.flatMap({ [$0.maps, $0.index] }).first(where: { !fm.fileExists(atPath: $0) }) {
            return unusable("\(missing): is missing")
        }
        do {
            var files: [MapFile] = [], ends: [Int] = []
            for (k, (layer, method)) in zip(layers, methods).enumerated() {
                let file = try MapFile(directory: directory, layer: k, units: layer.units, mapSize: layer.mapSize, firstRow: firstRow,
                                       mode: mode(method), create: false, writable: writable)
                let end = try file.checkedEnd(rows: rows)
                if writable { try file.truncate(rows: rows, end: end) }
                files.append(file)
                ends.append(end)
            }
            return .opened(ActivationCache(directory: directory, files: files, writable: writable, firstRow: firstRow, ends: ends))
        } catch let damage as CacheDamage {
            return unusable("\(damage.path): \(damage.reason)")
        }
    }

    /// Queues the maps of images `start..<start + count` of layer `layer` that `stored` flags
    /// (`count * C`, image-major, as `ThresholdPass.add` sets them) from `src` (`(count, C, H, W)`),
    /// and their rows; `used` says per image whether pass 1 used it. `src` and `stored` may be
    /// reused when this returns (`sync` waits for the write).
    func write(layer: Int, rows start: Int, count: Int, from src: UnsafePointer<Float>,
               stored: UnsafePointer<UInt8>, used: [Bool]) throws {
        let file = files[layer], C = file.units, HW = file.mapSize
        precondition(used.count == count && start - firstRow >= 0, "ActivationCache.write: bad rows")
        var entries: [MapEntry] = []
        entries.reserveCapacity(count)
        var next = ends[layer]
        for i in 0..<count {
            var bitmap = [UInt64](repeating: 0, count: file.words)
            let flags = stored + i * C
            for u in 0..<C where flags[u] != 0 { bitmap[u >> 6] |= 1 << UInt64(u & 63) }
            let entry = MapEntry(start: next, image: start + i, used: used[i], bitmap: bitmap)
            next = entry.end
            entries.append(entry)
        }
        try writers[layer].write(row: start - firstRow, entries: entries) { dst in
            var k = 0
            for i in 0..<count {
                for u in 0..<C where stored[i * C + u] != 0 {
                    (dst + k * HW).update(from: src + (i * C + u) * HW, count: HW)
                    k += 1
                }
            }
        }
        ends[layer] = next
    }

    /// Reads the stored maps of images `start..<start + count` of layer `layer` into `dst` (room
    /// for `capacity` floats; `count * C * H * W` always suffices).
    /// - Returns: where each image's maps are.
    /// - Throws: `RunError.input` naming the file, what is wrong and what to do.
    func read(layer: Int, rows start: Int, count: Int, into dst: UnsafeMutablePointer<Float>, capacity: Int) throws -> MapTable {
        let row = start - firstRow
        do {
            return try files[layer].read(rows: row..<(row + count), into: dst, capacity: capacity)
        } catch let damage as CacheDamage {
            throw damaged(damage)
        }
    }

    /// The error for a file of the cache found damaged while a pass reads it.
    func damaged(_ damage: CacheDamage) -> RunError {
        let name = ((damage.path as NSString).lastPathComponent as NSString).deletingPathExtension
        return .input(path: damage.path, reason: damage.reason,
                      hint: "delete \(name).maps and \(name).index in that folder and run the same command again (the pass then runs the model again)")
    }

    /// Waits for every queued write and flushes every file.
    func sync() throws { for w in writers { try w.sync() } }

    /// Removes the cache in `folder` (activations and label masks).
    static func remove(runDirectory: String, folder: String = directoryName) {
        try? FileManager.default.removeItem(atPath: (runDirectory as NSString).appendingPathComponent(folder))
    }

    /// Removes the activation files of `layerCount` layers in `folder` (and those of the earlier
    /// format, `<k>.f32`); the label masks beside them stay.
    static func removeMaps(runDirectory: String, folder: String = directoryName, layerCount: Int) {
        let directory = (runDirectory as NSString).appendingPathComponent(folder)
        for k in 0..<layerCount {
            let (maps, index) = MapFile.paths(directory: directory, layer: k)
            for path in [maps, index, (directory as NSString).appendingPathComponent("\(k).f32")] {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
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
