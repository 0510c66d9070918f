// Driving the real explorer in tmux for end-to-end tests: a private tmux server per session,
// keys sent with send-keys, the screen read with capture-pane, polled until what a test waits
// for appears (never fixed sleeps).

import Foundation
import Testing

/// Runs a program to completion; returns its exit status and output (stdout and stderr).
///
/// posix_spawn and waitpid rather than Foundation's Process: Process learns that a child ended
/// through a descriptor the child inherits, so a child that leaves a daemon behind (tmux starting
/// its server) would look alive for as long as the daemon lives.
@discardableResult
func runProgram(_ path: String, _ arguments: [String], environment: [String: String] = [:],
                captureOutput: Bool = true) throws -> (Int32, String) {
    var fds: [Int32] = [-1, -1]
    if captureOutput { guard pipe(&fds) == 0 else { throw SpawnFailed(path: path) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if captureOutput {
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    // The test runner's threads block signals; a child (and the tmux server it leaves behind)
    // must start with none blocked and default handlers, or it cannot be told to stop.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t(), all = sigset_t()
    sigemptyset(&empty)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, &attributes, argv, envp) == 0 else { throw SpawnFailed(path: path) }
    var output: [UInt8] = []
    if captureOutput {
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n > 0 { output += buffer[0..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        close(fds[0])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exitStatus, String(decoding: output, as: UTF8.self))
}

struct SpawnFailed: Error { var path: String }

/// A program running in its own tmux server.
final class TmuxSession {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let socket: String
    let name = "e2e"

    /// Starts `command` in a `columns` x `rows` window; the shell prints `EXITED <status>` after it.
    init(_ command: [String], rows: Int = 24, columns: Int = 80, environment: [String: String] = [:]) throws {
        socket = "nd-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let env = (["LANG": "C.UTF-8", "TERM": "tmux-256color"].merging(environment) { $1 })
            .map { "\($0.key)=\(Self.quote($0.value))" }.sorted().joined(separator: " ")
        let shell = "env -u NO_COLOR -u LC_ALL \(env) \(command.map(Self.quote).joined(separator: " ")); echo EXITED $?; sleep 30"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", shell],
                 captureOutput: false)
    }

    deinit { close() }

    /// Stops the tmux server and everything in it.
    func close() { _ = try? tmux(["kill-server"]) }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ arguments: [String], captureOutput: Bool = true) throws -> String {
        guard let tmux = Self.tmux else { throw TmuxMissing() }
        return try runProgram(tmux, ["-L", socket] + arguments, captureOutput: captureOutput).1
    }

    /// Sends tmux key names (`j`, `Enter`, `Escape`, `Tab`, `C-c`).
    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    /// Types `text` literally.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    /// The screen as text.
    func screen() throws -> String { try tmux(["capture-pane", "-t", name, "-p"]) }

    /// Resizes the window (the program gets SIGWINCH).
    func resize(rows: Int, columns: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Waits until `predicate` holds for the screen, at most `timeout` seconds; returns the screen.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation,
                 _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            usleep(40_000)
        }
        Issue.record("waited \(timeout)s for \(what); the screen was:\n\(last)", sourceLocation: sourceLocation)
        return last
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try waitFor("'\(text)'", timeout: timeout, sourceLocation: sourceLocation) { $0.contains(text) }
    }
}

struct TmuxMissing: Error, CustomStringConvertible {
    var description: String { "tmux is not installed (scripts/bootstrap --test installs it)" }
}
