// The label masks of one batch of images, built across workers, reusing buffers batch to batch.
//
// Each worker has its own `LabelMaskBuilder` and rebuilds the masks of its share of the batch in
// place, so after the first batches no mask buffer is allocated again (the engine's profile had
// page faults from freeing and re-allocating a batch of masks each time). The masks handed out
// share storage with the batch; drop them before the next `build` or they are copied on write.
import Dispatch

/// Builds the label masks of batch after batch on `workers` threads.
public final class LabelMaskBatch: @unchecked Sendable {
    /// Number of building threads.
    public let workers: Int
    private let builders: [LabelMaskBuilder]
    private var storage: [LabelMasks] = []

    /// A batch builder for `catalog`.
    public init(catalog: ConceptCatalog, workers: Int) {
        precondition(workers >= 1, "LabelMaskBatch: workers must be >= 1")
        self.workers = workers
        builders = (0..<workers).map { _ in LabelMaskBuilder(catalog: catalog) }
    }

    /// The masks of `annotations`, in order; nil where the annotation is nil (an image left out).
    public func build(_ annotations: [ImageAnnotation?]) -> [LabelMasks?] {
        let n = annotations.count
        guard n > 0 else { return [] }
        while storage.count < n { storage.append(LabelMasks()) }
        let chunks = Swift.max(1, Swift.min(workers, n))
        storage.withUnsafeMutableBufferPointer { s in
            let out = MasksHandle(base: s.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let builder = builders[chunk]
                for k in (chunk * n / chunks)..<((chunk + 1) * n / chunks) {
                    if let a = annotations[k] { builder.build(a, into: &out.base[k]) }
                }
            }
        }
        return (0..<n).map { annotations[$0] == nil ? nil : storage[$0] }
    }
}

/// The batch's masks, written by workers at disjoint indices.
private struct MasksHandle: @unchecked Sendable { let base: UnsafeMutablePointer<LabelMasks> }
