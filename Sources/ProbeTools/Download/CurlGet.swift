// One HTTP(S) GET through libcurl, loaded when the first download starts (`CCurlLoader`), its
// header lines and body handed to a `TransferReceiver`.
import CCurlLoader
import Foundation

enum CurlGet {
    /// Whether libcurl can be used; the reason when not.
    static func unavailable() -> String? {
        nd_curl_load().map { String(cString: $0) }
    }

    /// Runs the GET on this thread; `range` is "N-" to ask for the bytes from N on.
    /// - Returns: libcurl's result code (0: the transfer completed) and its message.
    static func run(url: String, range: String?, idleSeconds: Int, into receiver: TransferReceiver) -> (code: Int32, message: String) {
        let context = Unmanaged.passRetained(receiver)
        defer { context.release() }
        var status = 0
        var message = [CChar](repeating: 0, count: 512)
        let code = message.withUnsafeMutableBufferPointer { buffer in
            nd_curl_get(url, range, idleSeconds, { bytes, size, count, context in
                let receiver = Unmanaged<TransferReceiver>.fromOpaque(context!).takeUnretainedValue()
                let n = size * count
                receiver.header(String(decoding: UnsafeRawBufferPointer(start: bytes, count: n), as: UTF8.self))
                return n
            }, { bytes, size, count, context in
                let receiver = Unmanaged<TransferReceiver>.fromOpaque(context!).takeUnretainedValue()
                let n = size * count
                return receiver.body(UnsafeRawBufferPointer(start: bytes, count: n)) ? n : 0
            }, context.toOpaque(), &status, buffer.baseAddress, buffer.count)
        }
        let text = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return (code, String(decoding: text, as: UTF8.self))
    }

    /// libcurl's words for a result code.
    static func describe(_ code: Int32) -> String {
        String(cString: nd_curl_describe(code))
    }
}
