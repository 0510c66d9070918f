// The model-facing commands (`layers`, `infer`, `classify`) on hostile model directories, run as
// a user runs them: the built executable in a subprocess. Each refusal is one line on stderr
// with exit status 1 and nothing on stdout; nothing hangs (a FIFO is never waited on) or
// crashes; names from the file reach the terminal without control characters.
import Foundation
import Render
import Testing
import TestSupport
@testable import Runtime

@Suite struct HostileModelCommandTests {
    /// Whether `text` holds a character that must not reach a terminal (line breaks allowed).
    static func hasControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 != "\n" && TerminalText.isInvisibleControl($0) }
    }

    /// Runs the executable (killed after 60 s: a hang, not slowness) and checks what every run
    /// must do: finish, without a signal.
    func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult? {
        guard requireNetdissectBinary(sourceLocation: sourceLocation) != nil else { return nil }
        let result = try runNetdissect(arguments, timeout: 60)
        #expect(!result.timedOut, "\(arguments) hung", sourceLocation: sourceLocation)
        #expect(!result.signalled, "\(arguments) crashed: \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    /// Runs a command that must be refused: exit 1, one line on stderr naming `file` and
    /// containing `cause`, nothing on stdout, no control characters.
    func expectRefusal(_ arguments: [String], file: String, cause: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let result = try run(arguments, sourceLocation: sourceLocation) else { return }
        #expect(result.status == 1, "\(arguments): exit \(result.status)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "\(arguments): not one line: \(result.stderr.debugDescription)",
                sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("netdissect: " + file + ": "), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(cause), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(!Self.hasControls(result.stderr), "\(result.stderr.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func externalDataLinksFIFOsAndDirectoriesAreRefused() throws {
        let layout = try HostileModelTests.Layout()
        let batch = layout.root + "/x.npy"
        try NPY.write(.random([1, 3, 4, 4], seed: 3), to: batch)

        try layout.link("w.bin", to: "/etc/passwd")
        let model = try layout.writeModel(location: "w.bin")
        try expectRefusal(["layers", model], file: model, cause: "symbolic link out of the model's directory")
        try expectRefusal(["infer", model, "--input", batch, "--output", layout.root + "/y.npy"], file: model,
                          cause: "symbolic link out of the model's directory")
        #expect(!FileManager.default.fileExists(atPath: layout.root + "/y.npy"))

        try FileManager.default.removeItem(atPath: layout.model + "/w.bin")
        try layout.link("sub", to: "../outside")
        try expectRefusal(["layers", try layout.writeModel(location: "sub/secret.bin")], file: model,
                          cause: "symbolic link out of the model's directory")

        try makeFIFO(layout.model + "/w.bin")
        try expectRefusal(["layers", try layout.writeModel(location: "w.bin")], file: model, cause: "is a FIFO (named pipe), not a regular file; external weight files must be regular files inside the model's directory; put the file")
        try expectRefusal(["layers", try layout.writeModel(location: ".")], file: model, cause: "'.' is a directory, not a regular file")
    }

    @Test func fifosWhereFilesBelongAreRefused() throws {
        let dir = try makeTemporaryDirectory("hostile-fifo")
        let model = dir + "/m.onnx"
        try HostileModelTests.convRelu().write(to: model)
        for name in ["fifo.onnx", "fifo.npy", "fifo.png"] { try makeFIFO(dir + "/" + name) }
        try expectRefusal(["layers", dir + "/fifo.onnx"], file: dir + "/fifo.onnx", cause: "FIFO")
        try expectRefusal(["infer", model, "--input", dir + "/fifo.npy", "--output", dir + "/y.npy"], file: dir + "/fifo.npy", cause: "FIFO")
        try expectRefusal(["classify", model, dir + "/fifo.png"], file: dir + "/fifo.png", cause: "FIFO")
    }

    @Test func namesWithEscapesAreFilteredWhenPrinted() throws {
        let dir = try makeTemporaryDirectory("hostile-names")
        var m = HostileModelTests.convRelu()
        m.nodes[0].name = "/feat/" + HostileModelTests.escapeName + "/Conv"
        m.nodes[1].output = [HostileModelTests.escapeName]
        m.outputs = [HostileModelTests.escapeName]
        m.inputName = "in\u{1B}[2J"
        m.nodes[0].input[0] = m.inputName
        try m.write(to: dir + "/names.onnx")
        guard let listed = try run(["layers", dir + "/names.onnx"]) else { return }
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(!Self.hasControls(listed.stdout), "\(listed.stdout.debugDescription)")
        #expect(listed.stdout.split(separator: "\n").count == 4, "a header, the titles and two layers: \(listed.stdout)")

        var unsupported = HostileModelTests.convRelu()
        unsupported.node("NonMaxSuppression", ["y"], ["z"], name: "up\u{1B}]52;c;cm0gLXJmIH4=\u{07}\nsample")
        unsupported.outputs = ["z"]
        try unsupported.write(to: dir + "/unsupported.onnx")
        try expectRefusal(["layers", dir + "/unsupported.onnx"], file: dir + "/unsupported.onnx", cause: "operator NonMaxSuppression")

        // 5,000 nested modules list at once, in rows of bounded width.
        var deep = HostileModelTests.convRelu()
        deep.nodes[0].name = "/" + (0..<5_000).map { "m\($0)" }.joined(separator: "/") + "/Conv"
        deep.nodes[0].output = [String(repeating: "v", count: 20_000)]
        deep.nodes[1].input = [deep.nodes[0].output[0]]
        try deep.write(to: dir + "/deep.onnx")
        guard let rows = try run(["layers", dir + "/deep.onnx"]) else { return }
        #expect(rows.status == 0, "\(rows.stderr)")
        let widest = rows.stdout.split(separator: "\n").map { TerminalText.displayWidth(String($0)) }.max() ?? 0
        #expect(widest < 300, "a row of \(widest) columns")

        // `infer` names the output it wrote: a 20,000-character name with escapes is filtered and cut.
        var long = HostileModelTests.convRelu()
        let outputName = "\u{1B}]0;title\u{07}" + String(repeating: "o", count: 20_000)
        long.nodes[1].output = [outputName]
        long.outputs = [outputName]
        try long.write(to: dir + "/long.onnx")
        try NPY.write(.random([1, 3, 4, 4], seed: 5), to: dir + "/x.npy")
        guard let wrote = try run(["infer", dir + "/long.onnx", "--input", dir + "/x.npy", "--output", dir + "/y.npy"]) else { return }
        #expect(wrote.status == 0, "\(wrote.stderr)")
        #expect(wrote.stdout.hasPrefix("wrote \(dir)/y.npy: ooo") && wrote.stdout.hasSuffix("… [1, 2, 4, 4]\n"), "\(wrote.stdout.prefix(200))")
        #expect(TerminalText.displayWidth(wrote.stdout) < 300 && !Self.hasControls(wrote.stdout), "\(wrote.stdout.debugDescription)")
        #expect(try NPY.readHeader(dir + "/y.npy").shape == [1, 2, 4, 4])
    }

    @Test func messagesSayWhatIsWrong() throws {
        let dir = try makeTemporaryDirectory("hostile-messages")
        var zero = HostileModelTests.convRelu()
        zero.inputDims = [1, 3, 0, 0]
        try zero.write(to: dir + "/zero.onnx")
        try expectRefusal(["layers", dir + "/zero.onnx"], file: dir + "/zero.onnx", cause: "a dimension of 0 takes no image")

        var rank = HostileModelTests.convRelu()
        rank.initializers[0] = ModelBuilder.tensor("w", [2, 3, 9], [Float](repeating: 0, count: 54))
        try rank.write(to: dir + "/rank.onnx")
        try expectRefusal(["layers", dir + "/rank.onnx"], file: dir + "/rank.onnx", cause: "malformed whatever the input size")
    }
}
