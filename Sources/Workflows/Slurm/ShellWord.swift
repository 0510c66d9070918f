// Quoting for the job scripts: every word that comes from the user (paths, layer names, sbatch
// arguments) reaches bash as one single-quoted word, so a space, a `$` or a quote in a path can
// never split an argument or run a command.

/// A word for a POSIX shell command line.
enum ShellWord {
    /// `word` as bash reads it back unchanged: bare when it holds only safe characters, else in
    /// single quotes with each `'` written as `'\''`.
    static func quote(_ word: String) -> String {
        if !word.isEmpty && word.unicodeScalars.allSatisfy(isSafe) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `words` quoted and joined by spaces.
    static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }

    private static func isSafe(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "-", "_", ".", "/", ",", ":", "=", "+", "@", "%": return true
        default: return false
        }
    }
}
