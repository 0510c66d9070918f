// Text from a dataset's files on its way into a message.
//
// Category names, label names, column names and paths come from files people download. Printed
// raw, a name holding ESC or BEL could retitle the terminal or rewrite the clipboard, a newline
// would split one problem into two lines, and a megabyte-long name would drown the report. They
// are cleaned the way names from a run database are (Render's `TerminalText`, one definition of
// "safe" for the whole tool) and cut to a length that fits a line.
import Render

/// Dataset text made fit for one-line messages.
public enum ProbeText {
    /// Longest name shown, in terminal columns.
    public static let maxColumns = 80

    /// `text` with escape sequences and control characters removed (`TerminalText.sanitize`)
    /// and cut to `maxColumns` columns, ending in `…` when cut.
    ///
    /// - Complexity: O(`maxColumns`), whatever the length of `text`.
    public static func shown(_ text: String) -> String {
        // Only a prefix is looked at: a hostile cell may be megabytes long. Escape sequences
        // removed from the prefix may make it short; four times the width is plenty in practice.
        let scalars = text.unicodeScalars
        let prefix = String(String.UnicodeScalarView(scalars.prefix(4 * maxColumns)))
        let clean = TerminalText.truncate(TerminalText.sanitize(prefix), toWidth: maxColumns)
        let cutHere = !scalars.dropFirst(4 * maxColumns).isEmpty && !clean.hasSuffix("…")
        return cutHere ? clean + "…" : clean
    }
}
