// Golden-file snapshots of presenter output. Re-record with RECORD_SNAPSHOTS=1 (never by editing
// the files by hand); the files live in Fixtures/snapshots and are read through Bundle.module.

import Foundation
import Testing
import TestSupport

/// Compares `text` with the golden file `name.txt`, or writes it when RECORD_SNAPSHOTS=1.
func assertSnapshot(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    if record {
        let dir = URL(fileURLWithPath: packagePath("Tests/TUITests/Fixtures/snapshots"))
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? (text + "\n").write(to: dir.appendingPathComponent(name + ".txt"), atomically: true, encoding: .utf8)
        return
    }
    guard let base = Bundle.module.resourceURL,
          let expected = try? String(contentsOf: base.appendingPathComponent("Fixtures/snapshots/\(name).txt"),
                                     encoding: .utf8) else {
        Issue.record("no snapshot \(name).txt; record it with RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
        return
    }
    let want = expected.hasSuffix("\n") ? String(expected.dropLast()) : expected
    if want != text {
        let a = want.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? min(a.count, b.count)
        let wantLine = line < a.count ? String(a[line]) : "(none)"
        let gotLine = line < b.count ? String(b[line]) : "(none)"
        Issue.record("snapshot \(name) differs at line \(line + 1):\n  want: \(wantLine)\n  got:  \(gotLine)\n(re-record with RECORD_SNAPSHOTS=1 if the change is intended)",
                     sourceLocation: sourceLocation)
    }
}
