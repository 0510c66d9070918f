// The files of a run directory, and writing them without ever leaving it.
//
//     RUN/run.sqlite (-wal, -shm)   the database        RUN/cache/           the activation cache
//     RUN/run.lock                  the writer's lock   RUN/<layer>/tally.csv  one folder per layer
//     RUN/explain/labels.runs       explain's label masks (LabelRunFile)
//
// A run directory may come from elsewhere (copied, unpacked, shared), and a symbolic link in it
// must not carry a write outside it. The writer refuses a run directory whose own entries are links
// (`checkEntries`), and writes a layer's files through a descriptor of the layer's folder opened
// with O_NOFOLLOW, the file itself created with O_NOFOLLOW and renamed into place, so a link put
// there between the check and the write is not followed either.
//
// Layer names become folder names by an injective escaping (`layerFolder`): two layers never share
// a folder, and the common names (`layer4`, `features.13`, `conv_1`) are kept as they are.
import Foundation
import Render
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Names and safe writes inside a run directory.
public enum RunDirectory {
    /// The rotation experiment's manifest beside the database (written by Workflows'
    /// `RotationManifest`): one of the run's own files.
    public static let rotationManifest = "rotation.json"
    /// Entries of a run directory that are the run's own files (a layer folder never takes one).
    static let ownFiles = ["run.lock", ActivationCache.directoryName, rotationManifest, ShardFiles.directoryName, slurmDirectory,
                           LabelRunFile.folder]

    /// The folder `netdissect slurm` writes its job scripts, logs and job records into.
    public static let slurmDirectory = "slurm"
    /// A prefix of the database's own files (`run.sqlite`, `-wal`, `-shm`, `-journal`).
    static let databasePrefix = RunReader.databaseName

    /// The folder of `layer`'s files inside the run directory. Bytes other than ASCII letters,
    /// digits, `.`, `-` and `_` become `%XX` (so `/` is `%2F` and `%` is `%25`); a leading `.`,
    /// and the first letter of a name the run uses for its own files (`run.sqlite…`, `run.lock`,
    /// `cache`, `rotation.json`), are escaped the same way. A name whose escaped form is longer
    /// than 200 bytes keeps its first 200 and ends in `%%` and 16 hex digits of a hash of the
    /// whole name. Distinct names give distinct folders (up to that hash, for such long names).
    public static func layerFolder(_ layer: String) -> String {
        let bytes = Array(layer.utf8)
        guard !bytes.isEmpty else { return "%" }
        let reserved = layer.hasPrefix(databasePrefix) || ownFiles.contains(layer)
        var out = ""
        for (k, b) in bytes.enumerated() {
            let plain = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
            let escapeFirst = k == 0 && (reserved || b == UInt8(ascii: "."))
            if plain && !escapeFirst {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 15, radix: 16, uppercase: true)
            }
        }
        guard out.utf8.count > 200 else { return out }
        var cut = String(out.prefix(200))
        // Never end inside an escape: drop a trailing `%` or `%X`.
        if let percent = cut.suffix(2).firstIndex(of: "%") { cut = String(cut[..<percent]) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return cut + "%%" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Refuses a run directory in which one of the run's own files, or the folder of one of
    /// `layers`, is a symbolic link (or not the kind of file it should be): writing through it
    /// would write outside the directory. Checked before any work, so nothing is lost to it.
    /// - Throws: `RunError.input` naming the entry.
    static func checkEntries(_ directory: String, layers: [String]) throws {
        let files = ["run.lock"] + ["", "-wal", "-shm", "-journal"].map { databasePrefix + $0 }
        let folders = [ActivationCache.directoryName, ShardFiles.directoryName, slurmDirectory, LabelRunFile.folder]
            + layers.map(layerFolder)
        for (name, wanted) in files.map({ ($0, S_IFREG) }) + folders.map({ ($0, S_IFDIR) }) {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let kind = fileKind(path) else { continue }
            if kind != wanted { throw refusal(path, kind: kind, wanted: wanted) }
        }
    }

    /// Refuses to start a run in a directory that holds no run but other things (a probe dataset,
    /// a home directory, another tool's output): a run mixed into them could not be told apart,
    /// and `--force` would later remove what it took for its own. Hidden entries (`.nfs…`,
    /// `.DS_Store`) and the run's own names do not count.
    /// - Throws: `RunError.input` naming a few of the entries.
    static func checkHoldsOnlyARun(_ directory: String, layers: [String]) throws {
        let database = (directory as NSString).appendingPathComponent(databasePrefix)
        guard fileKind(database) == nil else { return }
        let own = Set(ownFiles + layers.map(layerFolder))
        let foreign = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !$0.hasPrefix(".") && !own.contains($0) && !$0.hasPrefix(databasePrefix) }
            .sorted()
        guard !foreign.isEmpty else { return }
        let named = foreign.prefix(3).map { TerminalText.truncate(TerminalText.sanitize($0), toWidth: 40) }.joined(separator: ", ")
        let more = foreign.count > 3 ? " and \(foreign.count - 3) more" : ""
        throw RunError.input(path: TerminalText.sanitize(directory), reason: "is not empty and holds no run (\(named)\(more))",
                             hint: "give --out a new or empty directory")
    }

