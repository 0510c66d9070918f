// Verifying a zip archive before anything is unpacked, and unpacking it safely.
//
// Verification reads every entry through its decompressor and compares the CRC-32 with the one
// recorded in the archive, and refuses entries that are links or whose paths would leave the
// destination (absolute paths, `..` components). Unpacking goes into a temporary folder beside
// the destination and is renamed into place only when every entry has been written, so an
// interrupted unpack never leaves a half dataset under the final name.
import Dissection
import Foundation
import ZIPFoundation

/// A summary of a verified archive.
public struct ArchiveSummary: Sendable {
    /// Number of files (not folders).
    public var files: Int
    /// Their total uncompressed size.
    public var bytes: Int64
    /// The top-level folders, sorted.
    public var topLevel: [String]
}

/// Checks and unpacks zip archives.
public enum ArchiveCheck {
    /// Reads every entry and checks its CRC-32 and path; throws at the first problem.
    /// - Parameter progress: called with (bytes checked, total bytes).
    public static func verify(_ path: String, progress: (Int64, Int64) -> Void = { _, _ in }) throws -> ArchiveSummary {
        let archive = try open(path)
        var entries: [Entry] = []
        for entry in archive { entries.append(entry) }
        guard !entries.isEmpty else { throw DownloadError.corruptArchive(path: path, reason: "it holds no entries") }
        let total = entries.reduce(Int64(0)) { $0 + Int64(clamping: $1.uncompressedSize) }
        var done: Int64 = 0
        var files = 0
        var top = Set<String>()
        for entry in entries {
            let components = try safeComponents(of: entry, archivePath: path)
            if let first = components.first { top.insert(first) }
            guard entry.type == .file else { continue }
            files += 1
            var crc: CRC32 = 0
            do {
                crc = try archive.extract(entry, skipCRC32: false, consumer: { _ in })
            } catch {
                throw DownloadError.corruptArchive(path: path, reason: "'\(entry.path)': \(error)")
            }
            guard crc == entry.checksum else {
                throw DownloadError.corruptArchive(path: path, reason: "'\(entry.path)' fails its CRC-32 check")
            }
            done += Int64(clamping: entry.uncompressedSize)
            progress(done, total)
        }
        return ArchiveSummary(files: files, bytes: total, topLevel: top.sorted())
    }

    /// Unpacks a verified archive into `directory`, through a temporary folder renamed into place.
    /// Returns the paths of the top-level items created in `directory`.
    @discardableResult
    public static func unpack(_ path: String, into directory: String,
                              progress: (Int64, Int64) -> Void = { _, _ in }) throws -> [String] {
        let archive = try open(path)
        let fm = FileManager.default
        let staging = directory + "/.unpacking-" + String(ProcessInfo.processInfo.processIdentifier)
        try? fm.removeItem(atPath: staging)
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw DownloadError.file(path: staging, reason: "cannot create: \(error.localizedDescription)")
        }
        defer { try? fm.removeItem(atPath: staging) }
        var entries: [Entry] = []
        for entry in archive { entries.append(entry) }
        let total = entries.reduce(Int64(0)) { $0 + Int64(clamping: $1.uncompressedSize) }
        var done: Int64 = 0
        var top = Set<String>()
        for entry in entries {
            let components = try safeComponents(of: entry, archivePath: path)
            guard let first = components.first else { continue }
            top.insert(first)
            let target = URL(fileURLWithPath: staging).appendingPathComponent(components.joined(separator: "/"))
            do {
                let crc = try archive.extract(entry, to: target, skipCRC32: false)
                if entry.type == .file && crc != entry.checksum {
                    throw DownloadError.corruptArchive(path: path, reason: "'\(entry.path)' fails its CRC-32 check")
                }
            } catch let error as DownloadError {
                throw error
            } catch {
                throw DownloadError.file(path: target.path, reason: "cannot unpack: \(error.localizedDescription)")
            }
            done += Int64(clamping: entry.uncompressedSize)
            progress(done, total)
        }
        var moved: [String] = []
        for name in top.sorted() {
            let final = directory + "/" + name
            if fm.fileExists(atPath: final) {
                throw DownloadError.file(path: final, reason: "already exists; remove it or unpack elsewhere")
            }
            do {
                try fm.moveItem(atPath: staging + "/" + name, toPath: final)
            } catch {
                throw DownloadError.file(path: final, reason: "cannot move into place: \(error.localizedDescription)")
            }
            moved.append(final)
        }
        return moved
    }

    // MARK: Helpers

    static func open(_ path: String) throws -> Archive {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw DownloadError.file(path: path, reason: "no such file or not readable")
        }
        do {
            return try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw DownloadError.corruptArchive(path: path, reason: "not a readable zip file: \(error)")
        }
    }

    /// The entry's path split into components, refusing links, absolute paths and `..`.
    static func safeComponents(of entry: Entry, archivePath: String) throws -> [String] {
        let raw = entry.path
        guard entry.type != .symlink, !raw.hasPrefix("/"), !raw.hasPrefix("\\"), !raw.contains("\0") else {
            throw DownloadError.unsafeEntry(path: archivePath, entry: sanitizedForMessage(raw))
        }
        let components = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
            .filter { $0 != "." && !$0.isEmpty }
        guard !components.contains("..") else {
            throw DownloadError.unsafeEntry(path: archivePath, entry: sanitizedForMessage(raw))
        }
        return components
    }

    /// Entry names come from a downloaded file: keep control characters out of messages.
    static func sanitizedForMessage(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    }
}
