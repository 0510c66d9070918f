import Foundation
import Testing
import TestSupport
@testable import Render

@Suite struct TerminfoTests {
    @Test func reads256ColourEntries() throws {
        let info = try Terminfo.parse(try FixtureFiles.bytes("terminfo/nd-256"))
        #expect(info.maxColors == 256 && !info.truecolor)
        let xterm = try Terminfo.parse(try FixtureFiles.bytes("terminfo/xterm-256color"))
        #expect(xterm.maxColors == 256 && !xterm.truecolor)
    }

    @Test func readsDirectColourFromNumbersAndExtendedBooleans() throws {
        let direct = try Terminfo.parse(try FixtureFiles.bytes("terminfo/nd-direct"))
        #expect(direct.maxColors == 1 << 24)
        #expect(direct.extendedBooleans.contains("RGB") && direct.truecolor)
        let tc = try Terminfo.parse(try FixtureFiles.bytes("terminfo/nd-tc"))
        #expect(tc.maxColors == 8)
        #expect(tc.extendedBooleans == ["Tc", "XT"] && tc.truecolor)
    }

    @Test func loadSearchesTerminfoDirectories() throws {
        let root = try makeTemporaryDirectory("terminfo")
        try FileManager.default.createDirectory(atPath: root + "/n", withIntermediateDirectories: true)
        try Data(try FixtureFiles.bytes("terminfo/nd-direct")).write(to: URL(fileURLWithPath: root + "/n/nd-direct"))
        #expect(Terminfo.load(term: "nd-direct", environment: ["TERMINFO": root])?.truecolor == true)
        #expect(Terminfo.load(term: "nd-direct", environment: ["TERMINFO_DIRS": "/nonexistent:" + root])?.truecolor == true)
        #expect(Terminfo.load(term: "nd-missing", environment: ["TERMINFO": root, "TERMINFO_DIRS": root]) == nil)
        #expect(Terminfo.load(term: "../etc/passwd", environment: [:]) == nil)
        let caps = TerminalProbe.fromEnvironment(["TERM": "nd-direct", "TERMINFO": root])
        #expect(caps.truecolor)
    }

    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let good = try FixtureFiles.bytes("terminfo/nd-direct")
        #expect(throws: Terminfo.Malformed.self) { try Terminfo.parse([]) }
        #expect(throws: Terminfo.Malformed.self) { try Terminfo.parse([0x1A, 0x01, 0xFF]) }
        #expect(throws: Terminfo.Malformed.self) { try Terminfo.parse([0, 0] + good.dropFirst(2)) }
        for cut in stride(from: 0, to: good.count, by: 7) {
            _ = try? Terminfo.parse(Array(good.prefix(cut)))   // must not trap
        }
        var flipped = good
        for i in stride(from: 0, to: flipped.count, by: 5) { flipped[i] ^= 0xA5; _ = try? Terminfo.parse(flipped) }
    }

    @Test func aFIFOWhereTheDatabaseShouldBeIsRefusedWithoutWaiting() throws {
        let dir = try makeTemporaryDirectory("nd-terminfo-fifo")
        let fifo = dir + "/x"
        #expect(mkfifo(fifo, 0o600) == 0)
        let start = Date()
        #expect(Terminfo.readSmallFile(fifo) == nil)   // used to block in open until a writer came
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(Terminfo.readSmallFile(dir) == nil)    // a directory is no database either
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir + "/file"))
        #expect(Terminfo.readSmallFile(dir + "/file") == [1, 2, 3])
    }
}
