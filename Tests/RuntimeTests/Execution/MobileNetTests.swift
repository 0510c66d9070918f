// The real pretrained MobileNetV2 (scripts/fetch-models writes it, and onnxruntime's outputs on
// the bundled photo, into models/): the photo is classified as a cat, and the logits and the
// tapped layer features.13 match onnxruntime.
import Foundation
import Render
import Testing
import TestSupport
@testable import Runtime

@Suite struct MobileNetTests {
    @Test func matchesOnnxruntimeOnThePhoto() throws {
        let model = try ONNXModel.load(path: try PackagePaths.model("mobilenet_v2.onnx"))
        let input = try NPY.read(try PackagePaths.model("mobilenet_v2.chelsea.input.npy"))
        let logits = try NPY.read(try PackagePaths.model("mobilenet_v2.chelsea.logits.npy"))
        let tap = try NPY.read(try PackagePaths.model("mobilenet_v2.chelsea.features.13.npy"))
        let session = try model.session(inputSize: 224, taps: ["features.13", "output"])
        let out = try session.run(input)
        assertClose(out["features.13"]!.data, tap.data, normwise: WholeModel.tolerance,
                    shape: out["features.13"]!.shape, expectedShape: tap.shape, "features.13")
        assertClose(out["output"]!.data, logits.data, normwise: WholeModel.tolerance,
                    shape: out["output"]!.shape, expectedShape: logits.shape, "output")
        let top = out["output"]!.data.indices.max { out["output"]!.data[$0] < out["output"]!.data[$1] }!
        #expect(ImageNet.classNames[top] == "Egyptian cat")
    }

    /// End to end as `netdissect classify` does it: PNG decoding, resize 256, crop 224, normalise.
    @Test func classifiesTheBundledPhotos() throws {
        let model = try ONNXModel.load(path: try PackagePaths.model("mobilenet_v2.onnx"))
        let session = try model.session(inputSize: 224)
        for (photo, expected) in [("chelsea.png", "Egyptian cat"), ("coffee.png", "espresso")] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: PackagePaths.path("data/photos/\(photo)"))))
            let image = try PNG.decodeRGB(bytes)
            let crop = image.classifierInput()
            let logits = try session.run(Tensor(rgb8: crop.pixels, width: 224, height: 224))["output"]!
            let top = Classification.top(1, logits: logits.data, names: ImageNet.classNames)[0]
            #expect(top.name == expected, "\(photo): \(top)")
        }
    }
}
