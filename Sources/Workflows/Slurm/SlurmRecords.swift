// The files that say what happened to a sharded run's jobs, read back for `status` and
// `--resume`. launch.json is written by the launcher (JSON); the ledger and the task records
// are plain `key=value` / tab-separated text because bash writes or reads them inside jobs.
// Everything read is checked: a damaged file is named with its cause, never trusted.
import Foundation

/// What `netdissect slurm` was asked, kept in RUN/slurm/launch.json.
public struct SlurmLaunch: Codable, Sendable, Equatable {
    public var settings: JobScriptSettings
    /// When it was first launched (ISO 8601).
    public var launchedAt: String

    public init(settings: JobScriptSettings, launchedAt: String) {
        self.settings = settings; self.launchedAt = launchedAt
    }

    /// Reads `layout.launchFile`; nil when the run was never launched through Slurm.
    /// - Throws: `.file` when it exists but cannot be read or makes no sense.
    public static func read(_ layout: SlurmLayout) throws(SlurmFailure) -> SlurmLaunch? {
        guard FileManager.default.fileExists(atPath: layout.launchFile) else { return nil }
        let data = try SlurmFiles.read(layout.launchFile, limit: 1 << 20)
        guard let launch = try? JSONDecoder().decode(SlurmLaunch.self, from: data) else {
            throw .file(path: layout.launchFile, reason: "not a launch record netdissect slurm wrote (malformed JSON); launch the run again with netdissect slurm")
        }
        let s = launch.settings
        guard (1...100_000).contains(s.shards), (2...3).contains(s.passes), s.binary.hasPrefix("/") else {
            throw .file(path: layout.launchFile, reason: "shards \(s.shards), passes \(s.passes) or binary '\(s.binary)' out of range; launch the run again with netdissect slurm")
        }
        return launch
    }

    func write(_ layout: SlurmLayout) throws(SlurmFailure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw .file(path: layout.launchFile, reason: "\(error)") }
        try SlurmFiles.writeAtomically(data, to: layout.launchFile)
    }
}

/// One submitted job, a line of RUN/slurm/jobs: `stage<TAB>id<TAB>tasks<TAB>time`.
public struct SubmittedJob: Sendable, Equatable {
    public var stage: SlurmStage
    /// Slurm's job id (the array's id for an array).
    public var id: String
    /// The shards an array job runs (empty for a merge).
    public var tasks: [Int]
    public var submittedAt: String

    public init(stage: SlurmStage, id: String, tasks: [Int], submittedAt: String) {
        self.stage = stage; self.id = id; self.tasks = tasks; self.submittedAt = submittedAt
    }

    var line: String {
        "\(stage.name)\t\(id)\t\(tasks.isEmpty ? "-" : SlurmPlan.arraySpec(tasks))\t\(submittedAt)"
    }

