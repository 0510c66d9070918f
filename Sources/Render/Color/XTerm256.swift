// The xterm 256-colour palette: 16 system colours (left alone: themes redefine them), the
// 6x6x6 colour cube (16...231) and the 24-step gray ramp (232...255). Half-block pictures in
// 256-colour terminals pick, for each pixel, the nearest cube or gray entry.

/// Nearest-colour mapping into the xterm 256-colour palette.
public enum XTerm256 {
    /// The six channel levels of the colour cube.
    public static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of palette entry `index` (16...255; the system colours 0...15 are given
    /// their xterm defaults).
    public static func color(_ index: Int) -> RGBColor {
        precondition((0...255).contains(index), "XTerm256.color: index \(index)")
        switch index {
        case 0..<16:
            let base: [(UInt8, UInt8, UInt8)] = [
                (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
                (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
                (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
            return RGBColor(base[index].0, base[index].1, base[index].2)
        case 16..<232:
            let i = index - 16
            return RGBColor(UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[(i / 6) % 6]), UInt8(cubeLevels[i % 6]))
        default:
            let v = UInt8(8 + 10 * (index - 232))
            return RGBColor(v, v, v)
        }
    }

    /// The cube level index (0...5) nearest to channel value `v`.
    @inlinable static func nearestLevel(_ v: Int) -> Int {
        // Midpoints between 0, 95, 135, 175, 215, 255.
        if v < 48 { return 0 }
        if v < 115 { return 1 }
        return min(5, (v - 35) / 40)
    }

    /// The palette index (16...255) nearest to `c` in squared RGB distance, choosing between
    /// the nearest cube entry and the nearest gray (the cube on a tie).
    public static func index(of c: RGBColor) -> Int { index(of: c, distance: squaredDistance) }

    /// The palette index (16...255) nearest to `c` under `distance`, choosing between the cube
    /// entry with the nearest level in each channel and the gray nearest to the channels' mean
    /// (the cube on a tie).
    public static func index(of c: RGBColor, distance: (RGBColor, RGBColor) -> Int) -> Int {
        let r = Int(c.r), g = Int(c.g), b = Int(c.b)
        let cube = 16 + 36 * nearestLevel(r) + 6 * nearestLevel(g) + nearestLevel(b)
        let grayStep = max(0, min(23, ((r + g + b) / 3 - 3) / 10))
        let gray = 232 + grayStep
        return distance(c, color(gray)) < distance(c, color(cube)) ? gray : cube
    }

    /// Plain squared distance between two colours.
    public static func squaredDistance(_ a: RGBColor, _ b: RGBColor) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return dr * dr + dg * dg + db * db
    }
}
