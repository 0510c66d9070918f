// Files as an attacker arranges them: links out of a dataset, FIFOs, and a deadline for a body
// that might block on one.
import Dissection
import Foundation
import Render
import Testing
import TestSupport

/// A dataset of two usable images (`a/1.jpg`, `a/2.jpg`, 8x8, each with a 4x4 object layer).
public func writeUsableDataset() throws -> String {
    let directory = try writeDataset(index: "image,split,ih,iw,sh,sw,object,scene\n"
                                     + "a/1.jpg,train,8,8,4,4,a/1_object.png,3\na/2.jpg,val,8,8,4,4,a/2_object.png,3\n")
    for i in 1...2 {
        try writeFile(try JPEG.encode(RGBImage(width: 8, height: 8, fill: (9, 9, 9))), "\(directory)/images/a/\(i).jpg")
        try writeFile(try PNG.encode(LabelMap(width: 4, height: 4, labels: Array(repeating: 1, count: 16)).rgEncoded()),
                      "\(directory)/images/a/\(i)_object.png")
    }
    return directory
}

/// A directory outside every dataset, holding valid copies of what the links point at.
public func outsideCopy(of directory: String) throws -> String {
    let outside = try makeTemporaryDirectory("outside")
    try FileManager.default.removeItem(atPath: outside)
    try FileManager.default.copyItem(atPath: directory, toPath: outside)
    return outside
}

public func link(_ path: String, to target: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
}

public func fifo(_ path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    #expect(mkfifo(path, 0o644) == 0)
}

/// The result of a body run on another thread.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}

/// Runs `body` on another thread and waits at most `seconds`; on a timeout, records an issue
/// and opens every FIFO in `fifos` for writing and closes it, so that a reader blocked in
/// `open` or `read` gets end-of-file and the test process does not hang.
public func withinDeadline<T>(_ seconds: Double, fifos: [String], _ body: @escaping @Sendable () -> T?) -> T? {
    let box = ResultBox<T>()
    Thread { box.value = body(); box.done.signal() }.start()
    if box.done.wait(timeout: .now() + seconds) == .success { return box.value }
    Issue.record("blocked for more than \(seconds) s (on a FIFO?)")
    for path in fifos {
        let fd = open(path, O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
    }
    box.done.wait()
    return nil
}

