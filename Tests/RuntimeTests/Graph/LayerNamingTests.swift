// Naming layers: module paths from both exporters' records, and resolution by value name, node
// name or module path (the output of the module's last node).
import Testing
import TestSupport
@testable import Runtime

@Suite struct LayerNamingTests {
    @Test func legacyNodeNamesGiveFullModulePaths() {
        #expect(ModuleScopes.legacy("/features/features.13/conv/conv.0/conv.0.0/Conv")
                == ["features", "features.13", "features.13.conv", "features.13.conv.0", "features.13.conv.0.0"])
        #expect(ModuleScopes.legacy("/layer4/layer4.1/relu_1/Relu") == ["layer4", "layer4.1", "layer4.1.relu_1"])
        #expect(ModuleScopes.legacy("/GlobalAveragePool") == [])
        #expect(ModuleScopes.legacy("Conv_12") == [])
        #expect(ModuleScopes.legacy("") == [])
    }

    @Test func dynamoNameScopesDropRootAndOwnName() {
        let list = ModuleScopes.pythonStrings("['', 'features', 'features.8', 'features.8.conv', 'hardtanh_15']")
        #expect(list == ["", "features", "features.8", "features.8.conv", "hardtanh_15"])
        #expect(ModuleScopes.dynamo(list!) == ["features", "features.8", "features.8.conv"])
        #expect(ModuleScopes.pythonStrings(#"["a\"b", 'c']"#) == [#"a"b"#, "c"])
        #expect(ModuleScopes.pythonStrings("not a list") == nil)
        #expect(ModuleScopes.pythonStrings("['unterminated]") == nil)
        #expect(ModuleScopes.pythonStrings("[]") == [])
    }

    @Test func repeatedCallsMapToTheBasePath() {
        #expect(LayerNames.repeatedCallBase("layer4.1.relu_1") == "layer4.1.relu")
        #expect(LayerNames.repeatedCallBase("layer4.1.relu") == nil)
        #expect(LayerNames.repeatedCallBase("conv_a") == nil)
        #expect(LayerNames.repeatedCallBase("_1") == nil)
    }

    /// x -> /block/conv/Conv -> /block/Relu -> /head/Relu -> y, with legacy-style names.
    func legacyModel() throws -> ONNXModel {
        var m = ModelBuilder(inputDims: ["N", 2, 3, 3])
        m.initializer("w", [2, 2, 1, 1], [1, 0, 0, 1])
        m.node("Conv", ["x", "w"], ["/block/conv/Conv_output_0"], name: "/block/conv/Conv")
        m.node("Relu", ["/block/conv/Conv_output_0"], ["/block/Relu_output_0"], name: "/block/Relu")
        m.node("Neg", ["/block/Relu_output_0"], ["y"], name: "/head/Neg")
        m.outputs = ["y"]
        return try m.load()
    }

    @Test func namesResolveByValueNodeThenModule() throws {
        let model = try legacyModel()
        #expect(try model.resolveLayer("block") == "/block/Relu_output_0")
        #expect(try model.resolveLayer("block.conv") == "/block/conv/Conv_output_0")
        #expect(try model.resolveLayer("/block/Relu") == "/block/Relu_output_0")
        #expect(try model.resolveLayer("y") == "y")
        #expect(try model.resolveLayer("head") == "y")
        #expect(throws: ModelError.self) { try model.resolveLayer("w") }
        let layers = try model.layers(inputSize: 3)
        #expect(layers.map(\.modulePath) == ["block.conv", "block", "head"])
        #expect(layers.map(\.shape) == [[2, 3, 3], [2, 3, 3], [2, 3, 3]])
        #expect(layers[1].node == "/block/Relu" && layers[1].op == "Relu" && layers[1].units == 2)
    }

    @Test func dynamoMetadataNamesModules() throws {
        var m = ModelBuilder(inputDims: [1, 2, 3, 3])
        m.node("Relu", ["x"], ["relu"], name: "node_relu")
        m.node("Neg", ["relu"], ["neg"], name: "node_neg")
        func scopes(_ text: String) -> Onnx_StringStringEntryProto {
            var e = Onnx_StringStringEntryProto()
            e.key = ModuleScopes.nameScopesKey
            e.value = text
            return e
        }
        m.nodes[0].metadataProps = [scopes("['', 'features', 'features.0', 'relu']")]
        m.nodes[1].metadataProps = [scopes("['', 'features', 'features.1', 'neg']")]
        m.outputs = ["neg"]
        let model = try m.load()
        #expect(try model.resolveLayer("features.0") == "relu")
        #expect(try model.resolveLayer("features") == "neg")
        #expect(try model.layers().map(\.modulePaths) == [["features.0"], ["features", "features.1"]])
    }

    @Test func suggestionsForNearMisses() throws {
        let model = try legacyModel()
        do {
            _ = try model.session(inputSize: 3, taps: ["blok"])
            Issue.record("expected an unknown layer")
        } catch let error as ModelError {
            guard case let .unknownLayer(_, suggestions) = error.kind else { Issue.record("\(error)"); return }
            #expect(suggestions.first == "block")
            #expect(error.description.contains("netdissect layers"))
        }
    }
}
