// x (N, C, H, W) -> y (N, OC, OH, OW) for a 1x1 convolution with a stride and no pads (ResNet's
// downsampling shortcuts): the strided pixels copied into a (C, OH * OW) matrix per image, then
// the pointwise path on it (its own plan: tiles in place, by tiles or packed).
//
// On the column matrix (im2col tiles) the same product is unrolled and packed a panel at a time;
// ResNet-50's 256x56x56 -> 512 at 28x28 ran there at 74 % of one AMD EPYC core's FMA ceiling
// (2.40 ms per image in the network), where the pointwise tiles run 256x28x28 -> 512 at 82-88 %
// (1.89-1.92 ms alone against the column matrix's 2.03-2.05). Smaller maps of one image keep the
// tiled columns (`prefersSubsampledPointwise`).

import KernelSupport

extension Convolution {
    /// 1x1, one group, a stride in either direction, no pads.
    static func isSubsampledPointwise(_ g: ConvShape) -> Bool {
        let w = g.window
        return g.groups == 1 && w.kernelHeight == 1 && w.kernelWidth == 1
            && (w.strideHeight > 1 || w.strideWidth > 1)
            && w.padTop == 0 && w.padLeft == 0 && w.padBottom == 0 && w.padRight == 0
    }

    /// Whether `g` takes the subsampled matrix rather than the column matrix: outputs of 28x28
    /// and more. ResNet-50 at batch 1 on one AMD EPYC core, each layer's share of its run over
    /// four pairs of profiles: 256x56x56 -> 512 at 28x28 9 % less (im2col tiles before); 512x28x28
    /// -> 1024 at 14x14 4 % more and 1024x14x14 -> 2048 at 7x7 level (tiled columns kept).
    static func prefersSubsampledPointwise(_ g: ConvShape) -> Bool {
        isSubsampledPointwise(g) && g.outputHeight * g.outputWidth >= minimumSubsampledPixels
    }

    /// Output pixels from which a strided 1x1 takes the subsampled matrix (28x28).
    static let minimumSubsampledPixels = 784

    /// The pointwise convolution the subsampled matrix is multiplied by: C -> OC on (OH, OW).
    static func subsampledShape(_ g: ConvShape) -> ConvShape {
        ConvShape(inputChannels: g.inputChannels, outputChannels: g.outputChannels,
                  inputHeight: g.outputHeight, inputWidth: g.outputWidth,
                  window: SlidingWindow(kernel: (1, 1)), groups: 1)
    }

    /// Floats of the subsampled matrices of `batch` images.
    func subsampledFloats(batch: Int) -> Int { batch * shape.inputChannels * shape.outputHeight * shape.outputWidth }

    func runSubsampled(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                       residual: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
                       parallelism: Parallelism) {
        let g = shape, c = g.inputChannels
        let chunk = max(1, (c + 2 * parallelism.threads - 1) / (2 * parallelism.threads))
        let chunks = (c + chunk - 1) / chunk
        parallelism.forEach(batch * chunks) { item, _ in
            let image = item / chunks, c0 = item % chunks * chunk
            Self.subsample(x + image * g.inputCount, shape: g, channels: c0..<min(c, c0 + chunk),
                           to: scratch + image * c * g.outputHeight * g.outputWidth)
        }
        subsampled[0].run(UnsafePointer(scratch), y, batch: batch, residual: residual,
                          scratch: scratch + subsampledFloats(batch: batch), parallelism: parallelism)
    }

    /// xs[c][oy][ox] = x[c][oy * sh][ox * sw] for the channels in `channels` of one image.
    static func subsample(_ x: UnsafePointer<Float>, shape g: ConvShape, channels: Range<Int>,
                          to xs: UnsafeMutablePointer<Float>) {
        let sh = g.window.strideHeight, sw = g.window.strideWidth
        let h = g.inputHeight, w = g.inputWidth, oh = g.outputHeight, ow = g.outputWidth
        for ch in channels {
            for oy in 0..<oh {
                let s = x + (ch * h + oy * sh) * w, d = xs + (ch * oh + oy) * ow
                var ox = 0
                if sw == 2 {
                    // The outputs whose pair of floats lies inside the row, as the row's evens.
                    ox = min(ow, w / 2)
                    deinterleave(s, count: ox, even: d, odd: nil)
                }
                while ox < ow {
                    d[ox] = s[ox * sw]
                    ox += 1
                }
            }
        }
    }
}
