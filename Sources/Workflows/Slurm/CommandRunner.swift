// Running another program (`sbatch`, `squeue`, `scancel`, netdissect itself) with a deadline:
// the launcher never hangs on a controller that does not answer. Output goes through temporary
// files rather than pipes, so a chatty program cannot block on a full pipe while we wait.
import Foundation

/// What one run of a program did.
struct CommandOutput: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The last non-empty line of stderr, for a one-line message.
    var lastErrorLine: String {
        stderr.split(whereSeparator: \.isNewline).last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
    }

    /// What a failed netdissect said: its `netdissect: ` line, or its usage error's `Error: `
    /// line (without the prefix), else the last line of stderr.
    var netdissectFailure: String {
        let lines = stderr.split(whereSeparator: \.isNewline).map(String.init)
        for prefix in ["netdissect: ", "Error: "] {
            if let line = lines.last(where: { $0.hasPrefix(prefix) }) { return String(line.dropFirst(prefix.count)) }
        }
        return lastErrorLine
    }
}

/// Runs programs found in PATH (or given by absolute path), each with a timeout.
struct CommandRunner: Sendable {
    /// Extra environment for every program (the tests' `SLURM_CONF`, say); the rest is inherited.
    var environment: [String: String] = [:]

    /// The absolute path of `program` in PATH, or nil.
    func locate(_ program: String) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `program` with `arguments`, stopping it (SIGTERM, then SIGKILL) after `timeout` seconds.
    /// - Throws: `.notInstalled` when it is not found, `.timedOut`, or `.file` when it cannot start.
    func run(_ program: String, _ arguments: [String], timeout: Double) throws(SlurmFailure) -> CommandOutput {
        guard let executable = locate(program) else { throw .notInstalled(command: program) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("netdissect-cmd-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
            throw .file(path: scratch.path, reason: "cannot create a temporary directory (\(error.localizedDescription))")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        do {
            let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
            defer { try? out.close(); try? err.close() }
            process.standardOutput = out
            process.standardError = err
            try process.run()
        } catch {
            throw .file(path: executable, reason: "cannot run it (\(error.localizedDescription))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGTERM)
                let grace = Date().addingTimeInterval(5)
                while process.isRunning && Date() < grace { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        if timedOut { throw .timedOut(command: (program as NSString).lastPathComponent, seconds: timeout) }
        func text(_ url: URL) -> String {
            String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
        }
        return CommandOutput(status: process.terminationStatus, stdout: text(outURL), stderr: text(errURL))
    }
}
