// `--model M.onnx`: the tapped layers' activations, computed batch by batch by the runtime.
//
// Each batch's usable images are normalised (Runtime's `Tensor(rgb8Images:...)`) and run through
// sessions that stop at the deepest tap. A session serialises its calls, so there is one session
// per worker, and the workers claim the batch's images (chunks of a fixed-batch model) one at a
// time. Every image must have the session's input size: probe images of
// another size (the real Broden has a few) are resized to it (Runtime's bilinear resize); the
// segmentation grid of the row is kept, so masks still land on the row's own annotation.
// A transformer's layer (tokens, or channels last) is rearranged to (C, H, W) image by image
// (Runtime's `UnitLayout`): a unit is a channel, its map the grid of patch tokens.
import Dispatch
import Foundation
import Render
import Runtime

/// Activations of a model's layers.
public final class ModelActivations: ActivationProducer, @unchecked Sendable {
    /// The tapped layers and their shapes.
    public let layers: [LayerShape]
    /// A model needs the images.
    public let needsImages = true
    /// Running the model is the expensive part: pass 2 reads the cache when it fits.
    public let isRereadable = false
    /// Input height and width every image is brought to.
    public let inputHeight: Int, inputWidth: Int
    let sessions: [Session]
    /// Per layer, how the model writes its units (rearranged to (C, H, W) as they are copied).
    let layouts: [UnitLayout]
    let normalization: ImageNormalization
    let path: String

    /// Loads `path` and prepares `workers` sessions for `inputHeight x inputWidth` images tapping `layers`.
    /// - Throws: `RunError` with the runtime's one-line message.
    public convenience init(path: String, layers names: [String], inputHeight: Int, inputWidth: Int,
                            mean: [Float], std: [Float], bgr: Bool, workers: Int) throws {
        let model: ONNXModel
        do { model = try ONNXModel.load(path: path) } catch { throw RunError.other("\(error)") }
        try self.init(model: model, path: path, layers: names, inputHeight: inputHeight, inputWidth: inputWidth,
                      mean: mean, std: std, bgr: bgr, workers: workers)
    }

    /// Prepares `workers` sessions of `model` (loaded from `path`, which errors name) for
    /// `inputHeight x inputWidth` images tapping `layers`.
    /// - Throws: `RunError` with the runtime's one-line message.
    public init(model: ONNXModel, path: String, layers names: [String], inputHeight: Int, inputWidth: Int,
                mean: [Float], std: [Float], bgr: Bool, workers: Int) throws {
        self.path = path
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        do {
            sessions = try (0..<max(1, workers)).map { _ in
                // One thread per session: the batch is split across the sessions, so whole
                // images run side by side (kernels sharing every core inside each session as
                // well would ask for workers x cores threads).
                try model.session(height: inputHeight, width: inputWidth, taps: names, threads: 1)
            }
        } catch {
            throw RunError.other("\(error)")
        }
        var shapes: [LayerShape] = []
        var layouts: [UnitLayout] = []
        for name in names {
            guard let layout = sessions[0].unitLayouts[name] else {
                throw RunError.input(path: path, reason: "layer '\(name)' gives shape \(sessions[0].outputShapes[name] ?? []) per image: neither (C, H, W) nor tokens on a grid",
                                     hint: "dissect a convolutional layer or a transformer block (netdissect layers lists them with their grids)")
            }
            shapes.append(LayerShape(name: name, units: layout.units, height: layout.height, width: layout.width))
            layouts.append(layout)
        }
        layers = shapes
        self.layouts = layouts
        normalization = ImageNormalization(mean: mean, std: std, bgr: bgr)
    }

    /// Runs the model on the usable samples of `items`; rows of skips are left as they are.
    // items n -> output[l] (n, C_l, H_l, W_l)
    public func produce(_ items: [SampleItem], into output: inout [[Float]]) throws -> [String?] {
        try produce(items, into: &output, visit: nil)
    }

