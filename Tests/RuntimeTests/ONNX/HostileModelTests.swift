// Hostile model directories, as an attacker would build them: external weights that are
// symbolic links out of the model's directory (to a file, through a linked subdirectory, through
// a chain of links), FIFOs and devices where files belong, a directory as a location, names with
// terminal escapes, names thousands of parts deep, inputs declared with a size of 0. Each is
// refused with one clear line (or, for names, loaded and listed), opens nothing outside the
// paths it was given, and never blocks.
import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct HostileModelTests {
    /// The 54 weights of `convRelu`'s `w`, as little-endian float32 bytes.
    static let weightBytes: Data = {
        var bytes = Data()
        for i in 0..<54 { withUnsafeBytes(of: Float(i).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }()

    /// A model directory and, beside it, a directory it must never read from, holding a valid
    /// weight file (so a followed link would load, not fail).
    struct Layout {
        let root: String
        var model: String { root + "/model" }
        var outside: String { root + "/outside" }

        init() throws {
            root = try makeTemporaryDirectory("hostile-model")
            try FileManager.default.createDirectory(atPath: root + "/model", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: root + "/outside", withIntermediateDirectories: false)
            try HostileModelTests.weightBytes.write(to: URL(fileURLWithPath: root + "/outside/secret.bin"))
        }

        /// Writes `model/m.onnx`, whose `w` is external data at `location` (with more `entries`
        /// such as `offset`); returns its path.
        func writeModel(location: String, _ entries: [(String, String)] = []) throws -> String {
            var m = HostileModelTests.convRelu()
            m.initializers[0].rawData = Data()
            m.initializers[0].dataLocation = .external
            m.initializers[0].externalData = ([("location", location)] + entries).map { key, value in
                var entry = Onnx_StringStringEntryProto()
                entry.key = key
                entry.value = value
                return entry
            }
            let path = model + "/m.onnx"
            try m.write(to: path)
            return path
        }

        func link(_ name: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: model + "/" + name, withDestinationPath: target)
        }
    }

    /// x -> Conv(w, b) -> Relu -> y, with `w` of shape (2, 3, 3, 3).
    static func convRelu() -> ModelBuilder {
        var m = ModelBuilder()
        m.initializer("w", [2, 3, 3, 3], (0..<54).map(Float.init))
        m.initializer("b", [2], [0, 1])
        m.node("Conv", ["x", "w", "b"], ["c"], name: "conv", ["pads": [1, 1, 1, 1]])
        m.node("Relu", ["c"], ["y"], name: "relu")
        m.outputs = ["y"]
        return m
    }

    /// The `ModelError` loading `path` throws, checked to be one line naming the model file;
    /// nil (with an issue recorded) when it loads or throws something else.
    func loadError(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> ModelError? {
        do {
            _ = try ONNXModel.load(path: path)
            Issue.record("\(path) loaded", sourceLocation: sourceLocation)
        } catch let error as ModelError {
            #expect(error.file == path, sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), "one line: \(error)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected a ModelError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// The external-data problem loading `path` reports, with nothing opened in `outside`.
    func externalProblem(_ path: String, outside: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ExternalDataProblem? {
        var error: ModelError?
        let opened = try filesOpened(in: outside) { error = loadError(path, sourceLocation: sourceLocation) }
        #expect(opened.isEmpty, "opened outside the model's directory: \(opened)", sourceLocation: sourceLocation)
        guard case let .externalData(tensor, _, problem)? = error?.kind else {
            Issue.record("expected an externalData error, got \(String(describing: error))", sourceLocation: sourceLocation)
            return nil
        }
        #expect(tensor == "w", sourceLocation: sourceLocation)
        return problem
    }

    // MARK: External data

    @Test func externalDataInsideTheDirectoryLoads() throws {
        let layout = try Layout()
        try Self.weightBytes.write(to: URL(fileURLWithPath: layout.model + "/w.bin"))
        let model = try ONNXModel.load(path: try layout.writeModel(location: "w.bin"))
        #expect(model.graph.initializers["w"]?.floats == (0..<54).map(Float.init))

        // A link that stays inside (w.bin -> real.bin), and a model directory that is itself
        // reached through a link, both resolve inside.
        let inner = try Layout()
        try Self.weightBytes.write(to: URL(fileURLWithPath: inner.model + "/real.bin"))
        try inner.link("w.bin", to: "real.bin")
        _ = try inner.writeModel(location: "w.bin")
        try FileManager.default.createSymbolicLink(atPath: inner.root + "/linked", withDestinationPath: inner.model)
        for path in [inner.model + "/m.onnx", inner.root + "/linked/m.onnx"] {
            var loaded: ONNXModel?
            let opened = try filesOpened(in: inner.outside) { loaded = try ONNXModel.load(path: path) }
            #expect(loaded?.graph.initializers["w"]?.floats == (0..<54).map(Float.init))
            #expect(opened.isEmpty)
        }
    }

    @Test func symbolicLinksOutOfTheDirectoryAreRefused() throws {
        let secret = "/outside/secret.bin"
        // w.bin -> the outside file
        let file = try Layout()
        try file.link("w.bin", to: file.outside + "/secret.bin")
        let real = RegularFile.realPath(file.outside + "/secret.bin")!
        #expect(try externalProblem(try file.writeModel(location: "w.bin"), outside: file.outside) == .linksOutside(realPath: real))

        // sub -> the outside directory; location sub/secret.bin
        let directory = try Layout()
        try directory.link("sub", to: "../outside")
        let problem = try externalProblem(try directory.writeModel(location: "sub/secret.bin"), outside: directory.outside)
        guard case let .linksOutside(realPath)? = problem, realPath.hasSuffix(secret) else {
            Issue.record("linked directory: \(String(describing: problem))"); return
        }

        // w.bin -> inner.bin -> ../outside/secret.bin: a chain that leaves on its last link
        let chain = try Layout()
        try chain.link("inner.bin", to: "../outside/secret.bin")
        try chain.link("w.bin", to: "inner.bin")
        guard case .linksOutside? = try externalProblem(try chain.writeModel(location: "w.bin"), outside: chain.outside) else {
            Issue.record("chain of links"); return
        }

        // A link to a system file the user can read.
        let system = try Layout()
        try system.link("w.bin", to: "/etc/passwd")
        guard case .linksOutside? = try externalProblem(try system.writeModel(location: "w.bin"), outside: system.outside) else {
            Issue.record("link to /etc/passwd"); return
        }
    }

    @Test func locationsThatAreNotFilesInsideAreRefused() throws {
        let layout = try Layout()
        try FileManager.default.createDirectory(atPath: layout.model + "/sub", withIntermediateDirectories: false)
        try layout.link("dangling.bin", to: "nowhere.bin")
        try layout.link("loop.bin", to: "loop.bin")
        let cases: [(String, ExternalDataProblem)] = [
            (".", .notRegularFile(what: "a directory")),
            ("sub", .notRegularFile(what: "a directory")),
            ("sub/", .notRegularFile(what: "a directory")),
            ("", .noLocation),
            ("/etc/passwd", .leavesDirectory),
            ("../outside/secret.bin", .leavesDirectory),
            ("sub/../../outside/secret.bin", .leavesDirectory),
            ("missing.bin", .missing),
            ("dangling.bin", .missing),
        ]
        for (location, expected) in cases {
            let problem = try externalProblem(try layout.writeModel(location: location), outside: layout.outside)
            #expect(problem == expected, "location '\(location)'")
        }
        guard case .unreadable? = try externalProblem(try layout.writeModel(location: "loop.bin"), outside: layout.outside) else {
            Issue.record("a loop of links"); return
        }
        // Offsets and lengths: not numbers, negative, or far beyond any file (no overflow).
        try Self.weightBytes.write(to: URL(fileURLWithPath: layout.model + "/w.bin"))
        let entries: [([(String, String)], ExternalDataProblem)] = [
            ([("offset", "-1")], .invalidEntry(key: "offset", value: "-1")),
            ([("length", "abc")], .invalidEntry(key: "length", value: "abc")),
            ([("length", "4")], .lengthMismatch(length: 4, needed: 216)),
            ([("offset", "\(Int.max)")], .beyondEnd(offset: Int.max, length: 216, size: 216)),
            ([("offset", "1")], .beyondEnd(offset: 1, length: 216, size: 216)),
        ]
        for (extra, expected) in entries {
            let path = try layout.writeModel(location: "w.bin", extra)
            #expect(try externalProblem(path, outside: layout.outside) == expected, "\(extra)")
            #expect(loadError(path)?.description.isEmpty == false)
        }
        // A model given as bytes has no directory to read external data from.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try layout.writeModel(location: "w.bin"))))
        #expect(throws: ModelError(file: "m.onnx", .externalData(tensor: "w", location: "w.bin", problem: .notAllowed))) {
            _ = try ONNXModel.load(bytes: bytes, name: "m.onnx")
        }
        // The message says what the location is and what to do, never a Foundation error code.
        let error = loadError(try layout.writeModel(location: "."))
        #expect(error?.description.contains("'.' is a directory, not a regular file") == true, "\(String(describing: error))")
        #expect(error?.description.contains("inside the model's directory") == true)
        #expect(error?.description.contains("NSCocoaErrorDomain") == false)
    }

    @Test func fifosAndDevicesAreRefusedWithoutBlocking() throws {
        let layout = try Layout()
        try makeFIFO(layout.model + "/w.bin")
        let path = try layout.writeModel(location: "w.bin")
        var problem: ExternalDataProblem?
        let blocked = try blocksOnFIFO(layout.model + "/w.bin") { problem = try externalProblem(path, outside: layout.outside) }
        #expect(!blocked, "blocked opening a FIFO as external data")
        #expect(problem == .notRegularFile(what: "a FIFO (named pipe)"))

        // The model file itself as a FIFO, and as a character device.
        try makeFIFO(layout.root + "/fifo.onnx")
        var error: ModelError?
        let blockedOnModel = blocksOnFIFO(layout.root + "/fifo.onnx") { error = loadError(layout.root + "/fifo.onnx") }
        #expect(!blockedOnModel, "blocked opening a FIFO as the model")
        guard case let .unreadable(reason)? = error?.kind, reason.contains("FIFO") else {
            Issue.record("FIFO model: \(String(describing: error))"); return
        }
        guard case let .unreadable(device)? = loadError("/dev/zero")?.kind, device.contains("character device") else {
            Issue.record("/dev/zero as a model"); return
        }

        // External data linked to a device outside is refused before its type matters.
        let zero = try Layout()
        try zero.link("w.bin", to: "/dev/zero")
        guard case .linksOutside? = try externalProblem(try zero.writeModel(location: "w.bin"), outside: zero.outside) else {
            Issue.record("link to /dev/zero"); return
        }

        // A .npy batch as a FIFO.
        try makeFIFO(layout.root + "/x.npy")
        var npyError: Error?
        let blockedOnBatch = blocksOnFIFO(layout.root + "/x.npy") {
            do { _ = try NPY.read(layout.root + "/x.npy") } catch { npyError = error }
        }
        #expect(!blockedOnBatch, "blocked opening a FIFO as a .npy batch")
        guard case let .unreadable(_, reason)? = npyError as? NPYError, reason.contains("FIFO") else {
            Issue.record("FIFO .npy: \(String(describing: npyError))"); return
        }
    }

    // MARK: Names

    /// A name with an OSC clipboard write, BEL, CSI colour, a newline and a right-to-left override.
    static let escapeName = "a\u{1B}]52;c;cm0gLXJmIH4=\u{07}b\u{1B}[31mc\nd\u{202E}e"

    @Test func hostileNamesAreKeptForLookupAndCutInMessages() throws {
        var m = Self.convRelu()
        m.nodes[0].name = "/feat/" + Self.escapeName + "/Conv"
        m.nodes[1].output = [Self.escapeName]
        m.outputs = [Self.escapeName]
        let model = try m.load()
        // The runtime keeps names exactly (a layer is looked up by them); printing filters them.
        #expect(try model.layers().last?.name == Self.escapeName)
        #expect(try model.resolveLayer(Self.escapeName) == Self.escapeName)

        // A name of 100,000 characters is cut in a message, which stays short and one line.
        var long = Self.convRelu()
        long.node("NonMaxSuppression", ["y"], ["z"], name: String(repeating: "L", count: 100_000))
        long.outputs = ["z"]
        guard let error = modelErrorOf({ _ = try long.load() }) else { return }
        #expect(error.description.count < 600, "\(error.description.count) characters")
        #expect(error.description.contains(String(repeating: "L", count: maxQuotedScalars) + "…"))
        #expect(error.description.hasSuffix(ModelError(file: "", error.kind).hint))

        // So is an unknown layer name given by the user, and a cause made long by a huge shape.
        guard let unknown = modelErrorOf({ _ = try model.resolveLayer(String(repeating: "q", count: 50_000)) }) else { return }
        #expect(unknown.description.count < 1_000)
    }

    @Test func deepModulePathsAreCappedAndOutermostFirst() throws {
        // 5,000 nested modules: the outer `maxDepth` paths are recorded, each inside the last.
        let parts = (0..<5_000).map { "m\($0)" }
        let paths = ModuleScopes.legacy("/" + parts.joined(separator: "/") + "/Conv")
        #expect(paths.count == ModuleScopes.maxDepth)
        #expect(paths.first == "m0")
        #expect(paths.last == parts.prefix(ModuleScopes.maxDepth).joined(separator: "."))
        // Components that extend the previous one (`a`, `a.b`, `a.b.b`, ...) stop at the length cap.
        let extending = (1..<3_000).map { "a" + String(repeating: ".b", count: $0) }
        let long = ModuleScopes.legacy("/" + extending.joined(separator: "/") + "/Conv")
        #expect(!long.isEmpty && long.allSatisfy { $0.utf8.count <= ModuleScopes.maxPathLength })
        #expect(zip(long, long.dropFirst()).allSatisfy { $1.hasPrefix($0 + ".") })
        let dynamo = ModuleScopes.dynamo([""] + (1...5_000).map { parts.prefix($0).joined(separator: ".") } + ["conv"])
        #expect(dynamo.count <= ModuleScopes.maxDepth && dynamo.first == "m0")

        var m = Self.convRelu()
        m.nodes[0].name = "/" + parts.joined(separator: "/") + "/Conv"
        let layers = try m.load().layers()
        #expect(layers.first?.modulePath == "m0")
        #expect(layers.first?.modulePaths.count == ModuleScopes.maxDepth)
        #expect(try m.load().resolveLayer("m0.m1.m2") == "c")
    }

    // MARK: Input sizes and messages

    @Test func inputsDeclaredWithSizeZeroAreRefusedAtLoad() throws {
        for dims in [[1, 3, 0, 0], [0, 3, 4, 4], [1, 0, 4, 4]] as [[Any]] {
            var m = Self.convRelu()
            m.inputDims = dims
            guard let error = modelErrorOf({ _ = try m.load() }), case let .invalidGraph(reason) = error.kind else {
                Issue.record("dims \(dims)"); continue
            }
            #expect(reason.contains("dimension of 0"), "\(reason)")
            #expect(!error.description.contains("does not fit the model"))
        }
        // Sizes outside 1...65536 asked of a valid model say so, not "does not fit".
        let model = try Self.convRelu().load()
        for (h, w) in [(0, 4), (4, 0), (1 << 17, 4)] {
            guard let error = modelErrorOf({ _ = try model.layers(height: h, width: w) }),
                  case .inputSizeOutOfRange = error.kind else { Issue.record("\(h) x \(w)"); continue }
            #expect(error.description.contains("1 to 65536"))
        }
        // A declared size too large for any run is refused when a size is asked of it, and the
        // hint gives the range rather than asking for "at least one image".
        var huge = Self.convRelu()
        huge.inputDims = [1, 3, 70_000, 70_000]
        let declared = try huge.load()
        guard let error = modelErrorOf({ _ = try declared.layers(height: declared.defaultInputSize.0, width: declared.defaultInputSize.1) }),
              case .inputSizeOutOfRange(found: [1, 3, 70_000, 70_000]) = error.kind else { Issue.record("declared 70000"); return }
        #expect(error.hint.contains("1 to 65536 pixels a side"), "\(error)")
    }

    @Test func structuralErrorsDoNotBlameTheInputSize() throws {
        // Weights of rank 3: no input size helps.
        var rank = Self.convRelu()
        rank.initializers[0] = ModelBuilder.tensor("w", [2, 3, 9], [Float](repeating: 0, count: 54))
        guard let structural = modelErrorOf({ _ = try rank.load().layers() }),
              case .invalidNode(node: "conv", op: "Conv", _) = structural.kind else { Issue.record("rank-3 weights"); return }
        #expect(!structural.description.contains("check the input size"), "\(structural)")

        // A bias that does not match the output channels, a missing Reshape shape.
        var bias = Self.convRelu()
        bias.initializers[1] = ModelBuilder.tensor("b", [3], [0, 1, 2])
        guard case .invalidNode? = modelErrorOf({ _ = try bias.load().layers() })?.kind else { Issue.record("bias"); return }

        // A flatten to a fixed size works at one input size only: that is the input size's fault.
        var flatten = ModelBuilder()
        flatten.initializer("shape", [2], ints: [1, 48])
        flatten.node("Reshape", ["x", "shape"], ["y"], name: "flatten")
        flatten.outputs = ["y"]
        let model = try flatten.load()
        _ = try model.layers(height: 4, width: 4)
        guard let sized = modelErrorOf({ _ = try model.layers(height: 8, width: 8) }),
              case .shape(node: "flatten", op: "Reshape", _) = sized.kind else { Issue.record("reshape"); return }
        #expect(sized.description.contains("check the input size"))
    }

    /// The `ModelError` `body` throws, or nil with an issue recorded.
    func modelErrorOf(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ModelError? {
        do {
            try body()
            Issue.record("nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as ModelError {
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected a ModelError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }
}
