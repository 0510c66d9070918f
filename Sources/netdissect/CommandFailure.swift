// The one way runtime commands report a failure: `netdissect: <file>: <cause>; <hint>` on
// stderr and a non-zero exit. The libraries' errors already carry the file, cause and hint.
import ArgumentParser
import Foundation

/// Prints `netdissect: <message>` to stderr and returns the failure exit code to throw.
func commandFailure(_ message: CustomStringConvertible) -> ExitCode {
    FileHandle.standardError.write(Data("netdissect: \(message)\n".utf8))
    return ExitCode.failure
}
