// A probe error as a command prints it: the dataset directory in front of the file names the
// reader reports relative to it.
import Render
extension ProbeError {
    /// The one-line user message with the dataset directory in front of relative file names.
    public func message(directory: String) -> String {
        switch self {
        case .notADirectory: return description
        case .unreadable, .refused, .missingColumn, .malformed:
            return TerminalText.sanitize(ProbePaths.join(directory, description))
        }
    }
}
