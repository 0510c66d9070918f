// Where a layer's units are: which axis is the channel (a unit) and which axes are the spatial
// grid its activation maps live on.
//
// A convolutional layer is (C, H, W) per image: unit u is channel u, its map the H x W plane. A
// vision transformer's block writes a token sequence (T, C) per image, T = prefix + H * W: the
// patch tokens in row-major grid order after `prefix` extra tokens (ViT's class token). A unit
// is again a channel; its map is the channel's value over the patch tokens laid out on their
// grid, the extra tokens dropped. Swin's stages, and ConvNeXt's blocks inside, are (H, W, C)
// per image: channels last, transposed so that a unit is a channel. Every layout is rearranged
// to (C, H, W) before the dissection sees it, so masks are made as for a convolutional map (the
// grid upsampled to the segmentation).
//
// Nothing in an ONNX file says which axis is which, so the layout is read from the shape and the
// input size: the spatial axes are the pair whose sizes have the input's aspect ratio (a patch
// grid divides the input), and the token count is a grid plus at most `maxPrefix` extra tokens.
// A shape that could be read either way is taken as (C, H, W), the convolutional reading.

/// How one image's values of a layer map to units on a spatial grid.
public enum UnitLayout: Sendable, Equatable, CustomStringConvertible {
    /// (C, H, W): a convolutional feature map.
    case channelsFirst(channels: Int, height: Int, width: Int)
    /// (H, W, C): a channels-last map (Swin's stages, ConvNeXt's blocks inside).
    case channelsLast(height: Int, width: Int, channels: Int)
    /// (prefix + H * W, C): a transformer's tokens; the `prefix` leading tokens (ViT's class
    /// token) have no place on the grid and are dropped.
    case tokens(prefix: Int, height: Int, width: Int, channels: Int)

    /// Most extra tokens before the patch tokens (class, distillation and register tokens).
    public static let maxPrefix = 8

    /// Number of units: the channels.
    public var units: Int {
        switch self {
        case let .channelsFirst(c, _, _), let .channelsLast(_, _, c), let .tokens(_, _, _, c): c
        }
    }

    /// The grid's height.
    public var height: Int {
        switch self {
        case let .channelsFirst(_, h, _), let .channelsLast(h, _, _), let .tokens(_, h, _, _): h
        }
    }

    /// The grid's width.
    public var width: Int {
        switch self {
        case let .channelsFirst(_, _, w), let .channelsLast(_, w, _), let .tokens(_, _, w, _): w
        }
    }

    /// Floats one image of the layer holds, as the model writes them (extra tokens included).
    public var valuesPerImage: Int {
        switch self {
        case let .tokens(prefix, h, w, c): (prefix + h * w) * c
        default: units * height * width
        }
    }

    /// Whether the values are already (C, H, W), so no rearranging is needed.
    public var isChannelsFirst: Bool {
        if case .channelsFirst = self { return true }
        return false
    }

    /// "(C, H, W)", "tokens 14x14 +1", "channels-last 56x56": what `netdissect layers` shows.
    public var description: String {
        switch self {
        case let .channelsFirst(_, h, w): "\(h)x\(w)"
        case let .channelsLast(h, w, _): "\(h)x\(w) channels-last"
        case let .tokens(prefix, h, w, _): "\(h)x\(w) tokens" + (prefix > 0 ? " +\(prefix)" : "")
        }
    }

    /// The layout of a layer of `shape` per image (without the batch axis) for an input of
    /// `inputHeight` x `inputWidth` pixels, or nil when it is no spatial map of units.
    public static func infer(shape: [Int], inputHeight: Int, inputWidth: Int) -> UnitLayout? {
        guard shape.allSatisfy({ $0 >= 1 }), inputHeight >= 1, inputWidth >= 1 else { return nil }
        let aspect = Aspect(height: inputHeight, width: inputWidth)
        switch shape.count {
        case 3:
            let (a, b, c) = (shape[0], shape[1], shape[2])
            for exact in [true, false] {
                if aspect.matches(b, c, exact: exact) { return .channelsFirst(channels: a, height: b, width: c) }
                if aspect.matches(a, b, exact: exact) { return .channelsLast(height: a, width: b, channels: c) }
            }
            return .channelsFirst(channels: a, height: b, width: c)
        case 2:
            let (t, c) = (shape[0], shape[1])
            for exact in [true, false] {
                // At least two patch tokens, and more than extra tokens: a (1, C) row is a
                // sequence-first attention's batch, not a grid.
                for prefix in 0...min(maxPrefix, t - 1) where t - prefix >= 2 && t - prefix > prefix {
                    if let (h, w) = aspect.grid(of: t - prefix, exact: exact) {
                        return .tokens(prefix: prefix, height: h, width: w, channels: c)
                    }
                }
            }
            return nil
        default:
            return nil
        }
    }

    /// One image's values rearranged to (C, H, W).
    ///
    ///     x (C, H, W) | (H, W, C) | (prefix + H * W, C) -> y (C, H, W)
    public func arrange(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let c = units, plane = height * width
        switch self {
        case .channelsFirst:
            y.update(from: x, count: c * plane)
        case let .channelsLast(_, _, channels), let .tokens(_, _, _, channels):
            let first = if case let .tokens(prefix, _, _, _) = self { prefix * channels } else { 0 }
            // position p of channel u is x[first + p * C + u]: a (plane, C) -> (C, plane) transpose
            for p in 0..<plane {
                let row = x + first + p * channels
                for u in 0..<channels { y[u * plane + p] = row[u] }
            }
        }
    }
}

/// The input's aspect ratio, against which grids are matched.
private struct Aspect {
    let height: Int, width: Int

    /// Whether an h x w grid has the input's aspect ratio: exactly, or to within one cell (a
    /// stride that does not divide the input rounds).
    func matches(_ h: Int, _ w: Int, exact: Bool) -> Bool {
        let difference = abs(h * width - w * height)
        return exact ? difference == 0 : difference <= max(width, height) && h > 1 && w > 1
    }

    /// The h x w grid of `count` cells with the input's aspect ratio, if there is one.
    func grid(of count: Int, exact: Bool) -> (Int, Int)? {
        guard count >= 1 else { return nil }
        // Divisor pairs (h, count / h) and (count / h, h), in O(sqrt(count)).
        var d = 1
        while d * d <= count {
            if count % d == 0 {
                if matches(d, count / d, exact: exact) { return (d, count / d) }
                if matches(count / d, d, exact: exact) { return (count / d, d) }
            }
            d += 1
        }
        return nil
    }
}
