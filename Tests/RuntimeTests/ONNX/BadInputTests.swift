// Bad input gets one clear error naming the file and the cause, never a crash or a hang:
// unreadable and corrupt files, missing initializers, bad dimensions, cycles, unsupported
// operators and attributes, hostile external-data paths, inputs of the wrong shape.
import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct BadInputTests {
    /// The error thrown by `body`, which must be a `ModelError`.
    func modelError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ModelError? {
        do {
            try body()
            Issue.record("expected a ModelError, nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as ModelError {
            #expect(!error.description.contains("\n"), "one line: \(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(error.file + ": "), sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected a ModelError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// A valid little model: x -> Conv(w, b) -> Relu -> y.
    func convRelu() -> ModelBuilder {
        var m = ModelBuilder()
        m.initializer("w", [2, 3, 3, 3], [Float](repeating: 0.1, count: 54))
        m.initializer("b", [2], [0, 1])
        m.node("Conv", ["x", "w", "b"], ["c"], name: "conv", ["pads": [1, 1, 1, 1]])
        m.node("Relu", ["c"], ["y"], name: "relu")
        m.outputs = ["y"]
        return m
    }

    @Test func validModelLoadsAndRuns() throws {
        let model = try convRelu().load()
        let y = try model.session(inputSize: 4).run(.random([2, 3, 4, 4], seed: 1))["y"]!
        #expect(y.shape == [2, 2, 4, 4])
    }

    @Test func unreadableFiles() throws {
        let dir = try makeTemporaryDirectory("badinput")
        if case .unreadable? = modelError({ _ = try ONNXModel.load(path: "\(dir)/missing.onnx") })?.kind {} else { Issue.record("missing file") }
        if case .unreadable? = modelError({ _ = try ONNXModel.load(path: dir) })?.kind {} else { Issue.record("directory") }
        FileManager.default.createFile(atPath: "\(dir)/empty.onnx", contents: Data())
        if case .notONNX? = modelError({ _ = try ONNXModel.load(path: "\(dir)/empty.onnx") })?.kind {} else { Issue.record("empty") }
        FileManager.default.createFile(atPath: "\(dir)/text.onnx", contents: Data("this is not a model\n".utf8))
        if case .notONNX? = modelError({ _ = try ONNXModel.load(path: "\(dir)/text.onnx") })?.kind {} else { Issue.record("text") }
    }

    @Test func truncatedModelsAreRefused() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("golden/conv.onnx"))))
        for cut in [1, 10, bytes.count / 3, bytes.count / 2, bytes.count - 7, bytes.count - 1] {
            let error = modelError { _ = try ONNXModel.load(bytes: Array(bytes.prefix(cut)), name: "cut.onnx") }
            #expect(error?.file == "cut.onnx", "cut at \(cut)")
        }
    }

    @Test func missingInitializerNamesTheNodeAndValue() {
        var m = convRelu()
        m.initializers.removeAll { $0.name == "w" }
        let error = modelError { _ = try m.load() }
        #expect(error?.kind == .missingValue(node: "conv", value: "w"))
    }

    @Test func badInitializerDimensions() {
        for (dims, what) in [([2, -3, 3, 3], "negative"), ([1 << 40, 1 << 40, 3, 3], "overflowing"), ([2, 3, 3, 4], "size mismatch")] {
            var m = convRelu()
            m.initializers[0].dims = dims.map(Int64.init)
            guard case .invalidTensor(name: "w", _)? = modelError({ _ = try m.load() })?.kind else {
                Issue.record("\(what): expected invalidTensor")
                continue
            }
        }
    }

    @Test func cyclesAreNamed() {
        var m = ModelBuilder()
        m.node("Relu", ["x"], ["a"], name: "first")
        m.node("Add", ["a", "c"], ["b"], name: "second")
        m.node("Relu", ["b"], ["c"], name: "third")
        m.outputs = ["c"]
        guard case let .cycle(nodes)? = modelError({ _ = try m.load() })?.kind else { Issue.record("expected a cycle"); return }
        #expect(Set(nodes) == ["second", "third"])
        var selfLoop = ModelBuilder()
        selfLoop.node("Add", ["x", "y"], ["y"], name: "loop")
        selfLoop.outputs = ["y"]
        #expect(modelError({ _ = try selfLoop.load() })?.kind == .cycle(nodes: ["loop"]))
    }

    @Test func unsupportedOperatorsAndAttributesNameOpNodeAndOpset() {
        var nms = convRelu()
        nms.node("NonMaxSuppression", ["y"], ["z"], name: "boxes")
        nms.outputs = ["z"]
        let error = modelError { _ = try nms.load() }
        #expect(error?.kind == .unsupportedOperator(op: "NonMaxSuppression", node: "boxes", opset: 13))
        #expect(error?.description.contains("NonMaxSuppression") == true && error?.description.contains("boxes") == true
                && error?.description.contains("opset 13") == true)

        var wrap = ModelBuilder(opset: 19)
        wrap.initializer("pads", [8], ints: [0, 0, 1, 1, 0, 0, 1, 1])
        wrap.node("Pad", ["x", "pads"], ["y"], name: "pad", ["mode": "wrap"])
        wrap.outputs = ["y"]
        #expect(modelError({ _ = try wrap.load() })?.kind
                == .unsupportedAttribute(op: "Pad", node: "pad", opset: 19, attribute: "mode", value: "wrap"))

        // What the transformer operators do not run is refused the same way.
        for (op, attributes, attribute, value) in [
            ("Resize", ["mode": "cubic"], "mode", "cubic"),
            ("Resize", ["coordinate_transformation_mode": "tf_crop_and_resize"], "coordinate_transformation_mode", "tf_crop_and_resize"),
            ("Gelu", ["approximate": "sigmoid"], "approximate", "sigmoid"),
            ("ScatterND", ["reduction": "add"], "reduction", "add"),
        ] as [(String, [String: String], String, String)] {
            var refused = ModelBuilder(opset: 20)
            refused.node(op, ["x"], ["y"], name: "n", attributes)
            refused.outputs = ["y"]
            #expect(modelError({ _ = try refused.load() })?.kind
                    == .unsupportedAttribute(op: op, node: "n", opset: 20, attribute: attribute, value: value), "\(op) \(attributes)")
        }

        var autoPad = convRelu()
        autoPad.nodes[0].attribute = []
        autoPad.nodes[0].attribute.append({ var a = Onnx_AttributeProto(); a.name = "auto_pad"; a.type = .string; a.s = Data("BOTH".utf8); return a }())
        guard case .unsupportedAttribute(op: "Conv", node: "conv", opset: 13, attribute: "auto_pad", value: "BOTH")? = modelError({ _ = try autoPad.load() })?.kind else {
            Issue.record("auto_pad"); return
        }

        var custom = convRelu()
        custom.nodes[1].domain = "com.microsoft"
        guard case .unsupportedOperator(op: "com.microsoft.Relu", node: "relu", opset: 13)? = modelError({ _ = try custom.load() })?.kind else {
            Issue.record("custom domain"); return
        }
    }

    @Test func opsetsOutside7To21() {
        for opset: Int64 in [6, 22] {
            var m = convRelu()
            m.opset = opset
            #expect(modelError({ _ = try m.load() })?.kind == .unsupportedOpset(domain: "", version: Int(opset)))
        }
    }

    @Test func externalDataIsCheckedBeforeReading() throws {
        let dir = try makeTemporaryDirectory("external")
        func model(location: String, offset: Int? = nil) throws -> String {
            var m = convRelu()
            m.initializers[0].rawData = Data()
            m.initializers[0].dataLocation = .external
            var entries = [("location", location)]
            if let offset { entries.append(("offset", "\(offset)")) }
            m.initializers[0].externalData = entries.map { key, value in
                var e = Onnx_StringStringEntryProto()
                e.key = key
                e.value = value
                return e
            }
            let path = "\(dir)/m.onnx"
            try m.write(to: path)
            return path
        }
        var weights = Data()
        for _ in 0..<54 { withUnsafeBytes(of: Float(0.1).bitPattern.littleEndian) { weights.append(contentsOf: $0) } }
        try weights.write(to: URL(fileURLWithPath: "\(dir)/w.bin"))
        _ = try ONNXModel.load(path: try model(location: "w.bin"))  // valid
        let escaping = try model(location: "../w.bin")
        #expect(modelError({ _ = try ONNXModel.load(path: escaping) })?.kind
                == .externalData(tensor: "w", location: "../w.bin", problem: .leavesDirectory))
        let missing = try model(location: "nowhere.bin")
        let error = modelError { _ = try ONNXModel.load(path: missing) }
        #expect(error?.file == "\(dir)/m.onnx")
        #expect(error?.kind == .externalData(tensor: "w", location: "nowhere.bin", problem: .missing))
        let beyond = try model(location: "w.bin", offset: 100)
        #expect(modelError({ _ = try ONNXModel.load(path: beyond) })?.kind
                == .externalData(tensor: "w", location: "w.bin", problem: .beyondEnd(offset: 100, length: 216, size: 216)))
    }

    @Test func malformedGraphs() {
        var twoInputs = convRelu()
        var extra = Onnx_ValueInfoProto()
        extra.name = "second"
        var proto = twoInputs.proto
        proto.graph.input.append(extra)
        guard case .invalidGraph? = modelError({ _ = try ONNXModel.load(bytes: [UInt8](try proto.serializedBytes() as Data)) })?.kind else {
            Issue.record("two inputs"); return
        }
        twoInputs.inputDims = ["N", 3, -4, 4]
        guard case .invalidGraph? = modelError({ _ = try twoInputs.load() })?.kind else { Issue.record("negative input dim"); return }
        var duplicate = convRelu()
        duplicate.node("Relu", ["x"], ["c"], name: "again")
        guard case .invalidGraph? = modelError({ _ = try duplicate.load() })?.kind else { Issue.record("duplicate value"); return }
    }

    @Test func problemsFoundWhenPlanningNameTheNode() throws {
        var reshape = ModelBuilder()
        reshape.initializer("shape", [2], ints: [5, -1])
        reshape.node("Reshape", ["x"] + ["shape"], ["y"], name: "flatten")
        reshape.outputs = ["y"]
        let model = try reshape.load()
        guard case .shape(node: "flatten", op: "Reshape", _)? = modelError({ _ = try model.session(inputSize: 4) })?.kind else {
            Issue.record("reshape"); return
        }

        var dynamicIf = ModelBuilder()
        dynamicIf.node("ReduceMax", ["x"], ["m"], name: "max", ["keepdims": 0])
        dynamicIf.initializer("zero", [], [0])
        dynamicIf.node("Greater", ["m", "zero"], ["positive"], name: "test")
        dynamicIf.outputs = ["positive"]
        guard case .dynamic(node: "test", op: "Greater", _)? = modelError({ _ = try dynamicIf.load().session(inputSize: 4) })?.kind else {
            Issue.record("per-image comparison"); return
        }

        var indices = ModelBuilder()
        indices.node("MaxPool", ["x"], ["p", "i"], name: "pool", ["kernel_shape": [2, 2]])
        indices.node("Cast", ["i"], ["y"], name: "cast", ["to": 1])
        indices.outputs = ["y"]
        guard case .unsupportedAttribute(op: "MaxPool", node: "pool", _, _, _)? = modelError({ _ = try indices.load().layers() })?.kind else {
            Issue.record("MaxPool indices"); return
        }

        var huge = ModelBuilder()
        huge.initializer("shape", [1], ints: [1 << 40])
        huge.node("ConstantOfShape", ["shape"], ["big"], name: "fill")
        huge.node("Add", ["x", "big"], ["y"], name: "add")
        huge.outputs = ["y"]
        #expect(modelError({ _ = try huge.load().layers() }) != nil)
    }

    /// The transformer operators' parameters come from the file: each bad one is a one-line
    /// error naming the node, never a crash, a hang or a huge allocation.
    @Test func transformerOperatorsCheckTheirParameters() throws {
        func failure(_ build: (inout ModelBuilder) -> Void, opset: Int64 = 13) -> ModelError.Kind? {
            var m = ModelBuilder(opset: opset)
            build(&m)
            m.outputs = [m.nodes.last!.output[0]]
            return modelError({ _ = try m.load().layers() })?.kind
        }
        /// Whether `kind` is a shape or node error naming `node` and `op`.
        func names(_ kind: ModelError.Kind?, _ node: String, _ op: String) -> Bool {
            switch kind {
            case let .shape(n, o, _)?, let .invalidNode(n, o, _)?: n == node && o == op
            default: false
            }
        }
        // Resize: a scale that would make billions of pixels, a size of 0, sizes for the wrong rank.
        let resizes: [(String, [Int], [Float]?, [Int64]?)] = [
            ("huge scale", [4], [1, 1, 1e9, 1e9], nil), ("zero size", [4], nil, [1, 3, 0, 4]), ("rank", [2], nil, [8, 8]),
        ]
        for (what, dims, scales, sizes) in resizes {
            let kind = failure { m in
                if let scales { m.initializer("s", dims, scales) } else { m.initializer("s", dims, ints: sizes!) }
                m.node("Resize", scales != nil ? ["x", "", "s"] : ["x", "", "", "s"], ["y"], name: "up", ["mode": "linear"])
            }
            #expect(names(kind, "up", "Resize"), "Resize \(what): \(String(describing: kind))")
        }
        // ScatterND: an index past the end, indices of another rank than the updates.
        for (what, indices, updates) in [("past the end", [Int64](arrayLiteral: 0, 9), [1, 4, 4]), ("shape", [0, 1], [2, 4, 4])] {
            let kind = failure { m in
                m.initializer("i", [1, 2], ints: indices)
                m.initializer("u", updates, [Float](repeating: 1, count: updates.reduce(1, *)))
                m.node("ScatterND", ["x", "i", "u"], ["y"], name: "scatter")
            }
            #expect(names(kind, "scatter", "ScatterND"), "ScatterND \(what): \(String(describing: kind))")
        }
        // Split: sizes that overflow when added, or do not add up to the axis.
        for sizes: [Int64] in [[Int64.max, Int64.max], [1, 1]] {
            let kind = failure { m in
                m.initializer("s", [2], ints: sizes)
                m.node("Split", ["x", "s"], ["a", "b"], name: "split", ["axis": 1])
            }
            #expect(names(kind, "split", "Split"), "Split \(sizes): \(String(describing: kind))")
        }
        // LayerNormalization: an axis out of range, a scale of the wrong size.
        for (axis, scale) in [(4, 4), (-1, 5)] {
            let kind = failure({ m in
                m.initializer("g", [scale], [Float](repeating: 1, count: scale))
                m.node("LayerNormalization", ["x", "g"], ["y"], name: "ln", ["axis": axis])
            }, opset: 17)
            #expect(names(kind, "ln", "LayerNormalization"), "LayerNormalization axis \(axis): \(String(describing: kind))")
        }
    }

    @Test func runRefusesBatchesOfTheWrongShape() throws {
        let session = try convRelu().load().session(inputSize: 4)
        for shape in [[3, 4, 4], [1, 1, 4, 4], [1, 3, 5, 4], [0, 3, 4, 4]] {
            guard case .inputShape(_, found: shape)? = modelError({ _ = try session.run(Tensor(shape: shape)) })?.kind else {
                Issue.record("shape \(shape)")
                continue
            }
        }
    }

    @Test func unknownLayersAndBadEdits() throws {
        let model = try convRelu().load()
        guard case let .unknownLayer(name: "rel", suggestions)? = modelError({ _ = try model.session(taps: ["rel"]) })?.kind else {
            Issue.record("unknown layer"); return
        }
        #expect(suggestions.contains("relu"))
        guard case .invalidEdit? = modelError({ _ = try model.session(taps: ["y"], edits: ["c": .zeroUnits([2])]) })?.kind else {
            Issue.record("unit out of range"); return
        }
        guard case .invalidEdit? = modelError({ _ = try model.session(taps: ["y"], edits: ["c": .channelMatrix([1, 0, 0])]) })?.kind else {
            Issue.record("matrix size"); return
        }
    }
}
