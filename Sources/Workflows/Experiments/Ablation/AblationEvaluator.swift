// Runs a classifier over a labelled image set with a set of units of one layer zeroed during the
// forward pass (the runtime's `LayerEdit.zeroUnits`), and returns its top-1 predictions.
//
// The images are decoded and preprocessed once; every evaluation normalises them batch by batch
// and spreads the batches over one session per worker (a session serialises its calls). A
// session's edits are fixed when it is made, so each set of ablated units gets fresh sessions.
import Dispatch
import Dissection
import Foundation
import Runtime

/// A classifier, a layer of it, and a labelled image set, ready to be evaluated under ablations.
public final class AblationEvaluator: @unchecked Sendable {
    public let model: ONNXModel
    /// The layer whose units are ablated, as the user named it.
    public let layer: String
    /// Units (channels) of that layer.
    public let units: Int
    /// Number of classes the model outputs.
    public let classes: Int
    /// Input side (square inputs).
    public let inputSize: Int
    /// True class of each image.
    public let labels: [Int]
    let pixels: [[UInt8]]
    let normalization: ImageNormalization
    let workers: Int
    let batch: Int

    /// Loads `modelPath`, checks `layer`, and decodes the images of `set`.
    /// - Throws: `AblationError` with the runtime's or the decoder's one-line message.
    public init(modelPath: String, layer: String, set: LabelledImages, inputSize: Int?, normalization: ImageNormalization,
                preprocessing: ClassifierPreprocessing = .centerCrop, workers: Int, batch: Int) throws(AblationError) {
        do {
            let model = try ONNXModel.load(path: modelPath)
            let size = inputSize ?? model.declaredInputSize.map { $0.height == $0.width ? $0.height : 0 } ?? 224
            guard size >= 1 else {
                throw AblationError("\(modelPath): the model takes a non-square input; ablation handles square inputs only")
            }
            let probe = try model.session(height: size, width: size, taps: [layer])
            guard let shape = probe.outputShapes[layer], shape.count >= 1, shape[0] >= 1 else {
                throw AblationError("\(modelPath): layer '\(layer)' has no channel axis; ablate a convolutional or linear layer")
            }
            let plain = try model.session(height: size, width: size)
            let outputs = plain.outputShapes[plain.outputNames[0]] ?? []
            let classes = outputs.reduce(1, *)
            guard classes >= 2, outputs.filter({ $0 > 1 }).count == 1 else {
                throw AblationError("\(modelPath): the first output has shape \(outputs) per image, not one score per class; ablate a classifier")
            }
            self.model = model
            self.layer = layer
            self.units = shape[0]
            self.classes = classes
            self.inputSize = size
        } catch let error as AblationError {
            throw error
        } catch {
            throw AblationError("\(error)")
        }
        guard set.classNames.count == classes else {
            throw AblationError("\(set.labelsFile): read for \(set.classNames.count) classes, the model has \(classes)")
        }
        labels = set.images.map(\.label)
        pixels = try set.decode(size: self.inputSize, preprocessing: preprocessing)
        self.normalization = normalization
        self.workers = max(1, workers)
        self.batch = max(1, batch)
    }

    /// Top-1 predictions on every image with `ablated` units (0-based) zeroed; none = the model as it is.
    /// - Throws: `AblationError` when the runtime fails.
    // images n -> session(zeroUnits) -> logits (n, classes) -> argmax n
    public func predictions(ablating ablated: Set<Int>) throws(AblationError) -> [Int] {
        precondition(ablated.allSatisfy { (0..<units).contains($0) }, "AblationEvaluator: unit out of range")
        let fixed = model.declaredBatch ?? batch
        let chunks = (pixels.count + fixed - 1) / fixed
        let parts = max(1, min(workers, chunks))
        let results = ResultSlots<[Int]>(count: parts)
        let edits: [String: LayerEdit] = ablated.isEmpty ? [:] : [layer: .zeroUnits(ablated)]
        let sessions: [Session]
        do {
            sessions = try (0..<parts).map { _ in try model.session(height: inputSize, width: inputSize, edits: edits) }
        } catch {
            throw AblationError("\(error)")
        }
        let size = inputSize, plane = size * size * 3, classes = self.classes
        let pixels = self.pixels, normalization = self.normalization
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let first = part * chunks / parts, last = (part + 1) * chunks / parts
            var predicted: [Int] = []
            let outcome = Result { () throws -> [Int] in
                for chunk in first..<last {
                    let start = chunk * fixed, end = min(pixels.count, start + fixed)
                    var images = Array(pixels[start..<end])
                    while images.count < fixed { images.append([UInt8](repeating: 0, count: plane)) }
                    let x = Tensor(rgb8Images: images, width: size, height: size, normalization: normalization)
                    let session = sessions[part]
                    let logits = try session.run(x)[session.outputNames[0]]!
                    for k in 0..<(end - start) {
                        let row = logits.data[(k * classes)..<((k + 1) * classes)]
                        // First index of the maximum, as torch.max does.
                        var best = row.startIndex
                        for i in row.indices where row[i] > row[best] { best = i }
                        predicted.append(best - k * classes)
                    }
                }
                return predicted
            }
            results.set(part, outcome)
        }
        var all: [Int] = []
        for part in 0..<parts {
            do { all += try results.get(part).get() } catch { throw AblationError("\(error)") }
        }
        return all
    }

    /// Per-class accuracy with `ablated` units zeroed.
    public func accuracy(ablating ablated: Set<Int>) throws(AblationError) -> ClassAccuracy {
        ClassAccuracy(labels: labels, predictions: try predictions(ablating: ablated))
    }
}
