// The label masks of pass 1, kept for pass 2 (`<run>/cache/labels.bin` and `labels.offsets`).
//
// Pass 1 must decode every segmentation anyway (an unreadable one leaves its image out of the
// thresholds as well as the tally), and its loader thread turns them into label masks while the
// model runs. Writing those masks here lets pass 2 skip the PNG decoding and the label scan, which
// were two thirds of its work, for about 1/8 of the activation cache's bytes (a mask record holds
// only the words of each label's span). `labels.offsets` holds, per row, where its record starts
// (Int64, row k at 8 k; the end of the last row after it), so a batch reads one range, and a
// resumed pass 1 rewrites from its last checkpoint's row like the activation cache does. An empty
// record is an image left out. Records are checked when read (`LabelMasks(decoding:...)`); a damaged
// one stops pass 2 with the file and what to do. Deleted with the activation cache.
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Per-image label-mask records of a session's rows, from `firstRow` on.
final class LabelMaskCache: @unchecked Sendable {
    static let dataName = "labels.bin", offsetsName = "labels.offsets"

    let dataPath: String, offsetsPath: String
    /// The image index of the first row.
    let firstRow: Int
    private let data: Int32, offsets: Int32

    /// Opens (creating when `writable`) the files in `folder` of the run directory.
    init(runDirectory: String, folder: String, firstRow: Int, writable: Bool) throws {
        let directory = (runDirectory as NSString).appendingPathComponent(folder)
        dataPath = (directory as NSString).appendingPathComponent(Self.dataName)
        offsetsPath = (directory as NSString).appendingPathComponent(Self.offsetsName)
        self.firstRow = firstRow
        if writable { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let flags = writable ? O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC : O_RDONLY | O_NOFOLLOW | O_CLOEXEC
        data = open(dataPath, flags, 0o644)
        offsets = open(offsetsPath, flags, 0o644)
        guard data >= 0, offsets >= 0 else {
            let cause = String(cString: strerror(errno))
            if data >= 0 { close(data) }
            if offsets >= 0 { close(offsets) }
            throw RunError.store(path: directory, reason: "cannot open the label-mask cache (\(cause))")
        }
    }

    deinit { close(data); close(offsets) }

    /// Whether both files exist in `folder`.
    static func exists(runDirectory: String, folder: String) -> Bool {
        let directory = (runDirectory as NSString).appendingPathComponent(folder)
        return [dataName, offsetsName].allSatisfy {
            FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0))
        }
    }

    /// Writes the records of images `start..<start + masks.count` (nil: an image left out).
    func write(rows start: Int, masks: [LabelMasks?]) throws {
        let row = start - firstRow
        var position = row == 0 ? 0 : try readOffsets(row, count: 1)[0]
        var w = ByteWriter()
        var ends: [Int64] = []
        for m in masks {
            m?.encode(into: &w)
            ends.append(Int64(position + w.bytes.count))
        }
        try transfer(data, dataPath, offset: position, bytes: &w.bytes, write: true)
        if row == 0 { ends.insert(0, at: 0) }
        var o = ByteWriter()
        o.scalars(ends)
        position = (row == 0 ? 0 : row + 1) * 8
        try transfer(offsets, offsetsPath, offset: position, bytes: &o.bytes, write: true)
    }

    /// The masks of images `start..<start + sizes.count`, whose segmentations are `sizes`
    /// (height, width); nil for an image left out.
    /// - Throws: `RunError.input` naming the file and what to do when a record is missing or damaged.
    func read(rows start: Int, sizes: [(height: Int, width: Int)], catalog: ConceptCatalog) throws -> [LabelMasks?] {
        let row = start - firstRow
        let bounds = try readOffsets(row, count: sizes.count + 1)
        guard bounds[0] >= 0, zip(bounds, bounds.dropFirst()).allSatisfy({ $0 <= $1 }),
              bounds.last! - bounds[0] <= Self.maxBatchBytes else {
            throw damaged("rows \(start)..<\(start + sizes.count) have impossible offsets")
        }
        var bytes = [UInt8](repeating: 0, count: bounds.last! - bounds[0])
        try transfer(data, dataPath, offset: bounds[0], bytes: &bytes, write: false)
        var result: [LabelMasks?] = []
        // One reader over the batch's bytes; record k must end exactly where record k + 1 starts.
        var r = ByteReader(bytes)
        for (k, size) in sizes.enumerated() {
            let lo = bounds[k] - bounds[0], hi = bounds[k + 1] - bounds[0]
            if lo == hi { result.append(nil); continue }
            r.offset = lo
            guard let masks = LabelMasks(decoding: &r, height: size.height, width: size.width, catalog: catalog),
                  r.offset == hi else {
                throw damaged("the record of image \(start + k) is damaged")
            }
            result.append(masks)
        }
        return result
    }

    /// Flushes both files to the disk.
    func sync() throws {
        guard fdatasync(data) == 0, fdatasync(offsets) == 0 else {
            throw RunError.store(path: dataPath, reason: "cannot flush (\(String(cString: strerror(errno))))")
        }
    }

    /// A batch's records larger than this are a damaged offsets file, not a real batch.
    static let maxBatchBytes = 1 << 32

    private func readOffsets(_ row: Int, count: Int) throws -> [Int] {
        var bytes = [UInt8](repeating: 0, count: count * 8)
        try transfer(offsets, offsetsPath, offset: row * 8, bytes: &bytes, write: false)
        var r = ByteReader(bytes)
        return (0..<count).map { _ in Int(r.scalar(Int64.self)!) }
    }

    private func transfer(_ fd: Int32, _ path: String, offset: Int, bytes: inout [UInt8], write: Bool) throws {
        guard let cause = positionalTransfer(fd: fd, offset: offset, bytes: &bytes, write: write) else { return }
        if write { throw RunError.store(path: path, reason: "cannot write the label-mask cache (\(cause))") }
        throw damaged("cannot read it (\(cause))", path: path)
    }

    /// The error for a missing or damaged record: the file, the reason, and what to do.
    func damaged(_ reason: String, path: String? = nil) -> RunError {
        .input(path: path ?? dataPath, reason: reason,
               hint: "delete \(Self.dataName) and \(Self.offsetsName) in that folder and run the same command again (pass 2 then decodes the segmentations again)")
    }
}
