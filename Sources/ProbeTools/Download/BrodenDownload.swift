// `netdissect broden download`: fetch, verify and unpack one of the published Broden archives.
//
// Each step can be repeated safely: the transfer resumes from its `.part` file, an archive that
// is already complete is only verified, and a dataset that is already unpacked is left alone.
// A user who fetched the archive another way puts it in the output folder under its published
// name and runs the same command, which then verifies and unpacks it.
import Dissection
import Foundation

/// Fetches, verifies and unpacks a Broden archive into a folder.
public struct BrodenDownload: Sendable {
    /// Which archive.
    public var variant: BrodenVariant
    /// Where the archive and the unpacked dataset go.
    public var outDirectory: String
    /// Where to fetch from; the official address unless a mirror is given.
    public var url: URL

    public init(variant: BrodenVariant, outDirectory: String, url: URL? = nil) {
        self.variant = variant
        self.outDirectory = outDirectory
        self.url = url ?? URL(string: variant.officialURL)!
    }

    /// The archive's path inside the output folder.
    public var archivePath: String { outDirectory + "/" + variant.archiveName }

    /// The unpacked dataset's path.
    public var datasetPath: String { outDirectory + "/" + variant.folderName }

    /// What each step reports, for a progress display.
    public enum Step: Sendable {
        case downloading(DownloadProgress)
        case verifying(done: Int64, total: Int64)
        case unpacking(done: Int64, total: Int64)
        /// The dataset check after unpacking (records done, records in all).
        case checking(done: Int64, total: Int64)
        case message(String)
    }

    /// Runs every step still needed; returns the dataset folder.
    public func run(report: @escaping @Sendable (Step) -> Void = { _ in }) throws -> String {
        let fm = FileManager.default
        if fm.fileExists(atPath: datasetPath + "/index.csv") {
            report(.message("\(datasetPath) is already unpacked"))
            return datasetPath
        }
        do {
            try fm.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw DownloadError.file(path: outDirectory, reason: "cannot create: \(error.localizedDescription)")
        }
        if fm.fileExists(atPath: archivePath) {
            report(.message("using the archive already at \(archivePath)"))
        } else {
            report(.message("downloading \(url.absoluteString)"))
            var transfer = ResumableDownload(url: url, destination: archivePath)
            transfer.retries = 4
            do {
                _ = try transfer.run { report(.downloading($0)) }
            } catch DownloadError.hostUnreachable(let address, let reason) {
                throw BrodenDownloadFailure.hostUnreachable(url: address, reason: reason,
                                                           archiveName: variant.archiveName,
                                                           outDirectory: outDirectory)
            } catch DownloadError.noHTTPClient(let address, let reason) {
                throw BrodenDownloadFailure.noHTTPClient(url: address, reason: reason,
                                                        archiveName: variant.archiveName,
                                                        outDirectory: outDirectory)
            }
        }
        let summary = try ArchiveCheck.verify(archivePath) { report(.verifying(done: $0, total: $1)) }
        guard summary.topLevel.contains(variant.folderName) else {
            throw DownloadError.unexpectedLayout(
                path: archivePath,
                reason: "expected a top-level folder \(variant.folderName), found \(summary.topLevel.prefix(5).joined(separator: ", "))")
        }
        report(.message("verified \(summary.files) files, \(formatBytes(summary.bytes))"))
        try ArchiveCheck.unpack(archivePath, into: outDirectory) { report(.unpacking(done: $0, total: $1)) }
        guard fm.fileExists(atPath: datasetPath + "/index.csv") else {
            throw DownloadError.unexpectedLayout(path: archivePath, reason: "\(variant.folderName)/index.csv is missing")
        }
        return datasetPath
    }
}

/// The one failure that needs more than a line: what to do when the Broden host does not answer.
public enum BrodenDownloadFailure: Error, CustomStringConvertible {
    case hostUnreachable(url: String, reason: String, archiveName: String, outDirectory: String)
    /// libcurl, which downloads, is missing on this machine.
    case noHTTPClient(url: String, reason: String, archiveName: String, outDirectory: String)

    public var description: String {
        switch self {
        case let .hostUnreachable(url, reason, archiveName, outDirectory):
            return "\(url): the Broden host did not answer (\(reason)); it has been unreliable for years. "
                + "Get \(archiveName) another way (a mirror, a colleague's copy), put it at "
                + "\(outDirectory)/\(archiveName) and run this command again to verify and unpack it, "
                + "or pass --url with a mirror's address"
        case let .noHTTPClient(url, reason, archiveName, outDirectory):
            return "\(url): cannot download: \(reason). Or fetch \(archiveName) with another tool, put it at "
                + "\(outDirectory)/\(archiveName) and run this command again to verify and unpack it"
        }
    }
}
