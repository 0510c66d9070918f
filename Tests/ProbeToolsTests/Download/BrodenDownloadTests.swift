import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import Dissection
@testable import ProbeTools

/// `netdissect broden download` against a loopback server serving a small generated archive.
@Suite(.serialized) struct BrodenDownloadTests {
    /// A small dataset in the Broden layout, zipped under `broden1_224/`, as bytes.
    static func makeArchive(extraEntry: String? = nil) throws -> [UInt8] {
        let dir = try makeTemporaryDirectory("broden-src")
        let root = dir + "/broden1_224"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/images/synth", withIntermediateDirectories: true)
        let files: [String: String] = [
            "index.csv": "image,split,ih,iw,sh,sw,color,object,material,part,scene,texture\n",
            "category.csv": "name,first,last,count,frequency\n",
            "label.csv": "number,name,category,frequency,coverage,syns\n",
        ]
        for (name, text) in files { try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8) }
        var rng = SeededGenerator(seed: 7)
        // Incompressible content so the archive is large enough to cut midway.
        let noise = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try Data(noise).write(to: URL(fileURLWithPath: root + "/images/synth/noise.bin"))
        let zipPath = dir + "/broden1_224.zip"
        let archive = try Archive(url: URL(fileURLWithPath: zipPath), accessMode: .create)
        for item in ["index.csv", "category.csv", "label.csv", "images/synth/noise.bin"] {
            try archive.addEntry(with: "broden1_224/" + item, relativeTo: URL(fileURLWithPath: dir),
                                 compressionMethod: .deflate)
        }
        if let extraEntry {
            let data = Data("evil".utf8)
            try archive.addEntry(with: extraEntry, type: .file, uncompressedSize: Int64(data.count),
                                 provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: zipPath)))
    }

    @Test func downloadsVerifiesAndUnpacks() throws {
        let server = try LoopbackHTTPServer(body: try Self.makeArchive())
        defer { server.stop() }
        let out = try makeTemporaryDirectory("broden-out")
        let job = BrodenDownload(variant: .size224, outDirectory: out, url: server.url)
        let dataset = try job.run()
        #expect(dataset == out + "/broden1_224")
        #expect(FileManager.default.fileExists(atPath: dataset + "/index.csv"))
        #expect(FileManager.default.fileExists(atPath: dataset + "/images/synth/noise.bin"))
        // A second run finds the dataset and does not ask the server again.
        let before = server.requests.count
        _ = try job.run()
        #expect(server.requests.count == before)
    }

    @Test func transferCutOffMidwayIsResumedWithARangeRequest() throws {
        let body = try Self.makeArchive()
        let server = try LoopbackHTTPServer(body: body, behaviour: .init(cutAfterBytes: body.count / 2))
        defer { server.stop() }
        let out = try makeTemporaryDirectory("broden-out")
        // First run: no retries, so it stops with what arrived kept in the part file.
        var transfer = ResumableDownload(url: server.url, destination: out + "/broden1_224.zip")
        transfer.retries = 0
        #expect(throws: DownloadError.self) { try transfer.run() }
        let partSize = (try FileManager.default.attributesOfItem(atPath: transfer.partPath)[.size] as? NSNumber)?.intValue
        #expect(partSize == body.count / 2)
        // Second run: asks for the rest only, and the archive then verifies and unpacks.
        let dataset = try BrodenDownload(variant: .size224, outDirectory: out, url: server.url).run()
        #expect(server.requests.last?.contains("range: bytes=\(body.count / 2)-") == true)
        let received = try Data(contentsOf: URL(fileURLWithPath: out + "/broden1_224.zip"))
        #expect([UInt8](received) == body)
        #expect(FileManager.default.fileExists(atPath: dataset + "/index.csv"))
    }

    @Test func retriesWithinOneRunResumeAutomatically() throws {
        let body = try Self.makeArchive()
        let server = try LoopbackHTTPServer(body: body, behaviour: .init(cutAfterBytes: body.count / 3, cutResponses: 2))
        defer { server.stop() }
        let out = try makeTemporaryDirectory("broden-out")
        var transfer = ResumableDownload(url: server.url, destination: out + "/a.zip")
        transfer.backoff = 0.01
        _ = try transfer.run()
        #expect(server.requests.count == 3)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/a.zip"))) == body)
    }

    @Test func serverThatIgnoresRangesStartsOver() throws {
        let body = try Self.makeArchive()
        let out = try makeTemporaryDirectory("broden-out")
        // Leave a stale half file behind, then serve from a server that ignores Range.
        try Data(body.prefix(1000)).write(to: URL(fileURLWithPath: out + "/a.zip.part"))
        let server = try LoopbackHTTPServer(body: body, behaviour: .init(ignoreRanges: true))
        defer { server.stop() }
        _ = try ResumableDownload(url: server.url, destination: out + "/a.zip").run()
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/a.zip"))) == body)
    }

    @Test func corruptArchiveIsRefusedAndNothingIsUnpacked() throws {
        var body = try Self.makeArchive()
        // Flip bytes inside the compressed noise (well past the local headers of the small CSVs).
        for i in stride(from: body.count / 2, to: body.count / 2 + 64, by: 1) { body[i] ^= 0x5A }
        let server = try LoopbackHTTPServer(body: body)
        defer { server.stop() }
        let out = try makeTemporaryDirectory("broden-out")
        #expect {
            try BrodenDownload(variant: .size224, outDirectory: out, url: server.url).run()
        } throws: { error in
            guard case DownloadError.corruptArchive = error else { return false }
            return "\(error)".contains("delete it and download it again")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/broden1_224"))
    }

    @Test func truncatedArchiveIsRefused() throws {
        let body = try Self.makeArchive()
        let out = try makeTemporaryDirectory("broden-out")
        try Data(body.prefix(body.count - 100)).write(to: URL(fileURLWithPath: out + "/broden1_224.zip"))
        #expect(throws: DownloadError.self) {
            try BrodenDownload(variant: .size224, outDirectory: out, url: URL(string: "http://127.0.0.1:9/")).run()
        }
    }

    @Test func entriesThatEscapeTheDestinationAreRefused() throws {
        let body = try Self.makeArchive(extraEntry: "../../escaped.txt")
        let out = try makeTemporaryDirectory("broden-out")
        try Data(body).write(to: URL(fileURLWithPath: out + "/broden1_224.zip"))
        #expect {
            try BrodenDownload(variant: .size224, outDirectory: out, url: URL(string: "http://127.0.0.1:9/")).run()
        } throws: { error in
            guard case DownloadError.unsafeEntry = error else { return false }
            return true
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/../../escaped.txt"))
    }

    @Test func hostThatDoesNotAnswerGetsTheManualAlternative() throws {
        // Port 9 (discard) on loopback has no listener here: connection refused.
        let out = try makeTemporaryDirectory("broden-out")
        var job = BrodenDownload(variant: .size224, outDirectory: out, url: URL(string: "http://127.0.0.1:9/broden1_224.zip"))
        job.url = URL(string: "http://127.0.0.1:9/broden1_224.zip")!
        #expect {
            try job.run()
        } throws: { error in
            let text = "\(error)"
            return text.contains("did not answer") && text.contains("\(out)/broden1_224.zip") && text.contains("--url")
        }
    }

    @Test func httpErrorsAreReportedWithTheirStatus() throws {
        let server = try LoopbackHTTPServer(body: [], behaviour: .init(status: 404))
        defer { server.stop() }
        let out = try makeTemporaryDirectory("broden-out")
        #expect {
            try ResumableDownload(url: server.url, destination: out + "/a.zip").run()
        } throws: { error in "\(error)".contains("HTTP 404") }
    }
}

