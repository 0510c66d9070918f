// A tiny HTTP/1.1 server on 127.0.0.1 for download tests: serves one body, honours
// `Range: bytes=N-`, and can cut a response off midway or ignore ranges, like real servers do.
import Foundation
import Glibc
#if canImport(Glibc)
#endif

final class LoopbackHTTPServer: @unchecked Sendable {
    /// How the server misbehaves.
    struct Behaviour {
        /// Close the connection after this many body bytes on the first N responses.
        var cutAfterBytes: Int? = nil
        var cutResponses: Int = 1
        /// Answer 200 with the whole body even when a range is asked for.
        var ignoreRanges = false
        /// Answer every request with this status and no body.
        var status: Int? = nil
    }

    let body: [UInt8]
    let behaviour: Behaviour
    private(set) var port: UInt16 = 0
    private let listener: Int32
    private let lock = NSLock()
    private var _requests: [String] = []
    private var responsesSent = 0
    private var thread: Thread?
    private var stopped = false

    /// The request headers seen, one string per request (lowercased).
    var requests: [String] { lock.lock(); defer { lock.unlock() }; return _requests }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/data/broden1_224.zip")! }

    init(body: [UInt8], behaviour: Behaviour = Behaviour()) throws {
        self.body = body
        self.behaviour = behaviour
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [unowned self] in self.serve() }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.lock(); stopped = true; lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { if !stopped { stop() } }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        // Read the request head.
        var head = [UInt8]()
        var byte: UInt8 = 0
        while head.count < 16_384, read(client, &byte, 1) == 1 {
            head.append(byte)
            if head.count >= 4, head.suffix(4) == [13, 10, 13, 10] { break }
        }
        let text = String(decoding: head, as: UTF8.self).lowercased()
        lock.lock(); _requests.append(text); let index = responsesSent; responsesSent += 1; lock.unlock()

        if let status = behaviour.status {
            send(client, "HTTP/1.1 \(status) Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        var start = 0
        if !behaviour.ignoreRanges, let range = text.range(of: "range: bytes=") {
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            start = Int(digits) ?? 0
        }
        if start >= body.count && start > 0 {
            send(client, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */\(body.count)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        let slice = Array(body[start...])
        if start > 0 {
            send(client, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(start)-\(body.count - 1)/\(body.count)\r\nContent-Length: \(slice.count)\r\nConnection: close\r\n\r\n")
        } else {
            send(client, "HTTP/1.1 200 OK\r\nAccept-Ranges: bytes\r\nContent-Length: \(slice.count)\r\nConnection: close\r\n\r\n")
        }
        var toSend = slice
        if let cut = behaviour.cutAfterBytes, index < behaviour.cutResponses {
            toSend = Array(slice.prefix(cut))
        }
        toSend.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(client, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    private func send(_ client: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(client, $0.baseAddress!, $0.count) }
    }
}
