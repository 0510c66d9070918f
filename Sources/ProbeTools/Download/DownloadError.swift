// What can go wrong while fetching and unpacking an archive, with the context to say what to do.
import Dissection
import Foundation

/// Why a download, verification or unpacking step failed.
public enum DownloadError: Error, CustomStringConvertible, Sendable {
    /// The host did not answer at all (no connection, DNS failure, time-out before any byte).
    case hostUnreachable(url: String, reason: String)
    /// libcurl, which downloads, cannot be loaded on this machine.
    case noHTTPClient(url: String, reason: String)
    /// The server answered with an HTTP status we cannot use.
    case httpStatus(url: String, status: Int)
    /// The transfer broke off and every retry failed; what arrived is kept for the next run.
    case interrupted(url: String, received: Int64, total: Int64?, reason: String)
    /// A local file could not be read or written.
    case file(path: String, reason: String)
    /// The archive is not a readable zip file, or an entry's contents do not match its checksum.
    case corruptArchive(path: String, reason: String)
    /// An entry would be written outside the destination, or is a link.
    case unsafeEntry(path: String, entry: String)
    /// The archive does not hold the expected dataset folder.
    case unexpectedLayout(path: String, reason: String)

    public var description: String {
        switch self {
        case let .hostUnreachable(url, reason):
            return "\(url): the host did not answer (\(reason))"
        case let .noHTTPClient(url, reason):
            return "\(url): cannot download: \(reason)"
        case let .httpStatus(url, status):
            return "\(url): the server answered HTTP \(status)"
        case let .interrupted(url, received, total, reason):
            let of = total.map { " of \(formatBytes($0))" } ?? ""
            return "\(url): the transfer broke off after \(formatBytes(received))\(of) (\(reason)); "
                + "run the same command again to resume"
        case let .file(path, reason):
            return "\(path): \(reason)"
        case let .corruptArchive(path, reason):
            return "\(path): the archive is corrupt (\(reason)); delete it and download it again"
        case let .unsafeEntry(path, entry):
            return "\(path): refusing entry '\(entry)': it would be written outside the destination or is a link"
        case let .unexpectedLayout(path, reason):
            return "\(path): not a Broden archive (\(reason))"
        }
    }
}

/// `1.2 GB`, `340 MB`, `12 KB`, `512 B` (decimal units, as download sizes are usually given).
public func formatBytes(_ bytes: Int64) -> String {
    let units: [(Int64, String)] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")]
    for (scale, name) in units where bytes >= scale {
        return String(format: "%.1f", Double(bytes) / Double(scale)) + " " + name
    }
    return "\(bytes) B"
}
