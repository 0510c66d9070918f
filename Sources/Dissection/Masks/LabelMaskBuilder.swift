// Builds `LabelMasks` sixteen pixels at a time, reusing its buffers from image to image.
//
// Each segmentation layer is read once by a bit kernel (`MaskKernels.scan`, in
// Sources/Kernels/LabelScan.swift, compiled per instruction set), a word (64 pixels) at a time in
// `SIMD16<UInt32>` chunks, into the masks of `LabelSlots` (KernelSupport/Masks): a label's words
// are allocated when it is first seen, in a buffer kept from image to image. At the end the masks
// are copied out in ascending label order. Nothing here allocates once the buffers have grown to
// the largest image seen, and the value being rebuilt keeps its arrays' storage too. One builder
// per thread.
import Runtime

/// Reusable scratch for building the label masks of one image after another (one per thread).
public final class LabelMaskBuilder {
    /// The catalog whose scored labels get masks.
    public let catalog: ConceptCatalog
    /// The kernel variant that scans the layers.
    let kernels: any MaskKernels
    private var scratch: LabelSlots

    public convenience init(catalog: ConceptCatalog) {
        self.init(catalog: catalog, kernels: KernelProviders.selectedMasks)
    }

    /// A builder whose layers `kernels` scans.
    init(catalog: ConceptCatalog, kernels: any MaskKernels) {
        self.catalog = catalog
        self.kernels = kernels
        scratch = LabelSlots(primary: Array(catalog.primaryCategory.prefix(catalog.maxLabelID + 1)))
    }

    deinit { scratch.deallocate() }

    /// Rebuilds `masks` for `annotation`, reusing its storage.
    public func build(_ annotation: ImageAnnotation, into masks: inout LabelMasks) {
        let pixels = annotation.height * annotation.width
        let wc = Bitset.wordCount(pixels: pixels)
        let nCat = catalog.categories.count
        masks.height = annotation.height
        masks.width = annotation.width
        masks.wordCount = wc
        masks.present.removeAll(keepingCapacity: true)
        masks.present.append(contentsOf: repeatElement(false, count: nCat))
        masks.wholeImage.removeAll(keepingCapacity: true)
        masks.wholeImage.append(contentsOf: repeatElement(false, count: nCat))
        var s = scratch
        s.begin(wordCount: wc)

        // Image-level labels first: they take precedence over pixel masks of the same label.
        masks.imageLabels.removeAll(keepingCapacity: true)
        for group in annotation.imageLabels where group.category >= 0 && group.category < nCat {
            for id in group.ids where catalog.isScored(id) && s.slot[id] != -2 {
                s.mark(Int32(id), as: -2)
                masks.imageLabels.append(Int32(id))
                let c = Int(s.primary[id])
                masks.present[c] = true
                masks.wholeImage[c] = true
            }
        }
        masks.imageLabels.sort()
        masks.imageSlots.removeAll(keepingCapacity: true)
        for id in masks.imageLabels { masks.imageSlots.append(catalog.slot[Int(id)]) }

        for layer in annotation.pixelLayers where layer.category >= 0 && layer.category < nCat {
            layer.labels.withUnsafeBufferPointer { labels in kernels.scan(labels.baseAddress!, pixels: pixels, into: &s) }
        }

        // The slots in ascending label order.
        masks.pixelLabels.removeAll(keepingCapacity: true)
        masks.pixelSlots.removeAll(keepingCapacity: true)
        masks.words.removeAll(keepingCapacity: true)
        masks.wordSpans.removeAll(keepingCapacity: true)
        masks.pixelCounts.removeAll(keepingCapacity: true)
        masks.pixelCategories.removeAll(keepingCapacity: true)
        let order = (0..<s.labels).sorted { s.seen[$0] < s.seen[$1] }
        for k in order {
            let block = UnsafeBufferPointer(start: s.words + k * wc, count: wc)
            let lo = s.spanLo[k], hi = s.spanHi[k]
            masks.pixelLabels.append(s.seen[k])
            masks.pixelSlots.append(catalog.slot[Int(s.seen[k])])
            masks.words.append(contentsOf: block)
            masks.wordSpans.append(lo..<(hi + 1))
            masks.pixelCounts.append(kernels.popcount(block.baseAddress! + lo, hi + 1 - lo))
            let c = s.primary[Int(s.seen[k])]
            masks.pixelCategories.append(c)
            masks.present[Int(c)] = true
        }
        s.end()
        scratch = s
    }
}
