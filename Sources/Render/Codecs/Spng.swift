// The one checking wrapper around libspng.
//
// Every libspng call in the codebase goes through `SpngContext.check`, which turns a non-zero
// return into a `CodecError` carrying libspng's own message (`spng_strerror`). Running out of
// input is reported as truncation.
import CSpng
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// An owned libspng context, created for one decode or encode and freed with it.
final class SpngContext {
    /// What the context was created for.
    enum Purpose { case decode, encode }

    let raw: OpaquePointer
    let purpose: Purpose

    /// A decoder skips the Adler-32 of the compressed stream (its check is over every decoded
    /// byte, ~20 % of decoding a segmentation): each IDAT chunk's CRC-32, which libspng still
    /// checks, already covers those compressed bytes as stored. OpenCV decodes with libspng so.
    init(_ purpose: Purpose) throws(CodecError) {
        let flags = purpose == .encode ? SPNG_CTX_ENCODER.rawValue : SPNG_CTX_IGNORE_ADLER32.rawValue
        guard let made = spng_ctx_new(Int32(flags)) else {
            throw purpose == .encode ? .encodeFailed(format: .png, reason: "libspng could not allocate a context")
                                     : .malformed(format: .png, reason: "libspng could not allocate a context")
        }
        raw = made
        self.purpose = purpose
    }

    deinit { spng_ctx_free(raw) }

    /// Throws the error matching a non-zero libspng return code.
    func check(_ code: Int32) throws(CodecError) {
        guard code != 0 else { return }
        let message = String(cString: spng_strerror(code))
        if purpose == .encode { throw .encodeFailed(format: .png, reason: message) }
        switch code {
        case Int32(SPNG_EOF.rawValue), Int32(SPNG_EIO.rawValue):
            throw .truncated(format: .png, reason: message)
        case Int32(SPNG_ESIGNATURE.rawValue):
            throw .notThisFormat(format: .png)
        default:
            throw .malformed(format: .png, reason: message)
        }
    }
}

/// Frees a buffer libspng allocated with `malloc`.
@inline(__always) func spngFree(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }
