// Time spent in each fast kernel of a plan, for tuning: with NETDISSECT_PROFILE=1 in the
// environment, every kernel the provider prepares is timed on each call (wall and thread CPU
// time), and `KernelProfile.report()` lists them, slowest first. Off, it costs one nil check per
// call.
import Foundation
import Synchronization

/// Accumulated time per prepared kernel, when profiling is on.
public final class KernelProfile: Sendable {
    /// The process-wide profile, or nil unless NETDISSECT_PROFILE=1.
    package static let shared: KernelProfile? =
        ProcessInfo.processInfo.environment["NETDISSECT_PROFILE"] == "1" ? KernelProfile() : nil

    private struct Entry { var calls = 0, wall = 0.0, cpu = 0.0, order = 0 }
    private let entries = Mutex<[String: Entry]>([:])

    /// Runs `body`, charging its time to `name`.
    @inline(__always)
    package func measure(_ name: String, _ body: () -> Void) {
        let wall0 = DispatchTime.now().uptimeNanoseconds, cpu0 = Self.cpuSeconds()
        body()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e9, cpu = Self.cpuSeconds() - cpu0
        entries.withLock { table in
            var e = table[name] ?? Entry(order: table.count)
            e.calls += 1
            e.wall += wall
            e.cpu += cpu
            table[name] = e
        }
    }

    private static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// One line per kernel (calls, wall ms, CPU ms, name), in plan order, then the totals; nil
    /// when profiling is off.
    public static func report() -> String? {
        guard let shared else { return nil }
        let rows = shared.entries.withLock { $0.sorted { $0.value.order < $1.value.order } }
        var lines = rows.map { name, e in
            String(format: "%6d %10.2f %10.2f  ", e.calls, e.wall * 1000, e.cpu * 1000) + name
        }
        let wall = rows.reduce(0) { $0 + $1.value.wall }, cpu = rows.reduce(0) { $0 + $1.value.cpu }
        lines.insert(" calls    wall ms     cpu ms  kernel", at: 0)
        // (`%s` would read a C string: six blanks are written out instead.)
        lines.append("      " + String(format: " %10.2f %10.2f  total", wall * 1000, cpu * 1000))
        return lines.joined(separator: "\n")
    }
}

extension PreparedKernel {
    /// This kernel, timed under `name` when profiling is on.
    package func profiled(_ name: String) -> PreparedKernel {
        guard let profile = KernelProfile.shared else { return self }
        let run = self.run
        return PreparedKernel(label: label, scratchCount: scratchCount) { buffers in
            profile.measure(name) { run(buffers) }
        }
    }
}
