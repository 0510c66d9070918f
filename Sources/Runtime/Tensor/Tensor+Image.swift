// Images into network inputs: interleaved 8-bit RGB -> normalised planar float32 (N, 3, H, W).
//
// torchvision's convention: x = (pixel / 255 - mean[c]) / std[c] with ImageNet's mean and std,
// channels in RGB order. Caffe-era models (the original NetDissect models among them) want BGR
// in 0...255 with a mean subtracted: `ImageNormalization(scale: 1, mean: [...], std: [1, 1, 1],
// bgr: true)`.

/// How pixels become network inputs: `x[c] = (pixel[c] * scale - mean[c]) / std[c]`.
public struct ImageNormalization: Sendable, Equatable {
    /// Multiplies each 0...255 pixel value first (1/255 for torchvision models).
    public var scale: Float
    /// Per output channel, in the output's channel order.
    public var mean: [Float]
    /// Per output channel, in the output's channel order.
    public var std: [Float]
    /// Whether the output channels are B, G, R instead of R, G, B.
    public var bgr: Bool

    /// - Precondition: `mean` and `std` hold three values each, `std` has no zero.
    public init(scale: Float = 1 / 255, mean: [Float], std: [Float], bgr: Bool = false) {
        precondition(mean.count == 3 && std.count == 3, "ImageNormalization: mean and std need 3 values each")
        precondition(!std.contains(0), "ImageNormalization: std must not be zero")
        self.scale = scale
        self.mean = mean
        self.std = std
        self.bgr = bgr
    }

    /// torchvision's ImageNet normalisation (RGB, /255, mean 0.485 0.456 0.406, std 0.229 0.224 0.225).
    public static let imageNet = ImageNormalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
}

extension Tensor {
    /// One image as a normalised `(1, 3, height, width)` tensor.
    ///
    /// - Parameter rgb8: `width * height * 3` bytes, interleaved RGB, rows top to bottom.
    /// - Precondition: the byte count matches the size.
    public init(rgb8: [UInt8], width: Int, height: Int, normalization: ImageNormalization = .imageNet) {
        self.init(rgb8Images: [rgb8], width: width, height: height, normalization: normalization)
    }

    /// One image normalised with the given per-channel mean and std (on the 0...1 scale), as the
    /// interface between the runtime and the engine names it.
    public init(rgb8: [UInt8], width: Int, height: Int, mean: [Float], std: [Float], bgr: Bool = false) {
        self.init(rgb8: rgb8, width: width, height: height,
                  normalization: ImageNormalization(mean: mean, std: std, bgr: bgr))
    }

    /// A batch of images of one size as a normalised `(N, 3, height, width)` tensor.
    ///
    ///     rgb8 (N) x (H, W, 3) UInt8 -> x (N, 3, H, W) Float
    public init(rgb8Images images: [[UInt8]], width: Int, height: Int, normalization: ImageNormalization = .imageNet) {
        precondition(width >= 0 && height >= 0, "Tensor(rgb8:): negative size")
        let plane = width * height
        for (n, pixels) in images.enumerated() {
            precondition(pixels.count == plane * 3, "Tensor(rgb8:): image \(n) has \(pixels.count) bytes, \(width)x\(height) needs \(plane * 3)")
        }
        // Per output channel: which input channel it reads, and what each of the 256 pixel values
        // becomes, `pixel * a + b` (the operations `rgb8Reference` does per pixel, so the same floats).
        let source = normalization.bgr ? [2, 1, 0] : [0, 1, 2]
        let tables: [Float] = (0..<3).flatMap { c -> [Float] in
            let a = normalization.scale / normalization.std[c], b = -normalization.mean[c] / normalization.std[c]
            return (0..<256).map { Float($0) * a + b }
        }
        let count = images.count * 3 * plane
        // One pass over each image's interleaved bytes writes its three planes; every value is
        // written, so the array is not zero-filled first.
        let data = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            tables.withUnsafeBufferPointer { t in
                let t0 = t.baseAddress!, t1 = t0 + 256, t2 = t0 + 512
                let s0 = source[0], s1 = source[1], s2 = source[2]
                for (n, pixels) in images.enumerated() {
                    pixels.withUnsafeBufferPointer { rgb in
                        let d0 = out.baseAddress! + n * 3 * plane, d1 = d0 + plane, d2 = d1 + plane
                        var p = rgb.baseAddress!
                        for i in 0..<plane {
                            d0[i] = t0[Int(p[s0])]
                            d1[i] = t1[Int(p[s1])]
                            d2[i] = t2[Int(p[s2])]
                            p += 3
                        }
                    }
                }
            }
            initialized = count
        }
        self.init(shape: [images.count, 3, height, width], data: data)
    }

    /// The plain version of `init(rgb8Images:...)`: `pixel * (scale / std) - mean / std` per value.
    ///
    ///     rgb8 (N) x (H, W, 3) UInt8 -> x (N, 3, H, W) Float
    static func rgb8Reference(_ images: [[UInt8]], width: Int, height: Int, normalization: ImageNormalization) -> [Float] {
        let plane = width * height
        var data = [Float](repeating: 0, count: images.count * 3 * plane)
        let source = normalization.bgr ? [2, 1, 0] : [0, 1, 2]
        for (n, pixels) in images.enumerated() {
            for c in 0..<3 {
                let a = normalization.scale / normalization.std[c], b = -normalization.mean[c] / normalization.std[c]
                for i in 0..<plane { data[(n * 3 + c) * plane + i] = Float(pixels[i * 3 + source[c]]) * a + b }
            }
        }
        return data
    }
}
