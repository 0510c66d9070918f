// Untrusted text on its way to a terminal. Label names, file paths and model names come from
// files people download; a label called "\e]52;c;...\a" would otherwise write the clipboard, and
// one with a right-to-left override would show a different name than the one stored. Everything
// that reaches a terminal from a file goes through `TerminalText.sanitize` first.
//
// What is removed: whole escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC forms,
// in their 7-bit and 8-bit C1 spellings), every other C0 and C1 control and DEL, Unicode bidi
// embeddings, overrides, isolates and marks, zero-width spaces and the byte-order mark. Tabs,
// newlines and the Unicode line and paragraph separators become a space (labels are one line).

/// Cleaning and measuring untrusted text for the terminal.
public enum TerminalText {
    /// `text` with control characters, escape sequences and bidi controls removed and line
    /// breaks turned into spaces, safe to print.
    ///
    /// Complexity: O(n) in the number of Unicode scalars.
    public static func sanitize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            switch s.value {
            case 0x1B:                                   // ESC: skip the whole sequence
                i = skipEscape(scalars, from: i + 1)
                continue
            case 0x9B:                                   // 8-bit CSI
                i = skipCSI(scalars, from: i + 1)
                continue
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:           // 8-bit DCS, SOS, OSC, PM, APC
                i = skipString(scalars, from: i + 1)
                continue
            case 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
                out.append(" ")
            default:
                if !isInvisibleControl(s) { out.append(s) }
            }
            i += 1
        }
        return String(out)
    }

    /// True for scalars that must never reach a terminal or a page as they are: C0 and C1
    /// controls, DEL, bidi formatting characters, zero-width spaces, the BOM and noncharacters.
    public static func isInvisibleControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return true
        case 0xFFF9...0xFFFB, 0xFFFE, 0xFFFF: return true     // interlinear annotations, nonchars
        default: return false
        }
    }

    /// Index after the escape sequence whose ESC was just before `start`.
    private static func skipEscape(_ s: [Unicode.Scalar], from start: Int) -> Int {
        guard start < s.count else { return start }
        switch s[start] {
        case "[": return skipCSI(s, from: start + 1)
        case "]", "P", "X", "^", "_": return skipString(s, from: start + 1)
        default:
            // nF sequences: intermediates 0x20-0x2F, then one final byte 0x30-0x7E.
            var i = start
            while i < s.count, (0x20...0x2F).contains(s[i].value) { i += 1 }
            if i < s.count, (0x30...0x7E).contains(s[i].value) { i += 1 }
            return i
        }
    }

    /// Index after a CSI sequence's final byte (0x40-0x7E), or after the first character that
    /// cannot belong to one.
    private static func skipCSI(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count {
            let v = s[i].value
            if (0x40...0x7E).contains(v) { return i + 1 }
            if !(0x20...0x3F).contains(v) { return i }    // malformed: stop, keep what follows
            i += 1
        }
        return i
    }

    /// Index after a control string's terminator (ST as `ESC \` or 0x9C, or BEL), or the end.
    private static func skipString(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count {
            switch s[i].value {
            case 0x07, 0x9C: return i + 1
            case 0x1B: return i + 1 < s.count && s[i + 1] == "\\" ? i + 2 : i + 1
            default: i += 1
            }
        }
        return i
    }

    /// Columns `text` occupies in a terminal: 0 for combining and format characters, 2 for East
    /// Asian wide and emoji-presentation characters, 1 otherwise. Assumes sanitised text.
    public static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// Columns one grapheme occupies.
    public static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if isInvisibleControl(first) { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isWide(first) || (character.unicodeScalars.count > 1 && first.properties.isEmoji
                             && character.unicodeScalars.contains { $0.value == 0xFE0F }) {
            return 2
        }
        return 1
    }

    /// East Asian wide or fullwidth, or default emoji presentation.
    private static func isWide(_ s: Unicode.Scalar) -> Bool {
        if s.properties.isEmojiPresentation { return true }
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` cut to at most `columns` display columns, ending in `…` when it was cut.
    public static func truncate(_ text: String, toWidth columns: Int) -> String {
        guard columns > 0 else { return "" }
        if displayWidth(text) <= columns { return text }
        var out = ""
        var used = 0
        for ch in text {
            let w = width(of: ch)
            if used + w > columns - 1 { break }
            out.append(ch); used += w
        }
        return out + "…"
    }

    /// `text` padded with spaces (or cut) to exactly `columns` display columns.
    public static func pad(_ text: String, toWidth columns: Int) -> String {
        let cut = truncate(text, toWidth: columns)
        return cut + String(repeating: " ", count: max(0, columns - displayWidth(cut)))
    }
}
