// The timing loop ndbench's one-kernel commands share: runs a prepared kernel once to warm up,
// then at least three times and at least `seconds`, and returns wall and CPU ms per run.
import Dispatch
import Runtime

struct KernelTiming {
    let ms: Double, cpuMs: Double

    init(seconds: Double, _ run: () -> Void) {
        run()
        var runs = 0
        let cpuStart = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while runs < 3 || elapsed < seconds {
            run()
            runs += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        ms = elapsed / Double(runs) * 1000
        cpuMs = (processCPUSeconds() - cpuStart) / Double(runs) * 1000
    }
}
