// The one way commands report a failure: `netdissect: <message>` on stderr and a non-zero exit.
// The libraries' errors already carry the file, cause and hint; the message may quote names
// from a file (ONNX nodes, labels, paths), so the line is passed through
// `TerminalText.sanitize` on its way out: escape sequences, other controls and line breaks never
// reach the terminal.
import ArgumentParser
import Foundation
import Render

/// Prints `netdissect: <message>` (a failure or a notice) to stderr, as one line safe for the
/// terminal.
func printDiagnostic(_ message: CustomStringConvertible) {
    FileHandle.standardError.write(Data("netdissect: \(TerminalText.sanitize(message.description))\n".utf8))
}

/// Prints `netdissect: <message>` to stderr and returns the failure exit code to throw.
func commandFailure(_ message: CustomStringConvertible) -> ExitCode {
    printDiagnostic(message)
    return ExitCode.failure
}
