// What one HTTP response of `ResumableDownload` does to the part file: libcurl hands over the
// header lines and then the body (`CurlGet`); the response's status decides whether the body is
// appended (206), starts the file over (200), or whether the file is already whole (416).
import Dissection
import Foundation

/// Receives one HTTP response and writes its body to the part file.
///
/// Called on the downloading thread only (libcurl's callbacks run inside `CurlGet.run`).
final class TransferReceiver {
    private let partPath: String
    private let alreadyHave: Int64
    private let progress: @Sendable (DownloadProgress) -> Void
    private var handle: FileHandle?
    private var received: Int64 = 0
    /// The resource's full size, once a response has told it.
    private(set) var total: Int64?
    /// Why the transfer failed, first reason only.
    private var failure: ResumableDownload.TransferFailure?
    /// The status and headers (lower-cased names) of the response being received; a redirect's
    /// are replaced by the next response's.
    private var status = 0
    private var headers: [String: String] = [:]
    /// Whether the response's status has been acted on (at its first body bytes, or at the end).
    private var decided = false
    /// Whether the transfer was stopped because the part file is already whole (a 416).
    private var whole = false
    private let started = Date()

    init(partPath: String, alreadyHave: Int64, progress: @escaping @Sendable (DownloadProgress) -> Void) {
        self.partPath = partPath
        self.alreadyHave = alreadyHave
        self.progress = progress
    }

    private func fail(_ failure: ResumableDownload.TransferFailure) {
        if self.failure == nil { self.failure = failure }
    }

    /// One header line (with its line break); a status line starts a new response.
    func header(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("HTTP/") {
            let fields = text.split(separator: " ")
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            headers = [:]
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].lowercased()
            headers[name] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    /// Body bytes of the final response; false stops the transfer.
    func body(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if !decided {
            decided = true
            guard decide() else { return false }
        }
        guard let handle else { return false }
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            fail(.file("cannot write: \(error.localizedDescription)"))
            return false
        }
        received += Int64(bytes.count)
        progress(DownloadProgress(received: received, total: total, receivedThisSession: received - alreadyHave,
                                  elapsed: Date().timeIntervalSince(started)))
        return true
    }

    /// The transfer ended with libcurl's `code` (0: complete) and `message`; throws how it failed.
    func finish(code: Int32, message: String) throws {
        if !decided && failure == nil && status != 0 {
            // A response without a body (a 416, an empty file) is acted on here; none at all (no
            // connection) is the network failure libcurl reports.
            decided = true
            _ = decide()
        }
        try? handle?.close()
        handle = nil
        if let failure { throw failure }
        if whole { return }
        if code != 0 {
            throw ResumableDownload.TransferFailure.network(Self.describe(code: code, message: message))
        }
        if let total, received < total {
            throw ResumableDownload.TransferFailure.network("connection closed after \(received) of \(total) bytes")
        }
    }

    /// Acts on the final response's status: opens the part file to append (206) or afresh (200),
    /// checks a 416 against the part file; false when the body is not wanted.
    private func decide() -> Bool {
        let length = headers["content-length"].flatMap { Int64($0) }
        do {
            switch status {
            case 206:
                // Appending to what we have; Content-Range carries the total.
                received = alreadyHave
                total = Self.totalFromContentRange(headers["content-range"]) ?? length.map { alreadyHave + $0 }
                handle = try Self.openForAppend(partPath, truncate: false)
                return true
            case 200:
                // The server sent the whole resource: start the part file over.
                received = 0
                total = length
                handle = try Self.openForAppend(partPath, truncate: true)
                return true
            case 416 where alreadyHave > 0:
                // Nothing left to send: the part file is complete only if the server says it is as long.
                if let size = Self.totalFromContentRange(headers["content-range"]), size == alreadyHave {
                    received = alreadyHave; total = size; whole = true
                } else {
                    _ = try Self.openForAppend(partPath, truncate: true)
                    fail(.network("the server refused to resume; starting over"))
                }
                return false
            default:
                fail(.status(status))
                return false
            }
        } catch {
            fail(.file("\(error.localizedDescription)"))
            return false
        }
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

    /// A few words for libcurl's result `code` (its own message when it has none of ours).
    static func describe(code: Int32, message: String) -> String {
        switch code {
        case 6: return "unknown host"
        case 7: return "connection refused"
        case 28: return "timed out"
        case 18, 52, 55, 56: return "connection lost"
        default: return message.isEmpty ? CurlGet.describe(code) : message
        }
    }
}
