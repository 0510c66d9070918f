// RegularFile: only regular files are opened, a FIFO without blocking; a path inside a directory
// stays inside it through any symbolic links; reads return what the file holds.
import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct RegularFileTests {
    /// The `RegularFile.Failure` `body` throws, or nil with an issue recorded.
    func failure(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> RegularFile.Failure? {
        do {
            try body()
            Issue.record("nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as RegularFile.Failure {
            return error
        } catch {
            Issue.record("expected a RegularFile.Failure, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test func readsRegularFiles() throws {
        let dir = try makeTemporaryDirectory("regular")
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/f.bin"))
        #expect(try RegularFile.contents(of: dir + "/f.bin", maxBytes: 1000) == bytes)
        let file = try RegularFile(path: dir + "/f.bin")
        #expect(file.size == 1000)
        #expect(try file.bytes(at: 990, count: 20) == Array(bytes[990...]))
        #expect(try file.data(at: 10, count: 5) == Data(bytes[10..<15]))
        #expect(try file.bytes(at: 2000, count: 4) == [])
        _ = FileManager.default.createFile(atPath: dir + "/empty", contents: Data())
        #expect(try RegularFile.contents(of: dir + "/empty", maxBytes: 0) == [])
        #expect(failure { _ = try RegularFile.contents(of: dir + "/f.bin", maxBytes: 999) }?.kind == .tooLarge)
    }

    @Test func refusesWhatIsNotARegularFile() throws {
        let dir = try makeTemporaryDirectory("regular")
        try makeFIFO(dir + "/fifo")
        var fifo: RegularFile.Failure?
        let blocked = blocksOnFIFO(dir + "/fifo") { fifo = failure { _ = try RegularFile(path: dir + "/fifo") } }
        #expect(!blocked)
        #expect(fifo?.kind == .notRegularFile(what: "a FIFO (named pipe)"))
        #expect(fifo?.reason == "it is a FIFO (named pipe), not a regular file")
        #expect(failure { _ = try RegularFile(path: dir) }?.kind == .notRegularFile(what: "a directory"))
        #expect(failure { _ = try RegularFile(path: "/dev/null") }?.kind == .notRegularFile(what: "a character device"))
        #expect(failure { _ = try RegularFile(path: dir + "/missing") }?.kind == .missing)
        _ = FileManager.default.createFile(atPath: dir + "/f", contents: Data([1]))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "f")
        #expect(try RegularFile(path: dir + "/link").size == 1)
        #expect(failure { _ = try RegularFile(path: dir + "/link", followLinks: false) }?.kind == .notRegularFile(what: "a symbolic link"))
        #expect(try RegularFile.contents(of: dir + "/link", maxBytes: 8) == [1])
        #expect(failure { _ = try RegularFile.contents(of: dir + "/link", maxBytes: 8, followLinks: false) }?.kind
                == .notRegularFile(what: "a symbolic link"))
    }

    @Test func pathsInsideADirectoryStayInside() throws {
        let root = try makeTemporaryDirectory("regular")
        let fm = FileManager.default
        for sub in ["/in", "/in/sub", "/out"] { try fm.createDirectory(atPath: root + sub, withIntermediateDirectories: false) }
        _ = fm.createFile(atPath: root + "/in/sub/a", contents: Data([1, 2]))
        _ = fm.createFile(atPath: root + "/out/secret", contents: Data([9]))
        try fm.createSymbolicLink(atPath: root + "/in/inner", withDestinationPath: "sub/a")
        try fm.createSymbolicLink(atPath: root + "/in/outer", withDestinationPath: "../out/secret")
        try fm.createSymbolicLink(atPath: root + "/in/dir", withDestinationPath: root + "/out")
        try fm.createSymbolicLink(atPath: root + "/linked", withDestinationPath: root + "/in")

        #expect(try RegularFile(path: "sub/a", inside: root + "/in").size == 2)
        #expect(try RegularFile(path: "inner", inside: root + "/in").size == 2)
        #expect(try RegularFile(path: "inner", inside: root + "/linked").size == 2)
        let secret = RegularFile.realPath(root + "/out/secret")!
        var opened: [String] = []
        opened = try filesOpened(in: root + "/out") {
            #expect(failure { _ = try RegularFile(path: "outer", inside: root + "/in") }?.kind == .outside(realPath: secret))
            #expect(failure { _ = try RegularFile(path: "dir/secret", inside: root + "/in") }?.kind == .outside(realPath: secret))
        }
        #expect(opened.isEmpty, "\(opened)")
        #expect(failure { _ = try RegularFile(path: ".", inside: root + "/in") }?.kind == .notRegularFile(what: "a directory"))
        #expect(failure { _ = try RegularFile(path: "nothing", inside: root + "/in") }?.kind == .missing)
        #expect(failure { _ = try RegularFile(path: "a", inside: root + "/nowhere") }?.kind == .missing)
    }
}
