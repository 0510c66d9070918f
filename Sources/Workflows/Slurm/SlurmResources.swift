// What a sharded run asks Slurm for (`--partition`, `--time`, `--mem`, `--cpus-per-task`,
// `--sbatch-arg`), checked before anything is written: a mistake is one line naming the option,
// never a job script that sbatch refuses half-way through a chain of submissions.

/// The resources every job of a sharded run requests.
public struct SlurmResources: Sendable, Equatable, Codable {
    public var partition: String?
    /// Wall time in one of Slurm's forms (`90`, `1:30:00`, `2-00:00:00`).
    public var time: String?
    /// Memory per node (`8G`, `500M`, `4000`).
    public var memory: String?
    public var cpusPerTask: Int?
    /// Further `sbatch` options, each one word as `--constraint=haswell`.
    public var extraArguments: [String]

    public init(partition: String? = nil, time: String? = nil, memory: String? = nil, cpusPerTask: Int? = nil,
                extraArguments: [String] = []) {
        self.partition = partition; self.time = time; self.memory = memory
        self.cpusPerTask = cpusPerTask; self.extraArguments = extraArguments
    }

    /// The options `netdissect slurm` sets itself on every job; an `--sbatch-arg` may not set them.
    static let reservedOptions = ["--array", "-a", "--dependency", "-d", "--output", "-o", "--error", "-e",
                                  "--job-name", "-J", "--parsable", "--wait", "-W", "--kill-on-invalid-dep",
                                  "--wrap", "--partition", "-p", "--time", "-t", "--mem", "--cpus-per-task", "-c"]

    /// Checks every value.
    /// - Throws: `SlurmFailure.badOption` naming the option and what is wrong.
    public func validate() throws(SlurmFailure) {
        if let partition {
            guard !partition.isEmpty, partition.allSatisfy({ $0.isLetter || $0.isNumber || "_-.,".contains($0) }) else {
                throw .badOption("--partition '\(partition)' is not a partition name (letters, digits, '_', '-', '.', ',' for several)")
            }
        }
        if let time, !Self.isSlurmTime(time) {
            throw .badOption("--time '\(time)' is not a Slurm time limit; use minutes (90), H:MM:SS (1:30:00) or D-HH:MM:SS (2-00:00:00)")
        }
        if let memory, !Self.isSlurmMemory(memory) {
            throw .badOption("--mem '\(memory)' is not a Slurm memory size; use a whole number with K, M, G or T (8G, 500M)")
        }
        if let cpusPerTask, !(1...4096).contains(cpusPerTask) {
            throw .badOption("--cpus-per-task must lie in [1, 4096], not \(cpusPerTask)")
        }
        for argument in extraArguments {
            guard argument.hasPrefix("-"), argument.count > 1 else {
                throw .badOption("--sbatch-arg '\(argument)' is not an sbatch option; give one option per --sbatch-arg, as --sbatch-arg=--constraint=haswell")
            }
            guard !argument.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw .badOption("--sbatch-arg holds a line break or a control character")
            }
            let name = String(argument.prefix { $0 != "=" && $0 != " " })
            if Self.reservedOptions.contains(name) {
                throw .badOption("--sbatch-arg '\(argument)': netdissect slurm sets \(name) itself; use its own option (--partition, --time, --mem, --cpus-per-task) or leave it out")
            }
        }
    }

    /// The `#SBATCH` lines for these resources, in a fixed order.
    var directives: [String] {
        var lines: [String] = []
        if let partition { lines.append("--partition=\(partition)") }
        if let time { lines.append("--time=\(time)") }
        if let memory { lines.append("--mem=\(memory)") }
        if let cpusPerTask { lines.append("--cpus-per-task=\(cpusPerTask)") }
        return lines + extraArguments
    }

    /// Slurm's time forms: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`, or `UNLIMITED`/`INFINITE`.
    static func isSlurmTime(_ text: String) -> Bool {
        if text == "UNLIMITED" || text == "INFINITE" || text == "infinite" || text == "unlimited" { return true }
        func numbers(_ s: Substring, most: Int) -> Bool {
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            return (1...most).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        }
        let dash = text.split(separator: "-", omittingEmptySubsequences: false)
        switch dash.count {
        case 1: return numbers(dash[0], most: 3)
        case 2: return numbers(dash[0], most: 1) && numbers(dash[1], most: 3)
        default: return false
        }
    }

    /// A whole number with an optional `K`, `M`, `G` or `T` suffix (Slurm's `--mem`).
    static func isSlurmMemory(_ text: String) -> Bool {
        var digits = Substring(text)
        if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
        return !digits.isEmpty && digits.count <= 12 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
