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
        var data = [Float](repeating: 0, count: images.count * 3 * plane)
        // Per output channel: which input channel it reads, and x = pixel * a + b.
        let source = normalization.bgr ? [2, 1, 0] : [0, 1, 2]
        let a = (0..<3).map { normalization.scale / normalization.std[$0] }
        let b = (0..<3).map { -normalization.mean[$0] / normalization.std[$0] }
        data.withUnsafeMutableBufferPointer { out in
            for (n, pixels) in images.enumerated() {
                precondition(pixels.count == plane * 3, "Tensor(rgb8:): image \(n) has \(pixels.count) bytes, \(width)x\(height) needs \(plane * 3)")
                pixels.withUnsafeBufferPointer { rgb in
                    for c in 0..<3 {
                        let dst = out.baseAddress! + (n * 3 + c) * plane
                        let s = source[c], ac = a[c], bc = b[c]
                        for i in 0..<plane { dst[i] = Float(rgb[i * 3 + s]) * ac + bc }
                    }
                }
            }
        }
        self.init(shape: [images.count, 3, height, width], data: data)
    }
}
