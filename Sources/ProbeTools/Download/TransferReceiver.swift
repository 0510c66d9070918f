// The URLSession delegate behind `ResumableDownload`: appends arriving bytes to the part file.
import Dissection
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Receives one HTTP response and writes its body to the part file.
///
/// All delegate callbacks arrive on the session's serial delegate queue; `wait()` blocks the
/// caller until the task completes. Mutable state is guarded by `lock` for the final read.
final class TransferReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let partPath: String
    private let alreadyHave: Int64
    private let progress: @Sendable (DownloadProgress) -> Void
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var handle: FileHandle?
    private var received: Int64 = 0
    /// The resource's full size, once a response has told it.
    private(set) var total: Int64?
    private var failure: ResumableDownload.TransferFailure?
    private let started = Date()

    init(partPath: String, alreadyHave: Int64, progress: @escaping @Sendable (DownloadProgress) -> Void) {
        self.partPath = partPath
        self.alreadyHave = alreadyHave
        self.progress = progress
    }

    /// Blocks until the transfer ends; throws how it failed.
    func wait() throws {
        done.wait()
        lock.lock(); defer { lock.unlock() }
        if let failure { throw failure }
    }

    private func fail(_ failure: ResumableDownload.TransferFailure) {
        lock.lock(); defer { lock.unlock() }
        if self.failure == nil { self.failure = failure }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else {
            fail(.network("not an HTTP response")); completionHandler(.cancel); return
        }
        let length = http.expectedContentLength
        do {
            switch http.statusCode {
            case 206:
                // Appending to what we have; Content-Range carries the total.
                received = alreadyHave
                total = Self.totalFromContentRange(http.value(forHTTPHeaderField: "Content-Range"))
                    ?? (length >= 0 ? alreadyHave + length : nil)
                handle = try Self.openForAppend(partPath, truncate: false)
            case 200:
                // The server sent the whole resource: start the part file over.
                received = 0
                total = length >= 0 ? length : nil
                handle = try Self.openForAppend(partPath, truncate: true)
            case 416 where alreadyHave > 0:
                // Nothing left to send: the part file is complete only if the server says it is as long.
                let whole = Self.totalFromContentRange(http.value(forHTTPHeaderField: "Content-Range"))
                if whole == alreadyHave {
                    received = alreadyHave; total = whole
                } else {
                    _ = try Self.openForAppend(partPath, truncate: true)
                    fail(.network("the server refused to resume; starting over"))
                }
                completionHandler(.cancel); return
            default:
                fail(.status(http.statusCode)); completionHandler(.cancel); return
            }
        } catch {
            fail(.file("\(error.localizedDescription)")); completionHandler(.cancel); return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let handle else { return }
        do {
            try handle.write(contentsOf: data)
        } catch {
            fail(.file("cannot write: \(error.localizedDescription)"))
            dataTask.cancel()
            return
        }
        received += Int64(data.count)
        progress(DownloadProgress(received: received, total: total, receivedThisSession: received - alreadyHave,
                                  elapsed: Date().timeIntervalSince(started)))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        try? handle?.close()
        handle = nil
        if let error {
            lock.lock(); let alreadyFailed = failure != nil; lock.unlock()
            if !alreadyFailed { fail(.network(Self.describe(error))) }
        } else if let total, received < total {
            fail(.network("connection closed after \(received) of \(total) bytes"))
        }
        done.signal()
    }

    // MARK: Helpers

    static func openForAppend(_ path: String, truncate: Bool) throws -> FileHandle {
        if truncate || !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        return handle
    }

    /// The total from `Content-Range: bytes 100-199/200` (nil for `*` or a malformed header).
    static func totalFromContentRange(_ header: String?) -> Int64? {
        guard let header, let slash = header.lastIndex(of: "/") else { return nil }
        return Int64(header[header.index(after: slash)...].trimmingCharacters(in: .whitespaces))
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSURLErrorDomain {
            switch ns.code {
            case NSURLErrorTimedOut: return "timed out"
            case NSURLErrorCannotConnectToHost: return "connection refused"
            case NSURLErrorCannotFindHost: return "unknown host"
            case NSURLErrorNotConnectedToInternet: return "no network"
            case NSURLErrorNetworkConnectionLost: return "connection lost"
            default: break
            }
        }
        return ns.localizedDescription
    }
}
