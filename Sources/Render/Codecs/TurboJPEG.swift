// The one checking wrapper around libjpeg-turbo's TurboJPEG API.
//
// Every TurboJPEG call in the codebase goes through `TurboJPEGHandle.check`, which turns a
// non-zero return into a `CodecError` carrying the library's own message. Warnings (a JPEG with
// stray bytes between markers, say) are accepted the way Pillow accepts them, except a premature
// end of data, which libjpeg reports as a warning but which leaves the bottom of the image grey:
// that is an error here, as it is in Pillow.
import CTurboJPEG

/// An owned TurboJPEG handle, created for one decode or encode and destroyed with it.
///
/// Not shared between threads; each call makes its own (creating one costs microseconds).
final class TurboJPEGHandle {
    /// What the handle was created for.
    enum Purpose { case decompress, compress }

    let raw: tjhandle

    init(_ purpose: Purpose) throws(CodecError) {
        let made: tjhandle? = purpose == .decompress ? tjInitDecompress() : tjInitCompress()
        guard let made else {
            let message = String(cString: tjGetErrorStr2(nil))
            throw purpose == .decompress ? .malformed(format: .jpeg, reason: message)
                                         : .encodeFailed(format: .jpeg, reason: message)
        }
        raw = made
    }

    deinit { tjDestroy(raw) }

    /// The library's message for the last failed call on this handle.
    var lastMessage: String { String(cString: tjGetErrorStr2(raw)) }

    /// Checks the result of a decoding call: 0 is success; a warning other than truncation is
    /// success too; anything else becomes `.truncated` or `.malformed`.
    func checkDecode(_ result: Int32) throws(CodecError) {
        guard result != 0 else { return }
        let message = lastMessage
        let isTruncation = message.localizedPremature
        if tjGetErrorCode(raw) == Int32(TJERR_WARNING.rawValue) && !isTruncation { return }
        throw isTruncation ? .truncated(format: .jpeg, reason: message)
                           : .malformed(format: .jpeg, reason: message)
    }

    /// Checks the result of an encoding call: anything but 0 becomes `.encodeFailed`.
    func checkEncode(_ result: Int32) throws(CodecError) {
        guard result != 0 else { return }
        throw .encodeFailed(format: .jpeg, reason: lastMessage)
    }
}

private extension String {
    /// libjpeg says "Premature end of JPEG file" (and TurboJPEG may prefix the function name).
    var localizedPremature: Bool { contains("Premature end") }
}