/// libcurl is loaded when a download starts, not linked: netdissect starts without it.
@Suite struct LibcurlLoadingTests {
    @Test func netdissectDoesNotLinkLibcurl() throws {
        guard let binary = requireNetdissectBinary() else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [binary]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(listing.contains("libc.so"), "ldd printed no libraries: \(listing)")
        #expect(!listing.contains("libcurl"))
        #expect(!listing.contains("FoundationNetworking"))
    }

    @Test func aMissingLibcurlIsOneLineWithTheManualAlternative() throws {
        guard requireNetdissectBinary() != nil else { return }
        let out = try makeTemporaryDirectory("broden-out")
        let result = try runNetdissect(["broden", "download", "--variant", "224", "--out", out,
                                        "--url", "http://127.0.0.1:9/broden1_224.zip"],
                                       environment: ["NETDISSECT_LIBCURL": out + "/no-such-libcurl.so.4"], timeout: 60)
        #expect(result.status != 0 && !result.signalled && !result.timedOut)
        let lines = result.stderr.split(separator: "\n").filter { !$0.contains("downloading") }
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("NETDISSECT_LIBCURL=\(out)/no-such-libcurl.so.4 cannot be loaded"))
        #expect(result.stderr.contains("\(out)/broden1_224.zip"))
        #expect(!FileManager.default.fileExists(atPath: out + "/broden1_224.zip.part"))
    }
}
