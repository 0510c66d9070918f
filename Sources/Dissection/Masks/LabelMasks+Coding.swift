// One image's label masks as a compact record, for the label-mask cache between the passes.
//
// Only what cannot be derived is stored: the segmentation size, the image-level label ids, and per
// pixel label its id and the words of its span. Slots, categories, pixel counts and the per-category
// flags are derived again from the catalog when the record is read, exactly as `LabelMaskBuilder`
// derives them, so a decoded value equals the built one. A record comes from a file: everything is
// checked before use (sizes, ids the catalog scores, ascending order, spans inside the mask, no bit
// past the last pixel), and a record that fails a check is refused, never trusted.
//
// Record (little-endian): height, width, image-label count, pixel-label count (Int32 each);
// image-label ids (Int32); per pixel label: id, first word, end word (Int32), then the words (UInt64).

extension LabelMasks {
    /// Appends the record of these masks to `w`.
    func encode(into w: inout ByteWriter) {
        w.scalar(Int32(height)); w.scalar(Int32(width))
        w.scalar(Int32(imageLabels.count)); w.scalar(Int32(pixelLabels.count))
        w.scalars(imageLabels)
        for k in pixelLabels.indices {
            let span = wordSpans[k]
            w.scalar(pixelLabels[k]); w.scalar(Int32(span.lowerBound)); w.scalar(Int32(span.upperBound))
            w.scalars(words[(k * wordCount + span.lowerBound)..<(k * wordCount + span.upperBound)])
        }
    }

    /// Reads one record written by `encode` for an image whose segmentation is `height x width`.
    /// - Returns: nil when the record is damaged or does not fit the image or `catalog`.
    init?(decoding r: inout ByteReader, height: Int, width: Int, catalog: ConceptCatalog) {
        guard let h = r.scalar(Int32.self), let w = r.scalar(Int32.self), Int(h) == height, Int(w) == width,
              height > 0, width > 0,
              let nImage = r.scalar(Int32.self), let nPixel = r.scalar(Int32.self),
              nImage >= 0, nPixel >= 0, Int(nImage) + Int(nPixel) <= catalog.labels.count,
              let imageIDs = r.scalars(Int(nImage), of: Int32.self) else { return nil }
        self.init(height: height, width: width, categories: catalog.categories.count)
        let pixels = height * width, wc = wordCount

        /// The category of a scored label id, or nil.
        func category(_ id: Int32) -> Int? {
            guard id >= 0, Int(id) <= catalog.maxLabelID, catalog.slot[Int(id)] >= 0 else { return nil }
            return Int(catalog.primaryCategory[Int(id)])
        }
        var previous: Int32 = -1
        for id in imageIDs {
            guard id > previous, let c = category(id) else { return nil }
            previous = id
            imageLabels.append(id)
            imageSlots.append(catalog.slot[Int(id)])
            present[c] = true
            wholeImage[c] = true
        }
        // Bits past the last pixel would count pixels that do not exist.
        let tail = pixels % 64 == 0 ? 0 : ~UInt64(0) << UInt64(pixels % 64)
        previous = -1
        words.reserveCapacity(Int(nPixel) * wc)
        for _ in 0..<Int(nPixel) {
            guard let id = r.scalar(Int32.self), let lo = r.scalar(Int32.self), let hi = r.scalar(Int32.self),
                  id > previous, let c = category(id), imageLabels.firstIndex(of: id) == nil,
                  lo >= 0, lo < hi, Int(hi) <= wc,
                  let spanWords = r.scalars(Int(hi - lo), of: UInt64.self),
                  Int(hi) < wc || spanWords.last! & tail == 0 else { return nil }
            previous = id
            let span = Int(lo)..<Int(hi)
            pixelLabels.append(id)
            pixelSlots.append(catalog.slot[Int(id)])
            pixelCategories.append(Int32(c))
            present[c] = true
            words.append(contentsOf: repeatElement(0, count: span.lowerBound))
            words.append(contentsOf: spanWords)
            words.append(contentsOf: repeatElement(0, count: wc - span.upperBound))
            wordSpans.append(span)
            pixelCounts.append(spanWords.withUnsafeBufferPointer { Bitset.popcount($0.baseAddress!, $0.count) })
        }
    }
}
