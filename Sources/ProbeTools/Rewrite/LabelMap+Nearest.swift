// Nearest-neighbour resampling of label maps: a label is a name, not a quantity, so a resized
// segmentation takes each pixel's label from one source pixel, never a blend.
//
// Target column x reads source column floor((x + 0.5) * W / outW), the source pixel whose area
// holds the target pixel's centre (PIL's NEAREST); computed in integers, (2x + 1) W / (2 outW).
import Dissection

extension LabelMap {
    /// This map resampled to `width x height` by nearest neighbour (see the file's comment).
    // labels (H, W) -> out (outH, outW)
    func resizedNearest(width outW: Int, height outH: Int) -> LabelMap {
        precondition(width > 0 && height > 0 && outW > 0 && outH > 0, "LabelMap.resizedNearest: \(width)x\(height) to \(outW)x\(outH)")
        if outW == width && outH == height { return self }
        let columns = (0..<outW).map { nearestSource($0, source: width, target: outW) }
        var out = [UInt32](repeating: 0, count: outW * outH)
        for y in 0..<outH {
            let row = nearestSource(y, source: height, target: outH) * width
            for x in 0..<outW { out[y * outW + x] = labels[row + columns[x]] }
        }
        return LabelMap(width: outW, height: outH, labels: out)
    }
}

/// The source index that target index `x` reads: floor((x + 0.5) * source / target).
func nearestSource(_ x: Int, source: Int, target: Int) -> Int {
    min(source - 1, (2 * x + 1) * source / (2 * target))
}
