// Untrusted text on its way into an HTML page. Everything a report writes that came from a file
// (label names, category names, layer names, image paths, model names) passes through
// `HTMLText.escape`: the five markup characters become entities, and the characters that have no
// business in a page (controls, NUL, bidi overrides, noncharacters) are dropped, as for the
// terminal.

/// Escaping untrusted text for HTML and SVG.
public enum HTMLText {
    /// `text` safe to place in element content or in a quoted attribute value.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            switch s {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out += " "
            default:
                if !TerminalText.isInvisibleControl(s) { out.unicodeScalars.append(s) }
            }
        }
        return out
    }

    /// A relative URL for a file name written by us: each path segment percent-encoded except
    /// unreserved characters, so a hostile name cannot break out of `src="..."`.
    public static func urlPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            var out = ""
            for byte in segment.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                     UInt8(ascii: "."), UInt8(ascii: "~"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    let hex = String(byte, radix: 16, uppercase: true)
                    out += "%" + (hex.count == 1 ? "0" + hex : hex)
                }
            }
            return out
        }.joined(separator: "/")
    }
}
