// A probe error as a command prints it: the dataset directory in front of the file names the
// reader reports relative to it.
extension ProbeError {
    /// The one-line user message with the dataset directory in front of relative file names.
    public func message(directory: String) -> String {
        switch self {
        case .notADirectory: return description
        case .unreadable, .missingColumn, .malformed: return ProbePaths.join(directory, description)
        }
    }
}