    /// `produce`; each worker arranges the rows of the chunk it ran into `output` and visits them
    /// there, while they are in its core's cache.
    // items n -> output[l] (n, C_l, H_l, W_l)
    public func produce(_ items: [SampleItem], into output: inout [[Float]], visit: ProducedRowVisitor?) throws -> [String?] {
        if output.count > layers.count { output.removeLast(output.count - layers.count) }
        while output.count < layers.count { output.append([]) }
        for (l, layer) in layers.enumerated() where output[l].count != items.count * layer.valuesPerImage {
            output[l] = [Float](repeating: 0, count: items.count * layer.valuesPerImage)
        }
        var rows: [Int] = []
        var pixels: [[UInt8]] = []
        for (k, item) in items.enumerated() {
            guard case let .sample(_, _, image?) = item else { continue }
            rows.append(k)
            if image.width == inputWidth && image.height == inputHeight {
                pixels.append(image.pixels)
            } else {
                pixels.append(image.resizedAntialiased(width: inputWidth, height: inputHeight).pixels)
            }
        }
        guard !rows.isEmpty else { return [String?](repeating: nil, count: items.count) }
        // Chunks of the model's fixed batch (one image when dynamic), claimed one at a time by
        // the sessions' workers: a worker slowed by the loader's thread on its core takes fewer,
        // instead of the batch waiting for its half. The worker copies its chunk's rows into
        // `output` and visits them: in parallel, and while they are in its cache.
        let fixed = sessions[0].model.declaredBatch ?? 1
        let chunks = (rows.count + fixed - 1) / fixed
        let parts = max(1, min(sessions.count, chunks))
        let failures = ResultSlots<Void>(count: chunks)
        let claims = ChunkClaims(count: chunks)
        let plane = inputHeight * inputWidth * 3
        let count = rows.count, allPixels = pixels, usedRows = rows
        let sizes = layers.map(\.valuesPerImage)
        withMutableBases(&output) { bases in
            let out = SendableBases(bases)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                while let chunk = claims.next() {
                    let start = chunk * fixed, end = min(count, start + fixed)
                    var images = Array(allPixels[start..<end])
                    while images.count < fixed { images.append([UInt8](repeating: 0, count: plane)) }
                    let input = Tensor(rgb8Images: images, width: inputWidth, height: inputHeight, normalization: normalization)
                    failures.set(chunk, Result {
                        let outputs: [String: Tensor]
                        do { outputs = try sessions[part].run(input) } catch { throw RunError.other("\(error)") }
                        try arrange(outputs, rows: usedRows[start..<end], into: out.bases)
                        guard let visit else { return }
                        for k in usedRows[start..<end] {
                            visit(k, out.bases.enumerated().map { l, base in UnsafePointer(base + k * sizes[l]) })
                        }
                    })
                }
            }
        }
        for chunk in 0..<chunks { try failures.get(chunk).get() }
        return [String?](repeating: nil, count: items.count)
    }

    /// Copies one chunk's outputs to its `rows` of the batch, rearranged to `(C, H, W)` per image.
    // outputs[layer] (chunk, model's values per image) -> bases[l] rows (C_l, H_l, W_l)
    private func arrange(_ outputs: [String: Tensor], rows: ArraySlice<Int>, into bases: [UnsafeMutablePointer<Float>]) throws {
        for (l, layer) in layers.enumerated() {
            // model's values per image (tokens include the class token) -> (C, H, W) per image
            let per = layer.valuesPerImage, written = layouts[l].valuesPerImage
            guard let t = outputs[layer.name], t.count % written == 0, t.count / written >= rows.count else {
                throw RunError.input(path: path, reason: "the session returned no value for layer '\(layer.name)'",
                                     hint: "this is a bug; please report it")
            }
            let layout = layouts[l]
            t.data.withUnsafeBufferPointer { src in
                for (j, k) in rows.enumerated() {
                    layout.arrange(src.baseAddress! + j * written, into: bases[l] + k * per)
                }
            }
        }
    }
}

/// Runs `body` with the base address of every buffer of `arrays`, none of them empty (none is
/// resized meanwhile).
func withMutableBases<R>(_ arrays: inout [[Float]], _ body: ([UnsafeMutablePointer<Float>]) throws -> R) rethrows -> R {
    try arrays.withUnsafeMutableBufferPointer { all in
        var bases: [UnsafeMutablePointer<Float>] = []
        func next(_ l: Int) throws -> R {
            guard l < all.count else { return try body(bases) }
            // Distinct elements of `all`: nested access to each is not overlapping.
            return try all[l].withUnsafeMutableBufferPointer { b in
                precondition(b.count > 0, "withMutableBases: buffer \(l) is empty")
                bases.append(b.baseAddress!)
                return try next(l + 1)
            }
        }
        return try next(0)
    }
}

/// Output base addresses shared by the workers, which write disjoint rows.
struct SendableBases: @unchecked Sendable {
    let bases: [UnsafeMutablePointer<Float>]
    init(_ bases: [UnsafeMutablePointer<Float>]) { self.bases = bases }
}

/// Hands out chunk numbers 0..<count, each once, to whichever worker asks next. One at a time,
/// not through `Parallelism.forEach`: its pool claims runs of items and starts each worker on a
/// home segment, made for many small items; a chunk here is a whole image through the model
/// (milliseconds), and a run of two at the end of a batch would leave the other worker idle.
final class ChunkClaims: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = 0
    private let count: Int
    init(count: Int) { self.count = count }
    /// The next unclaimed chunk, or nil when all are.
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard claimed < count else { return nil }
        claimed += 1
        return claimed - 1
    }
}

/// One result slot per worker of a `concurrentPerform` (also the ablation's workers).
public final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]
    /// `count` empty slots.
    public init(count: Int) { slots = [Result<T, Error>?](repeating: nil, count: count) }
    /// Fills slot `i`.
    public func set(_ i: Int, _ value: Result<T, Error>) { lock.lock(); slots[i] = value; lock.unlock() }
    /// Slot `i`, which must have been filled.
    public func get(_ i: Int) -> Result<T, Error> { lock.lock(); defer { lock.unlock() }; return slots[i]! }
}
