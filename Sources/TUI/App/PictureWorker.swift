// Reading top images and encoding pictures, off the UI thread, one job at a time. Only the
// latest request for images matters (holding `j` asks for many units); encoding requests for
// pictures no longer on screen are dropped when their turn comes.

import Foundation
import Render

/// Loads and encodes pictures on a background queue, answering through the inbox.
public final class PictureWorker: @unchecked Sendable {
    private let source: any RunSource
    private let encoder: any PictureEncoder
    private let store: PictureStore
    private let inbox: Inbox
    private let limit: Int
    private let queue = DispatchQueue(label: "netdissect.pictures", qos: .userInitiated)
    private let lock = NSLock()
    private var latestLoad: UnitKey?
    private var wanted: Set<PictureKey> = []
    private var pending: Set<PictureKey> = []
    private var images: [UnitKey: [UnitImage]] = [:]
    private var imageOrder: [UnitKey] = []

    /// A worker reading at most `limit` images per unit from `source`.
    public init(source: any RunSource, encoder: any PictureEncoder, store: PictureStore, inbox: Inbox, limit: Int) {
        self.source = source; self.encoder = encoder; self.store = store; self.inbox = inbox; self.limit = limit
    }

    /// Reads `key`'s top images (replacing any older request not yet started).
    public func load(_ key: UnitKey) {
        lock.lock(); latestLoad = key; lock.unlock()
        queue.async { [self] in
            lock.lock()
            let current = latestLoad
            lock.unlock()
            guard current == key else { return }
            do {
                let loaded = try source.topImages(of: key, limit: limit)
                lock.lock()
                images[key] = loaded
                imageOrder.removeAll { $0 == key }
                imageOrder.append(key)
                while imageOrder.count > 6 { images[imageOrder.removeFirst()] = nil }
                lock.unlock()
                inbox.post(.imagesLoaded(key, .success(loaded.map(ImageCaption.init))))
            } catch {
                inbox.post(.imagesLoaded(key, .failure(ImageLoadError(String(describing: error)))))
            }
        }
    }

    /// Says which pictures are on screen now; encodes those not yet encoded.
    public func want(_ keys: [PictureKey]) {
        lock.lock()
        wanted = Set(keys)
        let missing = keys.filter { !pending.contains($0) && !store.contains($0) && images[$0.unit] != nil }
        pending.formUnion(missing)
        lock.unlock()
        for key in missing {
            queue.async { [self] in encode(key) }
        }
    }

    private func encode(_ key: PictureKey) {
        lock.lock()
        let stillWanted = wanted.contains(key)
        let image = images[key.unit]?.first(where: { $0.rank == key.rank })
        if !stillWanted { pending.remove(key) }
        lock.unlock()
        guard stillWanted, let image else { lock.lock(); pending.remove(key); lock.unlock(); return }
        do {
            let picture = key.formula ? (image.formulaPicture ?? image.picture) : image.picture
            let bytes = try encoder.encode(picture, columns: key.columns, rows: key.rows,
                                           cellWidth: key.cellWidth, cellHeight: key.cellHeight, format: key.format)
            store.put(key, bytes)
            lock.lock(); pending.remove(key); lock.unlock()
            inbox.post(.pictureReady(key))
        } catch {
            lock.lock(); pending.remove(key); lock.unlock()
            inbox.post(.sourceFailed("picture: \(error)"))
        }
    }
}
