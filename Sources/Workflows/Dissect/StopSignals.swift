// Ctrl-C, SIGTERM and SIGHUP on a headless `dissect`: the first one stops the run at its next
// batch boundary, after a checkpoint, so that what was computed since the last checkpoint is
// kept and the same command continues it (Slurm's scancel and a closed SSH session send SIGTERM
// and SIGHUP). A second Ctrl-C ends the process at once, as a user who repeats it expects.
import Dissection
import Foundation

/// Turns stop signals into a `RunControl.cancel()` while installed.
final class StopSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var received = 0

    /// Installs handlers for SIGINT, SIGTERM and SIGHUP that cancel `control`; `announce` prints a line.
    init(control: RunControl, announce: @escaping @Sendable (String) -> Void) {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                let count = lock.withLock { received += 1; return received }
                if count == 1 {
                    announce("stopping after the next checkpoint (\(Self.name(sig))); Ctrl-C again stops at once and loses what came since the last checkpoint")
                    control.cancel()
                } else if sig == SIGINT {
                    signal(SIGINT, SIG_DFL)
                    raise(SIGINT)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default handlers.
    func remove() {
        for source in sources { source.cancel() }
        sources = []
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
    }

    static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGINT: "Ctrl-C"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(sig)"
        }
    }
}
