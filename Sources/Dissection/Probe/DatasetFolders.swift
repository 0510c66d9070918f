// The folders of a probe dataset held open, so that reading a file inside takes one openat.
//
// `ProbePaths.read` resolves each file's whole path with realpath (a readlink per component,
// the components of the dataset's own path included) and checks that it lies inside the
// dataset: for a dissection that reads three or four files per image, ~2 % of its extra CPU
// over the forward pass. The same few folders are named over and over, so each is opened once
// here, component by component from the dataset's real directory, never following a link; a
// file is then opened in its folder, not following a link either. Nothing on that way is a
// symbolic link, so the file lies inside the dataset, as realpath would have found.
//
// Anything else goes realpath's way (`ProbePaths.read`), which decides and words it: a folder or
// file that is a link (it may lead inside, and is followed, or out, and is refused), a missing
// file, a permission denied. A held folder keeps naming the folder it opened: one replaced by a
// link while the dataset is read is not followed.
import Runtime
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Open descriptors of a dataset's folders, by path relative to the dataset; shared by the
/// threads that read the dataset, closed with it.
final class DatasetFolders: Sendable {
    /// The dataset's real directory (no link in it).
    let root: String
    /// Relative folder ("" for the dataset itself, "images", "images/ade20k") -> open descriptor.
    private let held = Mutex<[String: Int32]>([:])
    /// Folders held at most (a dataset names a few dozen); past that a file goes realpath's way.
    static let limit = 1024

    init(realDirectory: String) {
        root = realDirectory
    }

    deinit {
        held.withLock { folders in for fd in folders.values { close(fd) } }
    }

    /// The regular file `relative` (already lexically checked: no `..`, not absolute), opened
    /// through held folders; nil when the way to it is not plain (a link, a missing file or
    /// folder, no permission, too many folders): the caller then reads it with realpath's checks.
    /// - Throws: `RegularFile.Failure` when it opens but is not a regular file.
    func file(_ relative: String) throws(RegularFile.Failure) -> RegularFile? {
        // Split on bytes: a "/" followed by a combining mark is one Character with it.
        let (folder, name) = Self.split(relative)
        guard !name.isEmpty, name != ".", let fd = descriptor(of: folder) else { return nil }
        return try RegularFile.openEntry(name, inDirectory: fd, path: ProbePaths.join(root, relative))
    }

    /// The held descriptor of `folder`, opening it (and the folders above it) when new.
    private func descriptor(of folder: String) -> Int32? {
        if let fd = held.withLock({ $0[folder] }) { return fd }
        if folder.isEmpty {
            let fd = open(root, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            return keep(fd, as: folder)
        }
        // The folder above it first, then this one inside it, not following a link. An empty
        // component ("a//b") or "." names the folder above again: realpath's way.
        let (above, component) = Self.split(folder)
        guard !component.isEmpty, component != ".", let parent = descriptor(of: above) else { return nil }
        let fd = openat(parent, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        return keep(fd, as: folder)
    }

    /// `path` cut at its last "/" (bytes, not characters): the folder ("" when none) and the name.
    static func split(_ path: String) -> (folder: String, name: String) {
        let bytes = path.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        return (String(decoding: bytes[..<slash], as: UTF8.self), String(decoding: bytes[bytes.index(after: slash)...], as: UTF8.self))
    }

    /// Holds `fd` as `folder`'s descriptor, or closes it when another thread got there first
    /// (returning that one) or when the limit is reached (nil).
    private func keep(_ fd: Int32, as folder: String) -> Int32? {
        let (kept, extra) = held.withLock { folders -> (Int32?, Int32?) in
            if let other = folders[folder] { return (other, fd) }
            guard folders.count < Self.limit else { return (nil, fd) }
            folders[folder] = fd
            return (fd, nil)
        }
        if let extra { close(extra) }
        return kept
    }
}
