// What can stop a run, with the one-line message the command line prints.

/// Why a run could not start or go on. `description` is one line: `<file>: <cause>; <hint>`.
public enum RunError: Error, CustomStringConvertible, Equatable {
    /// A command-line setting is out of range.
    case badSetting(String)
    /// Another process holds the run directory's lock.
    case locked(directory: String, holder: String)
    /// The run directory holds a finished run and `--force` was not given.
    case finished(directory: String)
    /// The run directory holds a run with different settings.
    case configurationDiffers(directory: String, differences: [String])
    /// The run database cannot be opened, read or written.
    case store(path: String, reason: String)
    /// The run database holds state this version cannot use.
    case corruptState(path: String, reason: String)
    /// The run database holds a value no run writes (damaged, edited or crafted): `place` is
    /// "table T, row R, column C" (empty when the reason names it).
    case damaged(path: String, place: String, reason: String)
    /// The run database was written by a newer netdissect (a higher schema version).
    case newerSchema(path: String, version: Int, supported: Int)
    /// The activations or the model do not match the dataset or the requested layers.
    case input(path: String, reason: String, hint: String)
    /// The run directory holds an unfinished run made with an earlier union rule.
    case earlierUnionRule(directory: String)
    /// The run was cancelled.
    case cancelled
    /// An error from another part (the model runtime, the probe reader) whose own one-line
    /// message already names the file, the cause and what to do.
    case other(String)

    public var description: String {
        switch self {
        case let .badSetting(text):
            return "dissect: \(text)"
        case let .locked(directory, holder):
            return "\(directory): another netdissect process (\(holder)) is writing this run; wait for it, or stop it first"
        case let .finished(directory):
            return "\(directory): holds a finished run; pass --force to overwrite it, or choose another --out"
        case let .configurationDiffers(directory, differences):
            return "\(directory): holds a run with different settings (\(differences.joined(separator: "; "))); repeat the original command to resume, pass --force to start over, or choose another --out"
        case let .store(path, reason):
            return "\(path): \(reason); check that the directory is writable and the disk not full"
        case let .corruptState(path, reason):
            return "\(path): \(reason); pass --force to start the run over"
        case let .damaged(path, place, reason):
            return "\(path): \(place.isEmpty ? "" : place + ": ")\(reason); the run database is damaged, redo the run (netdissect dissect --force)"
        case let .newerSchema(path, version, supported):
            return "\(path): made by a newer netdissect (run database schema version \(version), this one reads up to \(supported)); update netdissect to read it"
        case let .input(path, reason, hint):
            return "\(path): \(reason); \(hint)"
        case let .earlierUnionRule(directory):
            return "\(directory): \(RunNotice.earlierUnionRule) and is unfinished; resuming it would mix two rules, so pass --force to start it over, or choose another --out"
        case .cancelled:
            return "dissect: cancelled; run the same command again to continue from the last checkpoint"
        case let .other(message):
            return message
        }
    }
}
