// Images into network inputs: normalisation, channel order, batching, and reading a classifier's
// output. (Resizing and cropping for classifiers is Render's: RenderTests/ClassifierInputTests.)
import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct ImageInputTests {
    @Test func normalisesToPlanarChannels() {
        // 2 x 1 image: a red pixel and a white one.
        let pixels: [UInt8] = [255, 0, 0, 255, 255, 255]
        let x = Tensor(rgb8: pixels, width: 2, height: 1, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])
        #expect(x.shape == [1, 3, 1, 2])
        #expect(x.data == [1, 1, -1, 1, -1, 1])
        let bgr = Tensor(rgb8: pixels, width: 2, height: 1, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], bgr: true)
        #expect(bgr.data == [-1, 1, -1, 1, 1, 1])
        let imageNet = Tensor(rgb8: [0, 0, 0], width: 1, height: 1)
        assertClose(imageNet.data, [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225])
        let caffe = Tensor(rgb8: [10, 20, 30], width: 1, height: 1,
                           normalization: ImageNormalization(scale: 1, mean: [1, 2, 3], std: [1, 1, 1], bgr: true))
        #expect(caffe.data == [29, 18, 7])
    }

    @Test func batchesStackImages() {
        let x = Tensor(rgb8Images: [[0, 0, 0], [255, 255, 255]], width: 1, height: 1,
                       normalization: ImageNormalization(mean: [0, 0, 0], std: [1, 1, 1]))
        #expect(x.shape == [2, 3, 1, 1] && x.data == [0, 0, 0, 1, 1, 1])
        #expect(Tensor(rgb8Images: [], width: 4, height: 4).shape == [0, 3, 4, 4])
    }

    /// Every value of every image, RGB and BGR, torchvision's and a Caffe normalisation, equals
    /// the per-pixel formula's float exactly (the fast path reads each byte value from a table).
    @Test func normalisationEqualsThePerPixelFormula() {
        var g = SeededGenerator(seed: 11)
        let (w, h) = (7, 5)
        let images = (0..<3).map { _ in (0..<(w * h * 3)).map { _ in UInt8(truncatingIfNeeded: g.next()) } }
        let caffe = ImageNormalization(scale: 1, mean: [103.9, 116.8, 123.7], std: [1, 1, 1], bgr: true)
        for normalization in [ImageNormalization.imageNet, caffe, ImageNormalization(mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.4], bgr: true)] {
            let x = Tensor(rgb8Images: images, width: w, height: h, normalization: normalization)
            #expect(x.shape == [3, 3, h, w])
            #expect(x.data == Tensor.rgb8Reference(images, width: w, height: h, normalization: normalization))
        }
    }

    @Test func topClasses() {
        let top = Classification.top(2, logits: [0, 2, 1], names: ["a", "b", "c"])
        #expect(top.map(\.index) == [1, 2] && top.map(\.name) == ["b", "c"])
        let sum = Classification.top(3, logits: [0, 2, 1]).map(\.probability).reduce(0, +)
        #expect(abs(sum - 1) < 1e-6)
        #expect(ImageNet.classNames.count == 1000 && ImageNet.classNames[285] == "Egyptian cat")
    }

    /// The class names are a resource of the module, in the bundle SwiftPM puts beside the binary;
    /// without that bundle the error names it (where `Bundle.module` would stop the process).
    @Test func classNamesComeFromTheResourceBundle() throws {
        let names = try ImageNet.loadClassNames()
        #expect(names == ImageNet.classNames && names[0] == "tench" && names[999] == "toilet tissue")
        let elsewhere = URL(fileURLWithPath: try makeTemporaryDirectory("nd-no-bundle"))
        do throws(ResourceError) {
            _ = try RuntimeResources.url(of: "imagenet-classes.txt", binaryDirectory: elsewhere)
            Issue.record("a missing resource bundle was not reported")
        } catch {
            #expect(error.path == elsewhere.appendingPathComponent(RuntimeResources.bundleName).path)
            #expect(error.description.contains("is missing"))
        }
    }
}
