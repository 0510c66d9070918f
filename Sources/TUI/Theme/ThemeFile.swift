// Reading theme files in btop's flat format.
//
//     # Background of every pane
//     theme[main_bg]="#15171c"
//
// Values are `"#RRGGBB"`, `"#GG"` (a grey), `"R G B"` in decimal, or empty for the terminal's
// default; quotes are optional. Lines starting with `#` are comments. An unknown key, a
// malformed line or a malformed colour is a warning naming the line, never a failure: the rest
// of the file still applies and what it could not read keeps its default.

import Foundation
import Render

/// A problem found while reading a theme file; the theme is still usable.
public struct ThemeWarning: Sendable, Equatable, CustomStringConvertible {
    /// The file, as given.
    public var file: String
    /// The 1-based line number.
    public var line: Int
    /// What is wrong, and what was done about it.
    public var message: String

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Parses btop-style theme text.
public enum ThemeFile {
    /// The entries of `text` and the warnings about lines that could not be used.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name to put in warnings.
    public static func parse(_ text: String, file: String) -> (entries: [ThemeKey: ThemeColor], warnings: [ThemeWarning]) {
        var entries: [ThemeKey: ThemeColor] = [:]
        var warnings: [ThemeWarning] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            func warn(_ message: String) {
                warnings.append(ThemeWarning(file: file, line: lineNumber, message: message))
            }
            guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]"),
                  let equals = line[close...].firstIndex(of: "=") else {
                warn("expected theme[key]=\"#RRGGBB\", ignored this line")
                continue
            }
            let name = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
                .trimmingCharacters(in: .whitespaces)
            guard let key = ThemeKey(rawValue: name) else {
                warn("unknown key '\(CellText.sanitized(name))', ignored (known keys: see themes/dark.theme)")
                continue
            }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            } else if value.hasPrefix("\"") || value.hasSuffix("\"") {
                warn("unbalanced quotes in the value of \(name), kept the default")
                continue
            }
            guard let color = parseColor(value) else {
                warn("cannot read '\(CellText.sanitized(value))' as a colour for \(name) (use \"#RRGGBB\", \"#GG\", \"R G B\" or \"\"), kept the default")
                continue
            }
            entries[key] = color
        }
        return (entries, warnings)
    }

    /// A colour value: `#RRGGBB`, `#GG`, `R G B` (decimal) or empty; nil when malformed.
    public static func parseColor(_ text: String) -> ThemeColor? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { return .terminalDefault }
        if value.hasPrefix("#") || value.allSatisfy(\.isHexDigit) && (value.count == 6) {
            let hex = value.hasPrefix("#") ? String(value.dropFirst()) : value
            guard hex.allSatisfy(\.isHexDigit), let n = UInt32(hex, radix: 16) else { return nil }
            switch hex.count {
            case 6: return .rgb(RGBColor(packed: n))
            case 2: let v = UInt8(n); return .rgb(RGBColor(v, v, v))
            default: return nil
            }
        }
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3 else { return nil }
        let channels = parts.compactMap { UInt8($0) }
        guard channels.count == 3 else { return nil }
        return .rgb(RGBColor(channels[0], channels[1], channels[2]))
    }
}
