// What the runtime runs on, for `netdissect version`, the benchmarks and bug reports: the CPU, the
// kernel variant in use and the ones this CPU could run, OpenBLAS's own run-time choice, and the
// worker count.
import CCBlas
import Foundation

/// The machine and the kernels this process uses.
public enum RuntimeInfo {
    /// The CPU's model name (Linux: /proc/cpuinfo), or "unknown".
    public static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// OpenBLAS's kernel for this CPU and its build ("Zen; OpenBLAS 0.3.21 DYNAMIC_ARCH ...").
    public static var blas: String {
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        return "\(core) (\(config.trimmingCharacters(in: .whitespaces)))"
    }

    /// One line per fact, as `netdissect version` prints them.
    public static func lines(threads: Int = Parallelism.machine.threads) -> [String] {
        let forced = ProcessInfo.processInfo.environment["NETDISSECT_ISA"].flatMap { $0.isEmpty ? nil : $0 }
        let kernels = ProcessInfo.processInfo.environment["NETDISSECT_KERNELS"] == "reference"
            ? "reference operators only (NETDISSECT_KERNELS=reference)"
            : ISA.selected.description + (forced != nil ? " (NETDISSECT_ISA=\(forced!))" : " (the widest this CPU runs)")
        return [
            "cpu: \(cpuModel)",
            "kernels: \(kernels)",
            "this cpu runs: \(ISA.supported.map(\.rawValue).joined(separator: ", "))",
            "openblas: \(blas)",
            "threads: \(threads)",
        ]
    }
}
