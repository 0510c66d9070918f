// The activation source of a rotation run: one layer from an inner source (a model or a .npy),
// seen through R^α for each α, as that many layers of the run.
//
// The inner source runs once per batch; each α's copy then goes through the runtime's
// channel-matrix edit (`LayerEdit.channelMatrix(R^α).apply`), the same arithmetic a session
// applies to an edited layer. Since the rotated layer is the deepest one computed, this equals a
// session with the edit bit for bit, without running the network once per α.
//
//     inner: items n -> (n, C, H, W)      this: items n -> (n, C, H, W) per α, x' = R^α x per position
import Dissection
import Runtime

/// One layer of an inner producer, rotated to several powers of one rotation.
public final class RotatedActivations: ActivationProducer {
    /// One layer per α, named by `RotationManifest.layerName`.
    public let layers: [LayerShape]
    /// The rotated layer as the inner source produces it.
    public let base: LayerShape
    /// The edit for each α.
    public let edits: [LayerEdit]
    let inner: ActivationProducer
    private var scratch: [[Float]] = []

    /// Rotates the single layer of `inner` by `rotation.power(α)` for each of `manifest.alphas`.
    /// - Precondition: `inner` produces exactly one layer, of `rotation.size` units.
    public init(inner: ActivationProducer, rotation: FractionalRotation, manifest: RotationManifest) {
        precondition(inner.layers.count == 1, "RotatedActivations: the inner source must produce one layer")
        let base = inner.layers[0]
        precondition(base.units == rotation.size, "RotatedActivations: \(base.units) units, a rotation of \(rotation.size)")
        self.inner = inner
        self.base = base
        self.layers = manifest.layers.map { LayerShape(name: $0, units: base.units, height: base.height, width: base.width) }
        self.edits = manifest.alphas.map { .channelMatrix(rotation.power($0).floats) }
    }

    /// Whatever the inner source needs.
    public var needsImages: Bool { inner.needsImages }
    /// Re-reading is as cheap as the inner source's (the rotation itself is cheap).
    public var isRereadable: Bool { inner.isRereadable }

    /// Produces the base layer once, then every rotated copy.
    public func produce(_ items: [SampleItem], into output: inout [[Float]]) throws -> [String?] {
        let status = try inner.produce(items, into: &scratch)
        let count = items.count * base.valuesPerImage
        precondition(scratch.count == 1 && scratch[0].count == count, "RotatedActivations: the inner source filled \(scratch.map(\.count)) values, expected [\(count)]")
        while output.count < layers.count { output.append([]) }
        for (k, edit) in edits.enumerated() {
            if output[k].count == count {
                output[k].withUnsafeMutableBufferPointer { dst in
                    scratch[0].withUnsafeBufferPointer { src in
                        if count > 0 { dst.baseAddress!.update(from: src.baseAddress!, count: count) }
                    }
                }
            } else {
                output[k] = scratch[0]
            }
            edit.apply(to: &output[k], images: items.count, channels: base.units, positions: base.mapSize)
        }
        return status
    }
}
