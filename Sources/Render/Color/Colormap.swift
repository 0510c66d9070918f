// Colormaps as 256-entry lookup tables. The tables themselves are generated from the published
// definitions (Colormap+Tables.swift, by scripts/dev/gen-colormaps); this file turns values into
// colours through them.

/// A colormap: 256 colours, index 0 for the low end and 255 for the high end.
public struct Colormap: Sendable, Equatable {
    /// Short name (`viridis`, `inferno`).
    public let name: String
    /// Exactly 256 colours.
    public let entries: [RGBColor]

    /// A colormap from its 256 colours.
    public init(name: String, entries: [RGBColor]) {
        precondition(entries.count == 256, "Colormap \(name): \(entries.count) entries, need 256")
        self.name = name
        self.entries = entries
    }

    /// A colormap from rows of concatenated `rrggbb` hex entries (the generated tables' form).
    init(name: String, hexRows: [String]) {
        var entries: [RGBColor] = []
        for row in hexRows {
            let chars = Array(row)
            precondition(chars.count % 6 == 0, "Colormap \(name): ragged hex row")
            for start in stride(from: 0, to: chars.count, by: 6) {
                guard let c = RGBColor(hex: String(chars[start..<(start + 6)])) else {
                    preconditionFailure("Colormap \(name): bad hex entry")
                }
                entries.append(c)
            }
        }
        self.init(name: name, entries: entries)
    }

    /// Every built-in colormap, by name.
    public static let all: [Colormap] = [.viridis, .inferno]

    /// The built-in colormap called `name`, or nil.
    public static func named(_ name: String) -> Colormap? {
        all.first { $0.name == name.lowercased() }
    }

    /// The colour for `t` in 0...1 (clamped; NaN maps to the low end).
    @inlinable public func color(at t: Float) -> RGBColor {
        entries[Colormap.index(t)]
    }

    /// The table index for `t` in 0...1: `round(t * 255)`, clamped.
    @inlinable static func index(_ t: Float) -> Int {
        if !(t > 0) { return 0 }
        if t >= 1 { return 255 }
        return Int(t * 255 + 0.5)
    }

    /// `map` coloured pixel by pixel, `low` mapping to entry 0 and `high` to entry 255.
    /// When `low == high` every pixel gets entry 0.
    public func apply(_ map: FloatMap, low: Float, high: Float) -> RGBImage {
        let span = high - low
        let scale: Float = span > 0 ? 1 / span : 0
        var out = [UInt8](repeating: 0, count: map.width * map.height * 3)
        for i in 0..<map.values.count {
            let c = entries[Colormap.index((map.values[i] - low) * scale)]
            out[i * 3] = c.r; out[i * 3 + 1] = c.g; out[i * 3 + 2] = c.b
        }
        return RGBImage(width: map.width, height: map.height, pixels: out)
    }

    /// A horizontal colour bar `width x height` from the low end (left) to the high end (right).
    public func bar(width: Int, height: Int) -> RGBImage {
        var img = RGBImage(width: width, height: height)
        for x in 0..<width {
            let c = color(at: width > 1 ? Float(x) / Float(width - 1) : 0)
            img.fill(x: x, y: 0, width: 1, height: height, color: c)
        }
        return img
    }
}
