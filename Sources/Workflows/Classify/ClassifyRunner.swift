// What `netdissect classify MODEL.onnx IMAGE...` does once its arguments are parsed: the top
// classes of each photo under torchvision's evaluation preprocessing (resize 256, centre crop 224,
// ImageNet normalisation), named with ImageNet's classes when the model has 1000 outputs. A photo
// that cannot be read is reported and skipped; a model that fails stops the command.
import Foundation
import Render
import Runtime

/// The classify command's arguments.
public struct ClassifyRequest: Sendable {
    /// The ONNX model.
    public var model: String
    /// The photos, in order.
    public var images: [String]
    /// Classes shown per photo.
    public var top: Int

    /// The `top` classes of each of `images` under `model`.
    public init(model: String, images: [String], top: Int = 5) {
        self.model = model; self.images = images; self.top = top
    }
}

/// Runs `netdissect classify`.
public enum ClassifyRunner {
    /// Classifies every photo of `request`, writing its lines to `output` (a sanitised `path:`
    /// line, then one line per class); a photo that cannot be read goes to `problem` as one line
    /// (`<path>: <cause>; <hint>`) and the others go on.
    /// - Returns: whether every photo was classified.
    /// - Throws: `ModelError` when the model cannot be loaded or fails on a photo.
    public static func run(_ request: ClassifyRequest, output: (String) -> Void, problem: (String) -> Void) throws -> Bool {
        let session = try ONNXModel.load(path: request.model).session(inputSize: 224)
        var allRead = true
        for path in request.images {
            do {
                let image = try ImageFile.decode(path)
                let crop = image.classifierInput()
                let x = Tensor(rgb8: crop.pixels, width: crop.width, height: crop.height, normalization: .imageNet)
                let logits = try session.run(x)[session.outputNames[0]]!
                let names = logits.count == 1000 ? ImageNet.classNames : nil
                for line in lines(path: path, ranked: Classification.top(request.top, logits: logits.data, names: names)) {
                    output(line)
                }
            } catch let error as ModelError {
                throw error
            } catch {
                problem("\(path): \(error); give a readable JPEG or PNG image")
                allRead = false
            }
        }
        return allRead
    }

    /// `path:` then `  12.34%  tabby (281)` per class (`class 281` without names).
    public static func lines(path: String, ranked: [RankedClass]) -> [String] {
        [TerminalText.sanitize(path) + ":"] + ranked.map { r in
            let label = r.name.map { "\($0) (\(r.index))" } ?? "class \(r.index)"
            return String(format: "  %6.2f%%  ", r.probability * 100) + label
        }
    }
}
