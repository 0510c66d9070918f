// Running the real `netdissect` executable in a subprocess, as a user would: its exit status,
// whether a signal ended it, whether it had to be stopped for taking too long, and what it wrote.
import Foundation
import Testing

/// The netdissect executable built beside the test bundle, or nil when it is not built.
public func netdissectBinary() -> String? {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = url.appendingPathComponent("netdissect").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        url = url.deletingLastPathComponent()
    }
    return nil
}

/// The netdissect executable; when it is not built, records an issue that says how to build it
/// and returns nil (a test that needs the binary fails rather than passing without running).
public func requireNetdissectBinary(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    guard let binary = netdissectBinary() else {
        Issue.record("\(BinaryMissing())", sourceLocation: sourceLocation)
        return nil
    }
    return binary
}

/// What one run of the executable did.
public struct CommandResult: Sendable {
    /// The exit status, or the signal number when `signalled`.
    public var status: Int32
    /// Whether a signal ended the process (a crash, or the kill after `timedOut`).
    public var signalled: Bool
    /// Whether it was still running after the time allowed and was killed (a hang).
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
}

/// Runs the executable with `arguments`, killing it when it runs longer than `timeout` seconds
/// (a guard against hangs, not a measure of speed).
public func runNetdissect(_ arguments: [String], environment: [String: String] = [:],
                          timeout: Double = 600) throws -> CommandResult {
    let directory = try makeTemporaryDirectory("nd-command")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let outPath = directory + "/stdout", errPath = directory + "/stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let process = Process()
    guard let binary = netdissectBinary() else { throw BinaryMissing() }
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while process.isRunning {
        if Date() > deadline {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            break
        }
        usleep(20_000)
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    func text(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
    return CommandResult(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                         timedOut: timedOut, stdout: text(outPath), stderr: text(errPath))
}

/// The error `runNetdissect` throws when the executable is not built.
public struct BinaryMissing: Error, CustomStringConvertible {
    public init() {}
    public var description: String {
        "the netdissect executable is not built beside the tests: run `swift build -c release -Xswiftc -enable-testing --build-tests` (make test does)"
    }
}

/// Runs the executable; returns (exit status or signal, terminated by a signal?, stderr).
public func runCommand(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, Bool, String) {
    let result = try runNetdissect(arguments, environment: environment)
    return (result.status, result.signalled, result.stderr)
}
