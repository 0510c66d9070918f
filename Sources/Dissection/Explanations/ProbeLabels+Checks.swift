// Checking a label-run file's bytes before anything reads through them.
//
// Every count in the header is held against the file's size before any section's place is
// computed; then one pass in image order proves what the accessors of ProbeLabels rely on: the
// per-image starts climb from 0 to the totals, each entry names a scored label in its slot,
// ascending within its image, with an even, non-empty run range that continues where the last
// one ended; every run lies inside its image, after the previous one, not touching it (runs are
// maximal); `|L|` equals the runs' lengths plus the whole images of image-level labels; and each
// label's image list is exactly the images that carry it, in order. What the file was built for
// (version, probe fingerprint, image count, labels) is compared first: a mismatch is `stale`,
// anything else `damaged`.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension ProbeLabels {
    /// Checks `region` as a label-run file for `identity` and views it.
    /// - Parameter residentBudget: bytes of a mapped region the check may keep resident.
    /// - Throws: `.stale` or `.damaged` with the first problem found.
    static func check(_ region: LabelRegion, identity: LabelRunFile.Identity, catalog: ConceptCatalog,
                      residentBudget: Int) throws(LabelRunFileProblem) -> ProbeLabels {
        let size = region.count
        guard size >= LabelRunFile.headerSize else { throw .damaged("\(size) bytes, shorter than the header") }
        guard LabelRunFile.magic.indices.allSatisfy({ region.load($0, as: UInt8.self) == LabelRunFile.magic[$0] }) else {
            throw .damaged("not a label-run file")
        }
        let version = region.load(8, as: UInt32.self)
        guard version == LabelRunFile.version else { throw .stale("version \(version), this netdissect reads \(LabelRunFile.version)") }
        /// Header field `k` (after the fingerprint), which cannot exceed the file's size.
        func field(_ k: Int, _ what: String) throws(LabelRunFileProblem) -> Int {
            let v = region.load(24 + 8 * k, as: UInt64.self)
            guard v <= UInt64(size) else { throw .damaged("the header's \(what) (\(v)) is past the file's \(size) bytes") }
            return Int(v)
        }
        let declared = region.load(24 + 8 * 6, as: UInt64.self)  // the file's size
        guard declared == UInt64(size) else {
            throw .damaged(size < declared ? "truncated: \(size) of \(declared) bytes" : "\(size) bytes, the header says \(declared)")
        }
        guard region.load(16, as: UInt64.self) == identity.fingerprint else { throw .stale("the probe's index or categories changed") }
        let c = LabelRunFile.Counts(images: try field(0, "image count"), labels: try field(1, "label count"),
                                    entries: try field(2, "entry count"), runWords: try field(3, "run words"),
                                    imageLabels: try field(4, "image-label count"), labelImages: try field(5, "label-image count"))
        guard c.images == identity.imageCount else { throw .stale("\(c.images) images, the probe has \(identity.imageCount)") }
        guard c.labels == identity.labelIDs.count else { throw .stale("\(c.labels) labels, the run scores \(identity.labelIDs.count)") }
        guard let layout = LabelRunFile.Layout(c), layout.end == size else { throw .damaged("its sections do not fill its \(size) bytes") }
        for s in 0..<c.labels where region.load(layout.labelIDs + 4 * s, as: Int32.self) != identity.labelIDs[s] {
            throw .stale("label \(s + 1) is not the run's")
        }
        precondition(catalog.labels.map { Int32($0.id) } == identity.labelIDs, "ProbeLabels: the identity's labels are not the catalog's")

        var meter = ResidentMeter(region: region, share: residentBudget)
        /// Table `base` of u64 starts, `count + 1` of them, climbs from 0 to `total`.
        func checkStarts(_ base: Int, _ count: Int, _ total: Int, _ what: String) throws(LabelRunFileProblem) {
            var last: UInt64 = 0
            for k in 0...count {
                meter.touch(base + 8 * k, 8, lane: 3)
                let v = region.load(base + 8 * k, as: UInt64.self)
                guard v >= last, (k > 0 || v == 0), (k < count || v == UInt64(total)) else {
                    throw .damaged("\(what) \(k) is \(v), out of order or past \(total)")
                }
                last = v
            }
        }
        try checkStarts(layout.entryStart, c.images, c.entries, "the entry start of image")
        try checkStarts(layout.imageLabelStart, c.images, c.imageLabels, "the image-label start of image")
        try checkStarts(layout.labelImageStart, c.labels, c.labelImages, "the image-list start of label")
        let sentinel = layout.entries + c.entries * LabelRunFile.entrySize
        guard region.load(sentinel, as: Int32.self) == -1, region.load(sentinel + 4, as: Int32.self) == -1,
              region.load(sentinel + 8, as: UInt64.self) == UInt64(c.runWords) else { throw .damaged("the entries do not end in the end of the runs") }

        var pixels = [Int](repeating: 0, count: c.labels), listed = [Int](repeating: 0, count: c.labels)
        /// Image `i` is next in the image list of slot `s`.
        func listedNext(_ s: Int, _ i: Int, _ place: String) throws(LabelRunFileProblem) {
            let first = Int(region.load(layout.labelImageStart + 8 * s, as: UInt64.self))
            let end = Int(region.load(layout.labelImageStart + 8 * (s + 1), as: UInt64.self))
            meter.touch(layout.labelImageStart + 8 * s, 16, lane: 7)
            guard first + listed[s] < end else { throw .damaged("\(place): the label's image list ends before this image") }
            meter.touch(layout.labelImages + 4 * (first + listed[s]), 4, lane: 7)
            guard region.load(layout.labelImages + 4 * (first + listed[s]), as: Int32.self) == Int32(i) else {
                throw .damaged("\(place): the label's image list does not have this image next")
            }
            listed[s] += 1
        }
        var run = 0  // the next run word
        for i in 0..<c.images {
            let h = Int(region.load(layout.sizes + 8 * i, as: Int32.self)), w = Int(region.load(layout.sizes + 8 * i + 4, as: Int32.self))
            guard h >= 0, w >= 0, h * w <= identity.maxPixels else {
                throw .damaged("image \(i + 1) is \(h)x\(w), larger than any segmentation of the probe")
            }
            let area = UInt64(h * w)
            let e0 = Int(region.load(layout.entryStart + 8 * i, as: UInt64.self))
            let e1 = Int(region.load(layout.entryStart + 8 * (i + 1), as: UInt64.self))
            var previous = Int32.min
            for e in e0..<e1 {
                let place = "image \(i + 1), entry \(e - e0 + 1)"
                let at = layout.entries + e * LabelRunFile.entrySize
                let id = region.load(at, as: Int32.self), s = Int(region.load(at + 4, as: Int32.self))
                guard s >= 0, s < c.labels, identity.labelIDs[s] == id, id > previous else {
                    throw .damaged("\(place): label \(id) in slot \(s) is not a scored label in order")
                }
                previous = id
                let lo = region.load(at + 8, as: UInt64.self), hi = region.load(at + 8 + LabelRunFile.entrySize, as: UInt64.self)
                guard lo == UInt64(run), hi > lo, hi <= UInt64(c.runWords), (hi - lo) % 2 == 0 else {
                    throw .damaged("\(place): runs \(lo)..<\(hi) do not follow run \(run) in pairs")
                }
                var end: UInt64 = 0
                for k in stride(from: Int(lo), to: Int(hi), by: 2) {
                    let start = UInt64(region.load(layout.runs + 4 * k, as: UInt32.self))
                    let length = UInt64(region.load(layout.runs + 4 * k + 4, as: UInt32.self))
                    guard length > 0, start + length <= area, k == Int(lo) || start > end else {
                        throw .damaged("\(place): a run (\(start), \(length)) is outside the image's \(area) pixels or out of order")
                    }
                    end = start + length
                    pixels[s] += Int(length)
                }
                run = Int(hi)
                try listedNext(s, i, place)
            }
            let l0 = Int(region.load(layout.imageLabelStart + 8 * i, as: UInt64.self))
            let l1 = Int(region.load(layout.imageLabelStart + 8 * (i + 1), as: UInt64.self))
            previous = Int32.min
            for k in l0..<l1 {
                let id = region.load(layout.imageLabelIDs + 4 * k, as: Int32.self), s = Int(region.load(layout.imageLabelSlots + 4 * k, as: Int32.self))
                let place = "image \(i + 1), image label \(k - l0 + 1)"
                guard s >= 0, s < c.labels, identity.labelIDs[s] == id, id > previous else {
                    throw .damaged("\(place): label \(id) in slot \(s) is not a scored label in order")
                }
                guard !(e0..<e1).contains(where: { region.load(layout.entries + $0 * LabelRunFile.entrySize, as: Int32.self) == id }) else {
                    throw .damaged("\(place): label \(id) is also a pixel label of the image")
                }
                previous = id
                pixels[s] += h * w
                try listedNext(s, i, place)
            }
            let r0 = Int(region.load(layout.entries + e0 * LabelRunFile.entrySize + 8, as: UInt64.self))
            layout.touch(image: i, entries: e0..<e1, runs: r0..<run, imageLabels: l0..<l1, &meter)
        }
        guard run == c.runWords else { throw .damaged("\(c.runWords - run) run words belong to no entry") }
        for s in 0..<c.labels {
            let first = region.load(layout.labelImageStart + 8 * s, as: UInt64.self)
            guard first + UInt64(listed[s]) == region.load(layout.labelImageStart + 8 * (s + 1), as: UInt64.self) else {
                throw .damaged("label \(identity.labelIDs[s]) lists images that do not carry it")
            }
            guard region.load(layout.labelPixels + 8 * s, as: UInt64.self) == UInt64(pixels[s]) else {
                throw .damaged("label \(identity.labelIDs[s]): its pixel count is not its runs' total")
            }
        }
        region.release()
        var labels = ProbeLabels(region: region, counts: c, layout: layout, catalog: catalog, labelPixels: pixels)
        labels.residentBudget = residentBudget
        return labels
    }
}

