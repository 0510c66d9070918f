import Testing
@testable import Render

@Suite struct ColormapTests {
    @Test func tablesHaveTheirPublishedEndpoints() {
        #expect(Colormap.viridis.entries.count == 256)
        #expect(Colormap.viridis.entries.first?.hex == "#440154")
        #expect(Colormap.viridis.entries.last?.hex == "#fde725")
        #expect(Colormap.inferno.entries.first?.hex == "#000004")
        #expect(Colormap.inferno.entries.last?.hex == "#fcffa4")
    }

    @Test func lightnessRisesAcrossTheMap() {
        for map in Colormap.all {
            let l = map.entries.map(\.luma)
            // Perceptually uniform maps rise monotonically in lightness; allow 8-bit rounding.
            for i in 1..<256 { #expect(l[i] >= l[i - 1] - 0.01, "\(map.name) entry \(i)") }
            #expect(l[255] - l[0] > 0.6, "\(map.name)")
        }
    }

    @Test func lookupClampsAndRounds() {
        let m = Colormap.viridis
        #expect(m.color(at: -1) == m.entries[0])
        #expect(m.color(at: .nan) == m.entries[0])
        #expect(m.color(at: 2) == m.entries[255])
        #expect(m.color(at: 0.5) == m.entries[128])
        #expect(Colormap.named("Inferno") == .inferno)
    }

    @Test func applyMapsRangeEnds() {
        let map = FloatMap(width: 3, height: 1, values: [1, 2, 3])
        let img = Colormap.inferno.apply(map, low: 1, high: 3)
        #expect(img[0, 0] == (0, 0, 4))
        #expect(RGBColor(img[2, 0].r, img[2, 0].g, img[2, 0].b) == Colormap.inferno.entries[255])
    }

    @Test func xterm256NearestIsExactOnPaletteColours() {
        for index in 16...255 {
            #expect(XTerm256.index(of: XTerm256.color(index)) == index
                    || XTerm256.color(XTerm256.index(of: XTerm256.color(index))) == XTerm256.color(index))
        }
        #expect(XTerm256.index(of: RGBColor(255, 0, 0)) == 196)
        #expect(XTerm256.index(of: RGBColor(128, 128, 128)) == 244)
    }
}
