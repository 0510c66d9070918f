// Ablation on the real MobileNetV2 (scripts/fetch-models) with a small labelled set the test makes
// itself: variants (centre crop, mirror, shifted crops) of the two bundled photos, each labelled
// with the model's OWN top-1 class when it is confident (probability >= 0.5). So the baseline
// accuracy is 1 by construction; what is tested is the path (preprocessing, sessions with the
// zeroUnits edit, accuracy) on a real network: removing every unit of features.13 collapses the
// predictions to one class, keeping them all changes nothing. Runs in release builds only (the
// debug runtime takes minutes per MobileNetV2 batch); `make test` and CI build release.
import Foundation
import Render
import Runtime
import Testing
import TestSupport
@testable import Dissection
@testable import Workflows

#if DEBUG
private let isRelease = false
#else
private let isRelease = true
#endif

private let root = packageRoot

@Suite(.enabled(if: isRelease, "MobileNetV2 runs in release builds (make test)"))
struct MobileNetAblationTests {
    /// Writes the self-labelled set into `dir`; returns how many images were kept.
    func makeSet(in dir: String, model: ONNXModel) throws -> Int {
        try FileManager.default.createDirectory(atPath: dir + "/images", withIntermediateDirectories: true)
        let session = try model.session(inputSize: 224)
        var csv = "image,class\n", kept = 0
        for photo in ["chelsea", "coffee"] {
            let image = try PNG.decodeRGB([UInt8](try Data(contentsOf: URL(fileURLWithPath: root + "/data/photos/\(photo).png"))))
            let resized = image.resizedAntialiased(width: image.width * 256 / min(image.width, image.height),
                                                   height: image.height * 256 / min(image.width, image.height))
            var variants: [[UInt8]] = []
            for (x0, y0) in [((resized.width - 224) / 2, (resized.height - 224) / 2), (0, 0), (resized.width - 224, resized.height - 224)] {
                var crop = [UInt8](repeating: 0, count: 224 * 224 * 3)
                for y in 0..<224 {
                    let src = ((y0 + y) * resized.width + x0) * 3
                    crop.replaceSubrange((y * 224 * 3)..<((y + 1) * 224 * 3), with: resized.pixels[src..<(src + 224 * 3)])
                }
                variants.append(crop)
            }
            var mirror = variants[0]
            for y in 0..<224 {
                for x in 0..<224 { for c in 0..<3 { mirror[(y * 224 + x) * 3 + c] = variants[0][(y * 224 + 223 - x) * 3 + c] } }
            }
            variants.append(mirror)
            for (k, pixels) in variants.enumerated() {
                let logits = try session.run(Tensor(rgb8: pixels, width: 224, height: 224))[session.outputNames[0]]!
                guard let best = Classification.top(1, logits: logits.data).first, best.probability >= 0.5 else { continue }
                let name = "\(photo)_\(k).png"
                try Data(try PNG.encode(RGBImage(width: 224, height: 224, pixels: pixels))).write(to: URL(fileURLWithPath: dir + "/images/" + name))
                csv += "\(name),\(best.index)\n"
                kept += 1
            }
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: dir + "/labels.csv"))
        return kept
    }

    @Test func removingAllUnitsOfALayerCollapsesThePredictions() throws {
        let path = root + "/models/mobilenet_v2.onnx"
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("\(path) is missing; run scripts/fetch-models (make test does)")
            return
        }
        let dir = try makeTemporaryDirectory("nd-mobilenet-ablate")
        let kept = try makeSet(in: dir, model: try ONNXModel.load(path: path))
        #expect(kept >= 4, "the photos' variants should mostly be classified confidently")
        func request(_ units: String, keep: Bool) -> AblateRequest {
            AblateRequest(model: path, layer: "features.13", images: dir + "/images", labels: dir + "/labels.csv",
                          selection: .units(units), keep: keep, preprocessing: .exact, batch: 4, threads: 2)
        }
        let all = try AblationRunner.run(request("1-96", keep: false))
        #expect(all.units == 96 && all.images == kept)
        #expect(all.baseline.accuracy == 1, "labels are the model's own predictions")
        #expect(all.ablatedAccuracy.accuracy < 1)
        // A constant features.13 gives one prediction for every image: at most one class stays right.
        #expect(all.ablatedAccuracy.classes.filter { $0.truePositives > 0 }.count <= 1)
        let none = try AblationRunner.run(request("1-96", keep: true))
        #expect(none.ablated.isEmpty && none.ablatedAccuracy == none.baseline)
    }
}
