// Building a label-run file (LabelRunFile) one image at a time, in memory or into RUN/explain/.
//
// The runs (the bulk) go straight to the file as they are made and the entries to a second,
// unlinked file beside it, so memory holds only a buffer of each, the per-image sizes and starts
// (24 bytes an image) and the per-label counts, whatever the labels' total size. `finish` appends
// the entries and the small tables, then fills the per-label image lists through a mapping of the
// file (released as it goes), writes the header last, and renames the file into place: a reader
// never sees a half-written file, and a symbolic link at that path is replaced, not written
// through. The file is then opened and checked like any other (ProbeLabels+Checks).
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Writes the probe's label masks as a label-run file.
public final class LabelRunWriter {
    private let catalog: ConceptCatalog
    private let identity: LabelRunFile.Identity
    private let residentBudget: Int
    /// The file's bytes (after a 128-byte space for the header) and the entries' (16 bytes each).
    private let out: ByteStream, entryStream: ByteStream
    /// Where the file goes: the folder's descriptor, the temporary and final names (nil in memory).
    private let folder: (fd: Int32, path: String, temporary: String)?
    private let runDirectory: String
    private var sizes: [Int32] = [], entryStart: [UInt64] = [0], imageLabelStart: [UInt64] = [0]
    private var imageLabelIDs: [Int32] = [], imageLabelSlots: [Int32] = []
    private var labelPixels: [Int], labelImages: [Int]
    private var runWords = 0, entries = 0
    private var scratch: [UInt32] = []
    private var finished = false

    /// A writer that keeps the file in memory (`finish` returns labels that are not mapped).
    public init(catalog: ConceptCatalog, identity: LabelRunFile.Identity) {
        self.catalog = catalog
        self.identity = identity
        residentBudget = .max
        out = ByteStream(fd: nil, path: "(memory)")
        entryStream = ByteStream(fd: nil, path: "(memory)")
        folder = nil
        runDirectory = ""
        labelPixels = [Int](repeating: 0, count: catalog.labels.count)
        labelImages = labelPixels
        try! out.zeros(LabelRunFile.headerSize)
    }

    /// A writer of `RUN/explain/labels.runs` in `runDirectory` (the caller holds the run's lock).
    /// Leftover temporary files of an earlier writer are removed.
    /// - Parameter residentBudget: bytes of the finished file the labels may keep resident.
    /// - Throws: `RunError.input` when `RUN/explain` is a link or not a folder, `.store` when the
    ///   files cannot be made.
    public init(runDirectory: String, catalog: ConceptCatalog, identity: LabelRunFile.Identity, residentBudget: Int) throws {
        self.catalog = catalog
        self.identity = identity
        self.residentBudget = residentBudget
        let dir = try RunDirectory.openFolder(directory: runDirectory, folder: LabelRunFile.folder)
        let path = ((runDirectory as NSString).appendingPathComponent(LabelRunFile.folder) as NSString).appendingPathComponent(LabelRunFile.name)
        if RunDirectory.fileKind(path) == S_IFDIR {  // a rename cannot replace it: refused before the pass
            close(dir)
            throw RunError.input(path: path, reason: "is a folder where explain keeps its label file", hint: "remove it")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)) ?? []
        for name in names where name.hasPrefix(".\(LabelRunFile.name).") && name.hasSuffix(".tmp") { unlinkat(dir, name, 0) }
        let temporary = ".\(LabelRunFile.name).\(getpid()).tmp", side = ".\(LabelRunFile.name).\(getpid()).entries.tmp"
        let fd = openat(dir, temporary, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        let sideFD = fd >= 0 ? openat(dir, side, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600) : -1
        guard fd >= 0, sideFD >= 0 else {
            let cause = String(cString: strerror(errno))
            if fd >= 0 { close(fd); unlinkat(dir, temporary, 0) }
            close(dir)
            throw RunError.store(path: path, reason: "cannot create the label file (\(cause))")
        }
        unlinkat(dir, side, 0)  // gone when closed, whatever happens
        folder = (dir, path, temporary)
        self.runDirectory = runDirectory
        out = ByteStream(fd: fd, path: path)
        entryStream = ByteStream(fd: sideFD, path: path)
        labelPixels = [Int](repeating: 0, count: catalog.labels.count)
        labelImages = labelPixels
        try out.zeros(LabelRunFile.headerSize)
    }

    deinit {
        out.close()
        entryStream.close()
        if let folder {
            if !finished { unlinkat(folder.fd, folder.temporary, 0) }
            close(folder.fd)
        }
    }

    /// Appends the next image's masks (`nil`: a skipped image, 0 x 0, with no labels).
    /// - Throws: `RunError.store` when the file cannot be written.
    public func append(_ masks: LabelMasks?) throws {
        precondition(!finished && sizes.count / 2 < identity.imageCount, "LabelRunWriter: more images than the identity's")
        guard let masks else {
            sizes += [0, 0]
            entryStart.append(UInt64(entries))
            imageLabelStart.append(UInt64(imageLabelIDs.count))
            return
        }
        sizes += [Int32(masks.height), Int32(masks.width)]
        for (k, id) in masks.pixelLabels.enumerated() {
            let s = Int(catalog.slot[Int(id)])
            guard s >= 0 else { continue }
            scratch.removeAll(keepingCapacity: true)
            let n = masks.words.withUnsafeBufferPointer { words in
                RunLength.encode(words.baseAddress! + k * masks.wordCount, wordCount: masks.wordCount, pixels: masks.pixelCount, into: &scratch)
            }
            guard n > 0 else { continue }
            var record = (id, Int32(s), UInt64(runWords))
            try withUnsafeBytes(of: &record) { try entryStream.write($0.baseAddress!, LabelRunFile.entrySize) }
            try scratch.withUnsafeBytes { try out.write($0.baseAddress!, $0.count) }
            runWords += scratch.count
            entries += 1
            labelPixels[s] += n
            labelImages[s] += 1
        }
        entryStart.append(UInt64(entries))
        for id in masks.imageLabels {
            let s = Int(catalog.slot[Int(id)])
            guard s >= 0 else { continue }
            imageLabelIDs.append(id)
            imageLabelSlots.append(Int32(s))
            labelPixels[s] += masks.pixelCount
            labelImages[s] += 1
        }
        imageLabelStart.append(UInt64(imageLabelIDs.count))
    }

