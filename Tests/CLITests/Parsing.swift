// Parsing a command line the way the executable does (`Netdissect.parseAsRoot`), without running
// the command: the parsed subcommand, or the message a refused command line prints.
import ArgumentParser
import Testing
@testable import CLI

/// The subcommand `arguments` parse to, as `T`; records an issue when they are refused or parse
/// to another command.
func parsed<T: ParsableCommand>(_ arguments: [String], as type: T.Type,
                                sourceLocation: SourceLocation = #_sourceLocation) -> T? {
    do {
        let command = try Netdissect.parseAsRoot(arguments)
        guard let typed = command as? T else {
            Issue.record("\(arguments) parsed to \(Swift.type(of: command)), not \(T.self)", sourceLocation: sourceLocation)
            return nil
        }
        return typed
    } catch {
        Issue.record("\(arguments) was refused: \(Netdissect.message(for: error))", sourceLocation: sourceLocation)
        return nil
    }
}

/// The message printed when `arguments` are refused with a usage error (non-zero exit, not help
/// or version); nil, after recording an issue, when they parse.
func refusal(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    do {
        let command = try Netdissect.parseAsRoot(arguments)
        Issue.record("\(arguments) was accepted as \(type(of: command))", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(Netdissect.exitCode(for: error) != .success, "\(arguments): \(error)", sourceLocation: sourceLocation)
        return Netdissect.message(for: error)
    }
}