extension ProbeLabels {
    /// Opens `RUN/explain/labels.runs` in `runDirectory`, mapped, and checks it for `identity`.
    /// A symbolic link or anything but a regular file there is `damaged` (the writer replaces it).
    /// - Parameter residentBudget: bytes of the file the labels' readers may keep resident.
    public static func open(runDirectory: String, identity: LabelRunFile.Identity, catalog: ConceptCatalog,
                            residentBudget: Int) -> Result<ProbeLabels, LabelRunFileProblem> {
        let folder = (runDirectory as NSString).appendingPathComponent(LabelRunFile.folder)
        let dir = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dir >= 0 else {
            return .failure(errno == ENOENT ? .missing : .damaged("\(LabelRunFile.folder): \(String(cString: strerror(errno)))"))
        }
        defer { close(dir) }
        // O_NONBLOCK: a FIFO put there must not hang the open; it is refused below.
        let fd = openat(dir, LabelRunFile.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: return .failure(.missing)
            case ELOOP: return .failure(.damaged("a symbolic link"))
            default: return .failure(.damaged(String(cString: strerror(errno))))
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return .failure(.damaged("not a regular file")) }
        let size = Int(info.st_size)
        guard size >= LabelRunFile.headerSize else { return .failure(.damaged("\(size) bytes, shorter than the header")) }
        guard let region = LabelRegion(mapping: fd, count: size) else {
            return .failure(.damaged("cannot be mapped (\(String(cString: strerror(errno))))"))
        }
        do throws(LabelRunFileProblem) {
            return .success(try check(region, identity: identity, catalog: catalog, residentBudget: residentBudget))
        } catch {
            return .failure(error)
        }
    }
}
