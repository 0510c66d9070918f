// Segmentation layers as label maps: one label id per pixel, decoded from Broden's RG-encoded
// PNGs with integer arithmetic only (label = R + 256 * G; blue is unused; 0 is unlabelled).
import Render

/// One segmentation layer: a label id per pixel, rows top to bottom.
public struct LabelMap: Sendable, Equatable {
    /// The largest label id a segmentation can hold: `R + 256 * G` with both bytes 255. Tables
    /// naming larger ids are refused (see `ProbeDataset.readLabels`).
    public static let maxLabel = 65_535

    /// Width in pixels (`sw`).
    public let width: Int
    /// Height in pixels (`sh`).
    public let height: Int
    /// `width * height` label ids; 0 means unlabelled.
    public var labels: [UInt32]

    /// Wraps `labels`, which must hold exactly `width * height` ids.
    public init(width: Int, height: Int, labels: [UInt32]) {
        precondition(width >= 0 && height >= 0 && labels.count == width * height,
                     "LabelMap: \(width)x\(height) needs \(width * height) labels, got \(labels.count)")
        self.width = width
        self.height = height
        self.labels = labels
    }

    /// Decodes the RG encoding of an RGB image: `label = R + 256 * G`.
    // image (H, W, 3) u8 -> labels (H, W) u32
    public init(rgEncoded image: RGBImage) {
        let count = image.width * image.height
        precondition(image.pixels.count >= 3 * count, "LabelMap(rgEncoded:): \(image.pixels.count) bytes for \(count) pixels")
        // Every label is written, so the array is not zero-filled first. Eight pixels per step,
        // each read as the little-endian word of the four bytes from its R, masked to R and G,
        // while the eighth pixel's word lies inside the image; the rest one byte pair at a time.
        let labels = [UInt32](unsafeUninitializedCapacity: count) { out, initialized in
            image.pixels.withUnsafeBytes { rgb in
                let base = rgb.baseAddress!
                var p = 0
                while p + 8 <= count && 3 * (p + 8) + 1 <= rgb.count {
                    for k in 0..<8 {
                        out[p + k] = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 3 * (p + k), as: UInt32.self)) & 0xFFFF
                    }
                    p += 8
                }
                while p < count {
                    out[p] = UInt32(rgb[3 * p]) | (UInt32(rgb[3 * p + 1]) << 8)
                    p += 1
                }
            }
            initialized = count
        }
        self.init(width: image.width, height: image.height, labels: labels)
    }

    /// The RG encoding of this map as an RGB image (labels must be < 65536; blue is 0).
    public func rgEncoded() -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<labels.count {
            let label = labels[p]
            precondition(label < 65_536, "LabelMap.rgEncoded: label \(label) does not fit R + 256 * G")
            pixels[3 * p] = UInt8(label & 0xFF)
            pixels[3 * p + 1] = UInt8(label >> 8)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The distinct non-zero labels in the map, ascending.
    public var distinctLabels: [UInt32] {
        Array(Set(labels).subtracting([0])).sorted()
    }
}
