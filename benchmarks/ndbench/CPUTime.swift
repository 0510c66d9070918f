// CPU time of the whole process, which every benchmark prints beside wall time.
import Foundation

/// CPU time used by this process so far, in seconds (all threads): unlike wall time, it barely
/// moves when other jobs share the cores, so it is the figure that holds on a shared machine.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
