// Reading a dataset to import: listing its folders and reading its files, never outside it.
//
// The source directory is someone else's download. Every file is opened through Runtime's
// `RegularFile(path:inside:)`: its real path, every symbolic link resolved, must lie inside the
// real source directory, and it must be a regular file (a FIFO or a device is refused without
// blocking). A folder is listed without following links that leave the source either: a listed
// entry is kept only when its real path lies inside, and an entry left out for that (a file, or a
// folder such as a Cityscapes city, that is a link leading out, or a link leading nowhere) is
// kept as a problem to report, one line each. Sizes are bounded before anything is read.
import Dissection
import Foundation
import Runtime

/// The dataset directory being imported.
struct ImportSource: Sendable {
    /// The directory as given.
    let directory: String
    /// Its real path: every file read lies inside it.
    let realDirectory: String
    /// The entries the listings left out (links leading out of the source or nowhere).
    private let leftOutEntries = LeftOutEntries()

    /// Largest image or mask read (a Cityscapes PNG is about 2.5 MB).
    static let maxImageBytes = 64 << 20
    /// Largest class list or split list read.
    static let maxTextBytes = 16 << 20

    /// Opens `directory`, which must be a directory.
    init(directory: String) throws(ImportError) {
        guard ProbePaths.isDirectory(directory), let real = RegularFile.realPath(directory) else {
            throw .source(path: directory, reason: "is not a directory; give the dataset's top folder")
        }
        self.directory = directory
        self.realDirectory = real
    }

    /// `relative` joined to the source directory, for messages.
    func path(_ relative: String) -> String { ProbePaths.join(directory, relative) }

    /// Whether the regular file `relative` exists inside the source (links leaving it do not count).
    func hasFile(_ relative: String) -> Bool {
        guard let real = inside(relative) else { return false }
        return ProbePaths.isFile(real)
    }

    /// Whether the folder `relative` exists inside the source.
    func hasFolder(_ relative: String) -> Bool {
        guard let real = inside(relative) else { return false }
        return ProbePaths.isDirectory(real)
    }

    /// The whole file `relative`, at most `maxBytes`.
    ///
    /// - Throws: `ImportError.file` naming the file and the cause (missing, a link leaving the
    ///   source, not a regular file, too large).
    func read(_ relative: String, maxBytes: Int) throws(ImportError) -> [UInt8] {
        do throws(RegularFile.Failure) {
            let file = try RegularFile(path: relative, inside: directory)
            guard file.size <= maxBytes else {
                throw RegularFile.Failure(.tooLarge, "it holds \(file.size) bytes, more than the limit of \(maxBytes)")
            }
            return try file.bytes(at: 0, count: file.size)
        } catch {
            throw .file(path: path(relative), reason: error.reason)
        }
    }

    /// The file `relative` open for reading, when it holds at most `maxBytes`.
    ///
    /// - Throws: `ImportError.file` naming the file and the cause.
    func open(_ relative: String, maxBytes: Int) throws(ImportError) -> RegularFile {
        do throws(RegularFile.Failure) {
            let file = try RegularFile(path: relative, inside: directory)
            guard file.size <= maxBytes else {
                throw RegularFile.Failure(.tooLarge, "it holds \(file.size) bytes, more than the limit of \(maxBytes)")
            }
            return file
        } catch {
            throw .file(path: path(relative), reason: error.reason)
        }
    }

    /// The file `relative` as UTF-8 text (invalid bytes replaced), at most `maxTextBytes`.
    func text(_ relative: String) throws(ImportError) -> String {
        String(decoding: try read(relative, maxBytes: Self.maxTextBytes), as: UTF8.self)
    }

    /// The names in folder `relative` (sorted byte-wise, hidden ones left out) that are regular
    /// files (`folders: false`) or folders (`folders: true`) inside the source. An entry of the kind
    /// asked that is a link leading out of the source, or a link leading nowhere, is left out and
    /// kept for `leftOut()`.
    ///
    /// - Throws: `ImportError.source` when the folder is missing or leaves the source.
    func list(_ relative: String, folders: Bool = false) throws(ImportError) -> [String] {
        guard let real = inside(relative), ProbePaths.isDirectory(real) else {
            throw .source(path: path(relative), reason: "is missing (or a link leading out of the dataset); is this the dataset's top folder?")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: real) } catch {
            throw .source(path: path(relative), reason: "cannot be listed (\(error.localizedDescription))")
        }
        // Sorted first, so that the entries left out are reported in the order of their names.
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.filter { name in
            guard !name.hasPrefix(".") else { return false }
            let entry = relative + "/" + name
            let real: String
            do throws(FileReadError) { real = try resolved(entry) } catch {
                // Reported when it is of the kind listed: a link to a folder, in a listing of folders.
                if folders == ProbePaths.isDirectory(path(entry)) {
                    let reason = ProbePaths.isFile(path(entry)) || error.refused ? error.reason : "a symbolic link that leads nowhere"
                    leftOutEntries.add(ImportProblem(file: path(entry), cause: "\(reason); \(folders ? "folder" : "file") left out"))
                }
                return false
            }
            return folders ? ProbePaths.isDirectory(real) : ProbePaths.isFile(real)
        }
    }

    /// The entries left out by the listings so far, one problem each, in the order met.
    func leftOut() -> [ImportProblem] { leftOutEntries.all }

    /// The real path of `relative` when it exists and lies inside the source, else nil.
    private func inside(_ relative: String) -> String? { try? resolved(relative) }

    /// The real path of `relative`.
    ///
    /// - Throws: `FileReadError` when it is refused (a link leading out, a name with a backslash) or missing.
    private func resolved(_ relative: String) throws(FileReadError) -> String {
        try ProbePaths.resolve(relative, in: directory, realDirectory: realDirectory)
    }
}

/// The entries a source's listings left out; shared by the copies of an `ImportSource`.
private final class LeftOutEntries: @unchecked Sendable {
    private let lock = NSLock()
    private var problems: [ImportProblem] = []

    func add(_ problem: ImportProblem) {
        lock.lock(); defer { lock.unlock() }
        problems.append(problem)
    }

    var all: [ImportProblem] {
        lock.lock(); defer { lock.unlock() }
        return problems
    }
}

/// `name` without its last extension (`ADE_train_00000001.jpg` -> `ADE_train_00000001`).
func stem(_ name: String) -> String {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
}

/// The lines of `text` (LF, CRLF or CR ends), trimmed, blank ones left out.
func lines(_ text: String) -> [String] {
    text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