    /// Reads the ledger, oldest first; empty when there is none.
    /// - Throws: `.file` naming the line that is not a job.
    public static func ledger(_ layout: SlurmLayout) throws(SlurmFailure) -> [SubmittedJob] {
        guard FileManager.default.fileExists(atPath: layout.ledgerFile) else { return [] }
        let text = String(decoding: try SlurmFiles.read(layout.ledgerFile, limit: 4 << 20), as: UTF8.self)
        var jobs: [SubmittedJob] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty && !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4, let stage = SlurmStage(name: f[0]), isJobID(f[1]),
                  let tasks = f[2] == "-" ? [] : parseArraySpec(f[2]) else {
                throw .file(path: layout.ledgerFile, reason: "line \(n + 1) is not 'stage<TAB>job id<TAB>tasks<TAB>time'; it was changed by hand or damaged")
            }
            jobs.append(SubmittedJob(stage: stage, id: f[1], tasks: tasks, submittedAt: f[3]))
        }
        return jobs
    }

    static func append(_ job: SubmittedJob, to layout: SlurmLayout) throws(SlurmFailure) {
        let path = layout.ledgerFile
        if !FileManager.default.fileExists(atPath: path) {
            let header = "# stage\tjob id\ttasks\tsubmitted (written by netdissect slurm; jobs after a failed one are cancelled)\n"
            guard FileManager.default.createFile(atPath: path, contents: Data(header.utf8)) else {
                throw .file(path: path, reason: "cannot create it; check the permissions of \(layout.directory)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw .file(path: path, reason: "cannot open it for appending; check its permissions")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((job.line + "\n").utf8))
        } catch {
            throw .file(path: path, reason: "cannot append to it (\(error.localizedDescription))")
        }
    }

    /// A Slurm job id: digits, or `digits_digits` for one array task.
    static func isJobID(_ s: String) -> Bool {
        let parts = s.split(separator: "_", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 18 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// `0-2,5` back to `[0, 1, 2, 5]`; nil when malformed or absurd.
    static func parseArraySpec(_ spec: String) -> [Int]? {
        var out: [Int] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let a = Int(ends[0]), let b = Int(ends.last!), 0 <= a, a <= b,
                  b < 1_000_000, out.count + (b - a) < 1_000_000 else { return nil }
            out += Array(a...b)
        }
        return out.isEmpty ? nil : out
    }
}

/// What a task wrote about itself in RUN/slurm/tasks/ (JobScript's `record`).
public struct TaskRecord: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case running, done, failed }
    public var stage: SlurmStage
    /// The shard, nil for a merge.
    public var shard: Int?
    /// `123_4` for an array task, `125` for a merge.
    public var job: String
    public var node: String
    public var log: String
    public var state: State
    /// The exit status of a finished task.
    public var exitCode: Int?
    /// When the record was written (ISO 8601).
    public var time: String

    public init(stage: SlurmStage, shard: Int?, job: String, node: String, log: String, state: State,
                exitCode: Int?, time: String) {
        self.stage = stage; self.shard = shard; self.job = job; self.node = node; self.log = log
        self.state = state; self.exitCode = exitCode; self.time = time
    }

    /// Parses a record's text; `path` names it in the failure.
    /// - Throws: `.file` naming the key that is missing or wrong.
    public static func parse(_ text: String, path: String) throws(SlurmFailure) -> TaskRecord {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        func bad(_ key: String) -> SlurmFailure {
            .file(path: path, reason: "its '\(key)' is missing or wrong; the task that writes it was changed or killed while writing")
        }
        guard let stage = values["stage"].flatMap(SlurmStage.init(name:)) else { throw bad("stage") }
        var shard: Int?
        if stage.isArray {
            guard let s = values["shard"].flatMap({ Int($0) }), (0..<100_000).contains(s) else { throw bad("shard") }
            shard = s
        }
        guard let job = values["job"], SubmittedJob.isJobID(job) else { throw bad("job") }
        guard let state = values["state"].flatMap(TaskRecord.State.init(rawValue:)) else { throw bad("state") }
        let exit = values["exit"].flatMap { Int($0) }
        if state == .failed && exit == nil { throw bad("exit") }
        return TaskRecord(stage: stage, shard: shard, job: job, node: String((values["node"] ?? "?").prefix(256)),
                          log: String((values["log"] ?? "").prefix(4096)), state: state, exitCode: exit,
                          time: String((values["time"] ?? "").prefix(64)))
    }

    /// The record of `stage` (and `shard`) in the run, nil when the task never started.
    public static func read(_ layout: SlurmLayout, _ stage: SlurmStage, shard: Int) throws(SlurmFailure) -> TaskRecord? {
        let path = layout.taskRecord(stage, shard: shard)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try parse(String(decoding: try SlurmFiles.read(path, limit: 64 << 10), as: UTF8.self), path: path)
    }

    /// `exit 137 (killed by signal 9)`, `exit 1`.
    public var exitDescription: String {
        guard let code = exitCode else { return "" }
        return code > 128 && code < 160 ? "exit \(code) (killed by signal \(code - 128))" : "exit \(code)"
    }
}

extension SlurmStage: Codable {
    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let stage = SlurmStage(name: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no stage '\(name)'"))
        }
        self = stage
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// Reading and writing the launcher's small files.
enum SlurmFiles {
    /// Reads at most `limit` bytes of a regular file.
    static func read(_ path: String, limit: Int) throws(SlurmFailure) -> Data {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular else {
            throw .file(path: path, reason: "not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .file(path: path, reason: "cannot be read; check its permissions") }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: limit + 1) ?? Data() else { throw .file(path: path, reason: "cannot be read") }
        guard data.count <= limit else { throw .file(path: path, reason: "larger than \(limit) bytes; it is not one netdissect slurm wrote") }
        return data
    }

    /// The last `bytes` of a file (a log's tail), or nil.
    static func tail(_ path: String, bytes: Int) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd() else { return nil }
        try? handle.seek(toOffset: end > UInt64(bytes) ? end - UInt64(bytes) : 0)
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `data` to a temporary file beside `path`, then renames it into place.
    static func writeAtomically(_ data: Data, to path: String) throws(SlurmFailure) {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .file(path: path, reason: "cannot write it (\(error.localizedDescription))")
        }
    }

    /// Creates `path` and its parents.
    static func makeDirectory(_ path: String) throws(SlurmFailure) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .file(path: path, reason: "cannot create the directory (\(error.localizedDescription))")
        }
    }
}
