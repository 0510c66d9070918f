// The activation cache as the passes use it: opened (or dropped, with a warning) at the start of
// a pass, written by pass 1, read back by the passes after it (see ActivationCache.swift).
import Foundation
import Render

extension Dissector {
    /// Pass 1's activation cache when the run keeps one: new when the pass starts, else the one
    /// the pass wrote up to its checkpoint; nil when that one is missing or cannot be used (the
    /// passes after the first then run the model again).
    func activationCacheForPassOne(_ session: Session) throws -> ActivationCache? {
        guard session.useCache else { return nil }
        return opened(try ActivationCache.forPassOne(runDirectory: directory, layers: session.layers, methods: session.methods,
                                                     folder: session.cacheFolder, firstRow: session.range.lowerBound,
                                                     rowsDone: session.progress.imagesDone))
    }

    /// The session's activation cache for a pass after the first when the run keeps one and its
    /// files are there and sound; nil otherwise (the pass runs the model again).
    func secondPassCache(_ session: Session) throws -> ActivationCache? {
        guard session.useCache else { return nil }
        return opened(try ActivationCache.forLaterPasses(runDirectory: directory, layers: session.layers, methods: session.methods,
                                                         folder: session.cacheFolder, firstRow: session.range.lowerBound,
                                                         rows: session.range.count))
    }

    private func opened(_ opening: ActivationCache.Opening) -> ActivationCache? {
        switch opening {
        case let .opened(cache): return cache
        case .absent: return nil
        case let .unusable(reason):
            emit(.warning(TerminalText.sanitize("\(reason); the activation cache is dropped and the passes after the first run the model again")))
            return nil
        }
    }

    /// The activations of `items` (rows `start...`) for a pass after the first: read back from
    /// the activation cache when there is one (`maps` then says where each layer's maps lie), else
    /// produced again (a file re-read or the model re-run; `maps` all nil: `(n, C, H, W)`).
    /// Returns, per item, why it could not be produced (nil when it was).
    func secondReading(_ items: [SampleItem], start: Int, cache: ActivationCache?, layers: [LayerShape],
                       into buffers: inout [[Float]], maps: inout [MapTable?]) throws -> [String?] {
        guard let cache else {
            maps = [MapTable?](repeating: nil, count: layers.count)
            return try producer.produce(items, into: &buffers)
        }
        maps = []
        for l in layers.indices {
            // Room for every map of the batch, kept from batch to batch.
            let room = items.count * layers[l].valuesPerImage
            if buffers[l].count < room { buffers[l] = [Float](repeating: 0, count: room) }
            maps.append(try buffers[l].withUnsafeMutableBufferPointer { b in
                try cache.read(layer: l, rows: start, count: items.count, into: b.baseAddress!, capacity: b.count)
            })
        }
        return [String?](repeating: nil, count: items.count)
    }

    /// Checks that every image of the batch from `start` that a pass uses (`uses`) has its row of
    /// maps in the cache, as pass 1 wrote it for every image it used.
    func checkCachedRows(_ maps: [MapTable?], cache: ActivationCache?, start: Int, uses: (Int) -> Bool) throws {
        guard let cache else { return }
        for (l, table) in maps.enumerated() {
            guard let table else { continue }
            if let i = (0..<table.images).first(where: { uses($0) && !table.used[$0] }) {
                throw cache.damaged(CacheDamage(path: cache.files[l].indexPath,
                                                reason: "the row of image \(start + i) has no maps though pass 1 used the image"))
            }
        }
    }
}
