// Why an import, a resize or a subset cannot go on: one line naming the file and the cause, with
// what to do. Problems with single images are not errors: they are reported and counted
// (`ImportProblem`) and the job goes on.
import Render

/// Why a probe cannot be imported, resized or subset.
public enum ImportError: Error, Equatable, CustomStringConvertible {
    /// The source dataset (a folder, its layout) cannot be used.
    case source(path: String, reason: String)
    /// A file of the source (a class list, a split list, the panoptic JSON) cannot be read or parsed.
    case file(path: String, reason: String)
    /// The output directory cannot be used or written.
    case output(path: String, reason: String)
    /// An option does not fit the dataset (`--map` naming an unknown class, `--split` none has).
    case option(name: String, reason: String)
    /// No image could be imported.
    case nothingImported(reason: String)
    /// The probe to resize or subset cannot be opened (the reader's one-line message).
    case probe(message: String)

    /// One line, safe to print.
    public var description: String {
        switch self {
        case let .source(path, reason), let .file(path, reason), let .output(path, reason):
            return TerminalText.sanitize("\(path): \(reason)")
        case let .option(name, reason):
            return TerminalText.sanitize("\(name): \(reason)")
        case let .probe(message):
            return TerminalText.sanitize(message)
        case let .nothingImported(reason):
            return "no image was imported: \(reason)"
        }
    }
}

/// A problem with one image: reported on one line, counted, and the import goes on.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file concerned (an image, a mask or a folder of the source); empty when the cause names it.
    public var file: String
    /// What is wrong and what was done about it.
    public var cause: String
    /// Whether it was found by an earlier run of the same job, which was stopped, and is
    /// reported again at the end of the run that finished it.
    public var earlier = false
    /// One line, safe to print.
    public var description: String { TerminalText.sanitize(file.isEmpty ? cause : file + ": " + cause) }
}