    /// Writes the rest of the file and opens it.
    /// - Throws: `RunError.store` when it cannot be written or renamed into place, `.damaged`
    ///   (as a `RunError`) when it does not read back.
    public func finish() throws -> ProbeLabels {
        precondition(!finished && sizes.count / 2 == identity.imageCount, "LabelRunWriter: \(sizes.count / 2) of \(identity.imageCount) images")
        let counts = LabelRunFile.Counts(images: identity.imageCount, labels: catalog.labels.count, entries: entries, runWords: runWords,
                                         imageLabels: imageLabelIDs.count, labelImages: labelImages.reduce(0, +))
        guard let layout = LabelRunFile.Layout(counts) else { throw RunError.store(path: path, reason: "the label file would be too large") }
        precondition(MemoryLayout<(Int32, Int32, UInt64)>.size == LabelRunFile.entrySize)
        try out.pad(to: layout.entries)
        try entryStream.copy(into: out)
        var sentinel = (Int32(-1), Int32(-1), UInt64(runWords))
        try withUnsafeBytes(of: &sentinel) { try out.write($0.baseAddress!, LabelRunFile.entrySize) }
        try out.pad(to: layout.sizes); try out.write(sizes)
        try out.pad(to: layout.entryStart); try out.write(entryStart)
        try out.pad(to: layout.imageLabelStart); try out.write(imageLabelStart)
        try out.pad(to: layout.imageLabelIDs); try out.write(imageLabelIDs)
        try out.pad(to: layout.imageLabelSlots); try out.write(imageLabelSlots)
        try out.pad(to: layout.labelIDs); try out.write(identity.labelIDs)
        try out.pad(to: layout.labelPixels); try out.write(labelPixels.map { UInt64($0) })
        var starts: [UInt64] = [0]
        for n in labelImages { starts.append(starts.last! + UInt64(n)) }
        try out.pad(to: layout.labelImageStart); try out.write(starts)
        try out.pad(to: layout.end)
        // The image lists and the header, written in place.
        let region = try out.finish(size: layout.end)
        let bytes = UnsafeMutableRawPointer(mutating: region.base)
        var cursor = starts.dropLast().map { Int($0) }
        var meter = ResidentMeter(region: region, share: residentBudget)
        let list = (bytes + layout.labelImages).assumingMemoryBound(to: Int32.self)
        for i in 0..<counts.images {
            let e0 = Int(entryStart[i]), e1 = Int(entryStart[i + 1])
            meter.touch(layout.entries + e0 * LabelRunFile.entrySize, (e1 - e0) * LabelRunFile.entrySize, lane: 0)
            for e in e0..<e1 {
                let s = Int(region.load(layout.entries + e * LabelRunFile.entrySize + 4, as: Int32.self))
                meter.touch(layout.labelImages + 4 * cursor[s], 4, lane: 1)
                list[cursor[s]] = Int32(i)
                cursor[s] += 1
            }
            for k in Int(imageLabelStart[i])..<Int(imageLabelStart[i + 1]) {
                let s = Int(imageLabelSlots[k])
                meter.touch(layout.labelImages + 4 * cursor[s], 4, lane: 1)
                list[cursor[s]] = Int32(i)
                cursor[s] += 1
            }
        }
        bytes.copyMemory(from: header(counts, layout), byteCount: LabelRunFile.headerSize)
        do {
            guard let folder else {
                finished = true
                return try ProbeLabels.check(region, identity: identity, catalog: catalog, residentBudget: residentBudget)
            }
            try out.sync(region)
            out.close()
            guard renameat(folder.fd, folder.temporary, folder.fd, LabelRunFile.name) == 0 else {
                throw RunError.store(path: path, reason: "cannot put the label file in place (\(String(cString: strerror(errno))))")
            }
            finished = true  // renamed: nothing for deinit to remove
            return try ProbeLabels.open(runDirectory: runDirectory, identity: identity, catalog: catalog,
                                        residentBudget: residentBudget).get()
        } catch let problem as LabelRunFileProblem {
            throw RunError.damaged(path: path, place: "the label file just written", reason: problem.description)
        }
    }

    /// The header for `counts`.
    private func header(_ counts: LabelRunFile.Counts, _ layout: LabelRunFile.Layout) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: LabelRunFile.headerSize)
        header.withUnsafeMutableBytes { h in
            h.copyBytes(from: LabelRunFile.magic)
            h.storeBytes(of: LabelRunFile.version, toByteOffset: 8, as: UInt32.self)
            h.storeBytes(of: identity.fingerprint, toByteOffset: 16, as: UInt64.self)
            let fields = [counts.images, counts.labels, counts.entries, counts.runWords, counts.imageLabels, counts.labelImages, layout.end]
            for (k, v) in fields.enumerated() { h.storeBytes(of: UInt64(v), toByteOffset: 24 + 8 * k, as: UInt64.self) }
        }
        return header
    }

    private var path: String { folder?.path ?? "(memory)" }

}
