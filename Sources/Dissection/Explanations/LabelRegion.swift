// The bytes of a label-run file (LabelRunFile), held either in memory or mapped from the file.
//
// A mapped region costs no anonymous memory: its pages are the file's pages in the page cache,
// read in on first touch. Touched pages still count in the process's resident set until they are
// unmapped, so the region can drop them (`release`, madvise MADV_DONTNEED on a read-only shared
// mapping: the next read faults them in again from the page cache, nothing is lost) whenever the
// readers may have made more than their share of the budget resident (`ResidentMeter`).
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Bytes, owned: a heap allocation or a file mapping; read-only once a writer has finished.
final class LabelRegion: @unchecked Sendable {
    /// The first byte (16-byte aligned in memory, page aligned when mapped).
    let base: UnsafeRawPointer
    let count: Int
    /// Whether the bytes are a file mapping (else a heap allocation).
    let isMapped: Bool
    /// Times the pages were dropped (for tests and reports).
    let releases = Atomic<Int>(0)

    /// Takes ownership of `bytes`, allocated with `UnsafeMutableRawPointer.allocate`.
    init(owning bytes: UnsafeMutableRawPointer, count: Int) {
        base = UnsafeRawPointer(bytes)
        self.count = count
        isMapped = false
    }

    /// Maps the whole file open at `fd` (shared; read-only unless `writable`, for the writer's
    /// last touches), of `count` bytes (at least 1).
    /// - Returns: nil when the mapping fails (errno set).
    init?(mapping fd: Int32, count: Int, writable: Bool = false) {
        guard let p = mmap(nil, count, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0), p != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(p)
        self.count = count
        isMapped = true
    }

    deinit {
        if isMapped { munmap(UnsafeMutableRawPointer(mutating: base), count) } else { UnsafeMutableRawPointer(mutating: base).deallocate() }
    }

    /// Drops the mapped pages from the resident set (they stay in the page cache); nothing for
    /// memory.
    func release() {
        guard isMapped else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), count, Int32(MADV_DONTNEED))
        releases.add(1, ordering: .relaxed)
    }

    /// Writes a mapping's changed pages to the file; true in memory.
    func sync() -> Bool {
        !isMapped || msync(UnsafeMutableRawPointer(mutating: base), count, MS_SYNC) == 0
    }

    /// `T` at byte `offset` (which the caller has checked lies inside, aligned for `T`).
    @inline(__always) func load<T>(_ offset: Int, as type: T.Type) -> T {
        base.load(fromByteOffset: offset, as: T.self)
    }
}

/// Counts what one reader may have made resident in a region and releases the region when it
/// exceeds the reader's share of the budget. A touch can make more resident than it reads: on a
/// page fault the kernel maps the cached pages around it too (fault-around, 64 KB by default), so
/// a touch counts every aligned 64 KB window it meets, less the window the same lane (a section
/// read in order) met last. The count is an upper bound: it releases early, never late.
struct ResidentMeter {
    /// The fault-around window (Linux's default `fault_around_bytes`).
    static let window = 64 << 10
    let region: LabelRegion
    /// Bytes this reader may make resident between releases (`Int.max`: never release).
    let share: Int
    private var touched = 0
    /// Per lane, the window touched last (-1: none).
    private var last = SIMD8<Int>(repeating: -1)

    init(region: LabelRegion, share: Int) {
        self.region = region
        self.share = region.isMapped ? max(1, share) : .max
    }

    /// Notes bytes `offset..<offset + count` of the region read in lane `lane` (0..<8); releases
    /// the region past the share.
    @inline(__always) mutating func touch(_ offset: Int, _ count: Int, lane: Int) {
        guard share != .max, count > 0 else { return }
        let start = Int(bitPattern: region.base) + offset
        let w0 = start / Self.window, w1 = (start + count - 1) / Self.window
        touched += (w1 - w0 + (w0 == last[lane] ? 0 : 1)) * Self.window
        last[lane] = w1
        if touched > share {
            region.release()
            touched = 0
            last = SIMD8(repeating: -1)
        }
    }
}
