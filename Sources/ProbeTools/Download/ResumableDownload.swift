// A resumable HTTP(S) download into a `.part` file, with progress and retries.
//
// What has arrived is kept in `<destination>.part`; a later call asks for the rest with an HTTP
// Range request (`Range: bytes=N-`). A 206 answer appends; a 200 answer means the server ignored
// the range, so the part file starts over; a 416 answer with the part file already as long as the
// resource means it is complete. When the transfer breaks off, it is retried a few times with
// back-off, each retry resuming. Only a complete transfer is renamed to the destination, so a
// file at the destination is always whole (whether it is intact is the archive check's job).
import Dissection
import Foundation

/// Progress of a transfer: bytes on disk (including earlier sessions) and the total when known.
public struct DownloadProgress: Sendable {
    public var received: Int64
    public var total: Int64?
    /// Bytes that arrived in this session, for the rate.
    public var receivedThisSession: Int64
    public var elapsed: TimeInterval
}

/// Downloads one URL to one file, resuming what an earlier call left behind.
public struct ResumableDownload: Sendable {
    public var url: URL
    public var destination: String
    /// Attempts per call after the first one breaks off.
    public var retries: Int = 4
    /// Seconds without any byte before an attempt is given up.
    public var idleTimeout: TimeInterval = 30
    /// Seconds before the first retry; doubled each time.
    public var backoff: TimeInterval = 1

    /// Where the partial transfer is kept.
    public var partPath: String { destination + ".part" }

    public init(url: URL, destination: String) {
        self.url = url
        self.destination = destination
    }

    /// Fetches the file unless the destination already exists; returns the destination path.
    /// - Parameter progress: called from a background queue as bytes arrive.
    public func run(progress: @escaping @Sendable (DownloadProgress) -> Void = { _ in }) throws -> String {
        if FileManager.default.fileExists(atPath: destination) { return destination }
        var attempt = 0
        var delay = backoff
        var total: Int64? = nil
        while true {
            let before = partSize()
            do {
                try attemptOnce(total: &total, progress: progress)
                try finish()
                return destination
            } catch let error as TransferFailure {
                let after = partSize()
                switch error {
                case .status(let status):
                    throw DownloadError.httpStatus(url: url.absoluteString, status: status)
                case .file(let reason):
                    throw DownloadError.file(path: partPath, reason: reason)
                case .setup(let reason):
                    throw DownloadError.noHTTPClient(url: url.absoluteString, reason: reason)
                case .network(let reason):
                    // Nothing ever arrived and nothing is on disk: the host is not answering.
                    if after == 0 && before == 0 && attempt >= 1 {
                        throw DownloadError.hostUnreachable(url: url.absoluteString, reason: reason)
                    }
                    attempt += 1
                    if attempt > retries {
                        throw DownloadError.interrupted(url: url.absoluteString, received: after,
                                                        total: total, reason: reason)
                    }
                    // Progress was made: the link works, so start the back-off afresh.
                    if after > before { delay = backoff }
                    Thread.sleep(forTimeInterval: delay)
                    delay *= 2
                }
            }
        }
    }

    // MARK: One attempt

    enum TransferFailure: Error {
        /// libcurl cannot be loaded: no retry helps.
        case setup(String)
        case network(String)
        case status(Int)
        case file(String)
    }

    func partSize() -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: partPath)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// One request for the rest of the file; `total` is set when the response tells the size.
    func attemptOnce(total: inout Int64?, progress: @escaping @Sendable (DownloadProgress) -> Void) throws {
        if let problem = CurlGet.unavailable() { throw TransferFailure.setup(problem) }
        let have = partSize()
        let receiver = TransferReceiver(partPath: partPath, alreadyHave: have, progress: progress)
        let (code, message) = CurlGet.run(url: url.absoluteString, range: have > 0 ? "\(have)-" : nil,
                                          idleSeconds: max(1, Int(idleTimeout.rounded(.up))), into: receiver)
        defer { total = receiver.total ?? total }
        try receiver.finish(code: code, message: message)
    }

    /// Renames the complete part file to the destination.
    func finish() throws {
        do {
            try FileManager.default.moveItem(atPath: partPath, toPath: destination)
        } catch {
            throw TransferFailure.file("cannot rename to \(destination): \(error.localizedDescription)")
        }
    }
}