    /// Writes `bytes` to `RUN/<layerFolder(layer)>/<file>`, creating the folder; never through a
    /// symbolic link, and atomically (a temporary file renamed over the old one).
    /// - Throws: `RunError.input` when the folder is a link or not a folder, `.store` when the
    ///   write fails.
    static func writeLayerFile(_ bytes: [UInt8], directory: String, layer: String, file: String) throws {
        try writeFile(bytes, directory: directory, folder: layerFolder(layer), file: file)
    }

    /// Writes `bytes` to `RUN/<folder>/<file>` (a folder name of the run's own), creating the
    /// folder; never through a symbolic link, and atomically.
    static func writeFile(_ bytes: [UInt8], directory: String, folder name: String, file: String) throws {
        let folder = (directory as NSString).appendingPathComponent(name)
        let target = (folder as NSString).appendingPathComponent(file)
        let dir = try openFolder(directory: directory, folder: name)
        defer { close(dir) }
        let temporary = ".\(file).\(getpid()).tmp"
        let fd = openat(dir, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunError.store(path: target, reason: "cannot create \(file) (\(String(cString: strerror(errno))))")
        }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        let cause = String(cString: strerror(errno))
        close(fd)
        guard ok, renameat(dir, temporary, dir, file) == 0 else {
            unlinkat(dir, temporary, 0)
            throw RunError.store(path: target, reason: "cannot write \(file) (\(cause))")
        }
    }

    /// Opens `RUN/<folder>` (a folder name of the run's own), creating it when missing; never
    /// through a symbolic link. The caller closes the descriptor.
    /// - Throws: `RunError.input` when it is a link or not a folder, `.store` when it cannot be
    ///   made or opened.
    static func openFolder(directory: String, folder name: String) throws -> Int32 {
        let folder = (directory as NSString).appendingPathComponent(name)
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw RunError.store(path: folder, reason: "cannot create the folder (\(String(cString: strerror(errno))))")
        }
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dir >= 0 else {
            let cause = String(cString: strerror(errno))
            if let kind = fileKind(folder), kind != S_IFDIR { throw refusal(folder, kind: kind, wanted: S_IFDIR) }
            throw RunError.store(path: folder, reason: "cannot open the folder (\(cause))")
        }
        return dir
    }

    /// The file type (`S_IFREG`, `S_IFDIR`, `S_IFLNK`, ...) of `path` itself, not following a
    /// link; nil when there is nothing there.
    static func fileKind(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    private static func refusal(_ path: String, kind: mode_t, wanted: mode_t) -> RunError {
        let what = kind == S_IFLNK ? "is a symbolic link" : wanted == S_IFDIR ? "is not a folder" : "is not a regular file"
        return .input(path: path, reason: "\(what); netdissect writes only inside the run directory and does not follow it",
                      hint: "remove it, or choose another --out")
    }
}
