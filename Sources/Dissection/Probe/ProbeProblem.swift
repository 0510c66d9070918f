// What can be wrong with a probe dataset, in two tiers: `ProbeProblem` is one defect found while
// reading (a bad row, a missing file), reported with file and line and survivable; `ProbeError`
// is a defect that makes the whole dataset unusable and stops `ProbeDataset.open`. Both print
// as one line with names from the dataset cleaned of terminal escapes (`ProbeText`).
import Render

/// One defect found in a probe dataset, named with the file (relative to the dataset
/// directory) and, where it applies, the 1-based line.
public struct ProbeProblem: Sendable, Equatable, CustomStringConvertible {
    /// Problems listed per file (a table, or the images of a check); more are only counted.
    public static let maxListed = 1000

    /// How much a problem matters.
    public enum Severity: String, Sendable, Equatable, Comparable {
        /// Something odd that changes nothing (a 0 label id, an unused column).
        case note
        /// Part of the data is left out (an unknown label id, a row that cannot be used).
        case warning
        /// The dataset cannot be used.
        case error

        private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// The file, relative to the dataset directory (`index.csv`, `images/ade20k/x.png`).
    public var file: String
    /// 1-based line in `file`, when the problem is in a table.
    public var line: Int?
    /// How much it matters.
    public var severity: Severity
    /// What is wrong.
    public var cause: String

    public init(file: String, line: Int? = nil, severity: Severity, cause: String) {
        self.file = file
        self.line = line
        self.severity = severity
        self.cause = cause
    }

    /// `file:line: severity: cause`, safe to print.
    public var description: String {
        let place = line.map { "\(ProbeText.shown(file)):\($0)" } ?? ProbeText.shown(file)
        return TerminalText.sanitize("\(place): \(severity.rawValue): \(cause)")
    }
}

/// Why a probe dataset cannot be opened at all.
public enum ProbeError: Error, Equatable, CustomStringConvertible {
    /// The directory does not exist or is not a directory.
    case notADirectory(path: String)
    /// A required file is missing or unreadable.
    case unreadable(file: String, reason: String)
    /// A required file is refused: not a regular file, or a symbolic link out of the dataset.
    case refused(file: String, reason: String)
    /// A required table lacks a column it must have.
    case missingColumn(file: String, column: String)
    /// A table is structurally unusable (no header, no categories, ...).
    case malformed(file: String, line: Int?, reason: String)

    /// One line for users: `<file>: <cause>; <hint>`, safe to print.
    public var description: String {
        let text: String
        switch self {
        case let .notADirectory(path):
            text = "\(path): not a directory; give the folder that holds index.csv (for example broden1_224)"
        case let .unreadable(file, reason):
            text = "\(ProbeText.shown(file)): cannot read (\(reason)); check that the dataset was unpacked completely"
        case let .refused(file, reason):
            text = "\(ProbeText.shown(file)): refused (\(reason)); a dataset's files must be regular files inside its directory"
        case let .missingColumn(file, column):
            text = "\(file): no column '\(column)' in the header; is this a Broden-layout dataset?"
        case let .malformed(file, line, reason):
            let place = line.map { "\(ProbeText.shown(file)):\($0)" } ?? ProbeText.shown(file)
            text = "\(place): \(reason); is this a Broden-layout dataset?"
        }
        return TerminalText.sanitize(text)
    }
}
