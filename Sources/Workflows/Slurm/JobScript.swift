// The job scripts of a sharded run: pure text from the run's settings, one script per stage
// (RUN/slurm/pass1.sbatch, merge1.sbatch, ...). Each script:
// - calls the same absolute netdissect binary that launched it, with the run's dissect options;
// - runs under `set -euo pipefail`, logs to RUN/slurm/logs/ (`pass1-%A_%a.log`, `merge1-%j.log`);
// - writes its task record (RUN/slurm/tasks/pass1-shard0, merge1: stage, shard, job, node, log,
//   state, exit code) for `netdissect status`, since many clusters have no accounting (sacct);
// - on failure cancels the jobs submitted after its own (read from RUN/slurm/jobs), besides
//   `--kill-on-invalid-dep=yes`, which does the same on clusters that honour it.
// Nothing in a script depends on job ids: dependencies and a resume's `--array` subset are given
// on sbatch's command line, so the same script serves the first submission and every resume.
import Foundation

/// What every job script of one run shares.
public struct JobScriptSettings: Sendable, Equatable, Codable {
    /// The run directory, absolute.
    public var run: String
    /// The netdissect executable, absolute.
    public var binary: String
    /// The dissect options every shard task repeats (absolute paths; no --out, --shard, --force).
    public var dissectArguments: [String]
    public var shards: Int
    public var passes: Int
    public var resources: SlurmResources

    public init(run: String, binary: String, dissectArguments: [String], shards: Int, passes: Int,
                resources: SlurmResources) {
        self.run = run; self.binary = binary; self.dissectArguments = dissectArguments
        self.shards = shards; self.passes = passes; self.resources = resources
    }
}

/// Writes the text of job scripts.
public enum JobScript {
    /// The file name of `stage`'s script inside RUN/slurm/.
    public static func fileName(_ stage: SlurmStage) -> String { "\(stage.name).sbatch" }

    /// The job name Slurm shows (squeue): `nd-<run folder>-pass1`.
    static func jobName(_ stage: SlurmStage, run: String) -> String {
        let folder = (run as NSString).lastPathComponent
        let safe = String(folder.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }.prefix(40))
        return "nd-\(safe.isEmpty ? "run" : safe)-\(stage.name)"
    }

    /// The script for `stage`.
    public static func text(_ stage: SlurmStage, _ s: JobScriptSettings) -> String {
        precondition((1...s.passes).contains(stage.pass) && s.shards >= 1)
        let layout = SlurmLayout(run: s.run)
        let passWord = "pass \(stage.pass) of \(s.passes)"
        var lines = ["#!/bin/bash"]
        switch stage {
        case .shards:
            lines += [
                "# netdissect slurm: \(passWord) of the run in \(s.run),",
                "# one array task per shard (0 to \(s.shards - 1) of \(s.shards)). A task does its shard of the run's",
                "# current pass; one whose shard is done exits 0 at once, a killed one resumes from its last",
                "# checkpoint. `netdissect slurm --resume RUN` submits this script again for missing shards.",
            ]
        case .merge:
            lines += [
                "# netdissect slurm: merges the \(s.shards) shards of \(passWord) into the run in \(s.run)",
                stage.pass == s.passes ? "# and finishes it (scores, tally.csv). Exits 0 at once when the run is past this pass."
                                       : "# and starts the next pass. Exits 0 at once when the run is past this pass.",
            ]
        }
        lines.append("#SBATCH --job-name=\(jobName(stage, run: s.run))")
        if stage.isArray { lines.append("#SBATCH --array=0-\(s.shards - 1)") }
        lines.append("#SBATCH --output=\(layout.logPattern(stage))")
        lines.append("#SBATCH --kill-on-invalid-dep=yes")
        lines += s.resources.directives.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail", ""]
        lines.append("run=\(ShellWord.quote(s.run))")
        lines.append("stage=\(stage.name)")
        if stage.isArray {
            lines += [
                "shard=$SLURM_ARRAY_TASK_ID",
                "job=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}",
                "first_job=$SLURM_ARRAY_JOB_ID",
                "log=\"$run/slurm/logs/\(stage.name)-$job.log\"",
                "record=\"$run/slurm/tasks/\(stage.name)-shard$shard\"",
            ]
        } else {
            lines += [
                "shard=",
                "job=$SLURM_JOB_ID",
                "first_job=$SLURM_JOB_ID",
                "log=\"$run/slurm/logs/\(stage.name)-$job.log\"",
                "record=\"$run/slurm/tasks/\(stage.name)\"",
            ]
        }
        lines += [
            "",
            "# The task's record, read by `netdissect status` (written whole, then renamed into place).",
            "record() {",
            "  mkdir -p \"$run/slurm/tasks\"",
            "  printf 'stage=%s\\nshard=%s\\njob=%s\\nnode=%s\\nlog=%s\\nstate=%s\\nexit=%s\\ntime=%s\\n' \\",
            "    \"$stage\" \"$shard\" \"$job\" \"$(hostname)\" \"$log\" \"$1\" \"${2-}\" \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \\",
            "    > \"$record.$SLURM_JOB_ID\"",
            "  mv -f \"$record.$SLURM_JOB_ID\" \"$record\"",
            "}",
            "# On failure, cancel every job submitted after this one (RUN/slurm/jobs lists them in order).",
            "finish() {",
            "  local code=$?",
            "  trap - EXIT",
            "  if [ \"$code\" -eq 0 ]; then record done 0; exit 0; fi",
            "  record failed \"$code\"",
            "  later=$(awk -v id=\"$first_job\" '$1 !~ /^#/ && seen {print $2} $2 == id {seen = 1}' \"$run/slurm/jobs\" 2>/dev/null || true)",
            "  if [ -n \"$later\" ]; then timeout 60 scancel $later || true; fi",
            "  exit \"$code\"",
            "}",
            "trap finish EXIT",
            "trap 'exit 143' TERM",
            "trap 'exit 130' INT",
            "record running",
            "",
        ]
        switch stage {
        case .shards:
            // One option (with its values) per line, so that a person reads the command at a glance.
            lines.append(ShellWord.join([s.binary, "dissect"]) + " \\")
            for option in optionGroups(s.dissectArguments) { lines.append("  " + ShellWord.join(option) + " \\") }
            // --pass: a task that starts late (requeued after its pass was merged) does nothing.
            lines.append("  --out \"$run\" --shard \"$shard/\(s.shards)\" --pass \(stage.pass)")
        case .merge(let pass):
            let threads = s.resources.cpusPerTask.map { " --threads \($0)" } ?? ""
            lines.append(ShellWord.join([s.binary, "merge"]) + " \"$run\" --pass \(pass)\(threads)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `arguments` cut before each `--option` (a value such as `-0.5` stays with its option).
    static func optionGroups(_ arguments: [String]) -> [[String]] {
        var groups: [[String]] = []
        for word in arguments {
            if word.hasPrefix("--") || groups.isEmpty { groups.append([word]) } else { groups[groups.count - 1].append(word) }
        }
        return groups
    }
}
