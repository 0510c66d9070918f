// `netdissect status` as text: a few labelled lines, then one line per shard of a sharded run.
//
//     run      /data/runs/r50
//     status   running: pass 1 of 2 (thresholds), 3 shards on Slurm
//     images   40 of 64 (62%) in this pass, 12.3 img/s, ETA 1m20s
//     shard 0  done     node n01  22/22 images  checkpoint 2026-12-04T17:40:01Z  job 12_0
//     shard 2  failed   node n01  exit 137 (killed by signal 9)  log /data/runs/r50/slurm/logs/pass1-12_2.log
//     merge 1  cancelled  submitted but never ran (a job it waited for failed)
//     next     netdissect slurm --resume /data/runs/r50 submits shard 2 and the jobs after it
import Foundation

extension RunStatusReport {
    /// The report as lines of text.
    public var lines: [String] {
        var out = ["run      \(run)"]
        var head = "status   \(status)"
        if status != "finished" { head += ": pass \(pass) of \(passes) (\(passName))" }
        if let sharded {
            head += ", \(sharded.shards) shard\(sharded.shards == 1 ? "" : "s")" + (sharded.merge != nil ? " on Slurm" : "")
        }
        out.append(head)
        if status != "finished" {
            let percent = imagesTotal > 0 ? " (\(Int((100 * Double(imagesDone) / Double(imagesTotal)).rounded(.down)))%)" : ""
            var images = "images   \(imagesDone) of \(imagesTotal)\(percent) in this pass"
            if sharded != nil { images += ", over all shards" }
            if let rate { images += String(format: ", %.1f img/s", rate) }
            if let etaSeconds { images += ", ETA " + ProgressPrinter.duration(etaSeconds) }
            out.append(images)
        } else {
            out.append("images   \(imagesTotal) per pass, \(imagesSkipped) skipped")
        }
        if let message { out.append("error    \(message)") }
        if let sharded {
            let width = "shard \(max(sharded.shards - 1, 0))".count
            for s in sharded.shardStates { out.append(Self.line(s, name: "shard \(s.shard ?? 0)", width: width)) }
            if status != "finished", let merge = sharded.merge { out.append(Self.line(merge, name: "merge \(pass)", width: width)) }
        }
        out.append("updated  \(updatedAt)")
        if let next { out.append("next     \(next)") }
        return out
    }

    /// One shard's (or the merge's) line, its name padded to `width`.
    static func line(_ s: ShardEntry, name: String, width: Int) -> String {
        func pad(_ text: String, _ n: Int) -> String { text + String(repeating: " ", count: max(0, n - text.count)) }
        var parts = [pad(name, width), pad(s.state, 7)]
        if let node = s.node { parts.append("node \(node)") }
        if let done = s.imagesDone, let total = s.imagesTotal { parts.append("\(done)/\(total) images") }
        if s.state == "failed" || s.state == "lost" || s.state == "cancelled" || s.state == "unknown" {
            if let reason = s.reason, !reason.isEmpty { parts.append(reason) }
            if let code = s.exitCode, code != 0, !(s.reason ?? "").contains("exit \(code)") { parts.append("exit \(code)") }
            if let log = s.log, !log.isEmpty { parts.append("log \(log)") }
        } else {
            if let checkpoint = s.lastCheckpoint { parts.append("checkpoint \(checkpoint)") }
            if let job = s.job { parts.append("job \(job)") }
        }
        return parts.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }

    /// The report as JSON (sorted keys), for scripts.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
