// Where a layer's units are: reading the layout from a shape and the input size, rearranging to
// (C, H, W), and the layouts torchvision's transformers get through both exporters.
import Testing
import TestSupport
@testable import Runtime

@Suite struct UnitLayoutTests {
    @Test func layoutsFromShapes() {
        func infer(_ shape: [Int], _ h: Int = 224, _ w: Int = 224) -> UnitLayout? {
            UnitLayout.infer(shape: shape, inputHeight: h, inputWidth: w)
        }
        // Convolutional maps stay (C, H, W), whatever the rounding of their strides.
        #expect(infer([64, 112, 112]) == .channelsFirst(channels: 64, height: 112, width: 112))
        #expect(infer([96, 56, 56]) == .channelsFirst(channels: 96, height: 56, width: 56))
        #expect(infer([64, 55, 79], 224, 320) == .channelsFirst(channels: 64, height: 55, width: 79))
        #expect(infer([2048, 1, 1]) == .channelsFirst(channels: 2048, height: 1, width: 1))
        // (7, 7, 7) reads either way: the convolutional reading wins.
        #expect(infer([7, 7, 7]) == .channelsFirst(channels: 7, height: 7, width: 7))
        // Channels last: Swin's stages, ConvNeXt's blocks inside.
        #expect(infer([56, 56, 96]) == .channelsLast(height: 56, width: 56, channels: 96))
        #expect(infer([7, 7, 768]) == .channelsLast(height: 7, width: 7, channels: 768))
        #expect(infer([14, 20, 384], 224, 320) == .channelsLast(height: 14, width: 20, channels: 384))
        // Tokens: ViT-B/16 (a class token and 14 x 14 patches), without a class token, non-square.
        #expect(infer([197, 768]) == .tokens(prefix: 1, height: 14, width: 14, channels: 768))
        #expect(infer([196, 768]) == .tokens(prefix: 0, height: 14, width: 14, channels: 768))
        #expect(infer([1 + 14 * 20, 768], 224, 320) == .tokens(prefix: 1, height: 14, width: 20, channels: 768))
        // DeiT's class and distillation tokens.
        #expect(infer([198, 384]) == .tokens(prefix: 2, height: 14, width: 14, channels: 384))
        // Not spatial maps: logits, a vector, a rank-5 tensor, an empty axis.
        #expect(infer([1000]) == nil)
        #expect(infer([2, 3, 4, 5]) == nil)
        #expect(infer([0, 56, 56]) == nil)
        #expect(infer([]) == nil)
    }

    @Test func arrangeToChannelsFirst() {
        // One image, C = 3 on a 2 x 4 grid: value 100 c + 10 y + x at every layout's place for it.
        let c = 3, h = 2, w = 4
        func value(_ u: Int, _ y: Int, _ x: Int) -> Float { Float(100 * u + 10 * y + x) }
        var expected: [Float] = [], channelsLast: [Float] = []
        for u in 0..<c { for y in 0..<h { for x in 0..<w { expected.append(value(u, y, x)) } } }
        for y in 0..<h { for x in 0..<w { for u in 0..<c { channelsLast.append(value(u, y, x)) } } }
        let tokens = [Float](repeating: -1, count: 2 * c) + channelsLast
        let cases: [(UnitLayout, [Float])] = [
            (.channelsFirst(channels: c, height: h, width: w), expected),
            (.channelsLast(height: h, width: w, channels: c), channelsLast),
            (.tokens(prefix: 2, height: h, width: w, channels: c), tokens),
        ]
        for (layout, values) in cases {
            #expect(layout.valuesPerImage == values.count && layout.units == c && layout.height == h && layout.width == w)
            var y = [Float](repeating: .nan, count: c * h * w)
            values.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { layout.arrange(x.baseAddress!, into: $0.baseAddress!) } }
            #expect(y == expected, "\(layout)")
        }
    }

    /// The transformer fixtures: block outputs are token grids, Swin's stages channels last,
    /// ConvNeXt's stages channels first, under both exporters, named by module path.
    @Test(arguments: ["legacy", "dynamo"])
    func transformerLayersAreGrids(_ exporter: String) throws {
        func layout(_ family: String, _ module: String, size: Int) throws -> UnitLayout? {
            let model = try ONNXModel.load(path: Fixtures.path("transformers/torch_\(family)_\(exporter).onnx"))
            let value = try model.resolveLayer(module, inputSize: size)
            return try model.layers(inputSize: size).first { $0.name == value }?.layout
        }
        // ViT: 32 px, 8 px patches, 16 channels: 1 + 4 x 4 tokens.
        #expect(try layout("vit", "encoder.layers.encoder_layer_1", size: 32) == .tokens(prefix: 1, height: 4, width: 4, channels: 16))
        #expect(try layout("vit", "encoder.layers.encoder_layer_0", size: 32) == .tokens(prefix: 1, height: 4, width: 4, channels: 16))
        // Swin: 20 px, 2 px patches (10 x 10, padded to 4 x 4 windows), 8 channels, merged to 5 x 5 x 16.
        #expect(try layout("swin", "features.1", size: 20) == .channelsLast(height: 10, width: 10, channels: 8))
        #expect(try layout("swin", "features.3", size: 20) == .channelsLast(height: 5, width: 5, channels: 16))
        // ConvNeXt: stages are (C, H, W); the MLP inside a block is channels last.
        #expect(try layout("convnext", "features.1", size: 24) == .channelsFirst(channels: 8, height: 6, width: 6))
        #expect(try layout("convnext", "features.1.1.block.3", size: 24) == .channelsLast(height: 6, width: 6, channels: 32))
    }

    /// Edits address channels on axis 1: a token layer is refused with a reason, not edited wrongly.
    @Test func editsOfTokenLayersAreRefused() throws {
        let model = try ONNXModel.load(path: Fixtures.path("transformers/torch_vit_legacy.onnx"))
        #expect(throws: ModelError.self) {
            _ = try model.session(inputSize: 32, taps: ["encoder.layers.encoder_layer_1"],
                                  edits: ["encoder.layers.encoder_layer_1": .zeroUnits([0])])
        }
    }
}
