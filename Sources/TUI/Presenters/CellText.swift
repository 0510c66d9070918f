// Text in terminal cells: what is safe to print, and how many cells each scalar takes.
//
// Labels come from files (label.csv, run databases) and may carry escape sequences or control
// characters; printed raw they could move the cursor or retitle the window. Everything that
// reaches the screen passes through `sanitized`, which is Render's sanitiser (one definition of
// "safe" for the whole tool). Widths are per scalar, because the canvas places scalars in
// cells: wide and fullwidth characters take two, combining marks none.

import Render

/// Sanitising and measuring text for terminal cells.
public enum CellText {
    /// `text` safe to print: escape sequences, controls and bidi overrides removed, line breaks
    /// turned into spaces (`Render.TerminalText.sanitize`).
    public static func sanitized(_ text: String) -> String {
        var clean = true
        for s in text.unicodeScalars where !isPrintable(s) { clean = false; break }
        return clean ? text : TerminalText.sanitize(text)
    }

    /// Whether a scalar may be printed as it is.
    static func isPrintable(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) { return false }
        if (0x200B...0x200F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return false }
        if v == 0xFEFF || (0xFFF9...0xFFFB).contains(v) { return false }
        return true
    }

    /// Cells taken by one scalar: 0, 1 or 2.
    public static func width(of s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x300 { return v < 0x20 || v == 0x7F ? 0 : 1 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) { return 0 }   // Hangul medial vowels and final consonants
        return isWide(v) ? 2 : 1
    }

    /// East Asian Wide and Fullwidth ranges, and emoji presentation blocks.
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1,
             0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA,
             0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C,
             0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C,
             0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
             0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF,
             0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251,
             0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,
             0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Cells taken by `text` (already sanitised).
    public static func width(_ text: String) -> Int {
        var w = 0
        for s in text.unicodeScalars { w += width(of: s) }
        return w
    }

    /// The longest prefix of `text` that fits in `width` cells.
    public static func prefix(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        var out = String.UnicodeScalarView()
        var used = 0
        for s in text.unicodeScalars {
            let w = CellText.width(of: s)
            if used + w > width { break }
            out.append(s); used += w
        }
        return String(out)
    }

    /// `text` sanitised and fitted to exactly `width` cells: padded with spaces, or cut with
    /// `ellipsis` as its last cell.
    public static func fit(_ text: String, width: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let clean = sanitized(text)
        let w = self.width(clean)
        if w <= width {
            let padding = String(repeating: " ", count: width - w)
            return alignRight ? padding + clean : clean + padding
        }
        let cut = prefix(clean, width: width - self.width(ellipsis)) + ellipsis
        return cut + String(repeating: " ", count: max(0, width - self.width(cut)))
    }
}
