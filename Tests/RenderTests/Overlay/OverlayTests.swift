import Testing
import TestSupport
@testable import Render

@Suite struct OverlayTests {
    @Test func maskIsStrictlyAboveThreshold() {
        let act = FloatMap(width: 2, height: 1, values: [1, 3])
        let mask = Mask(activation: act, threshold: 2, width: 4, height: 1)
        // upsampled 1, 1.5, 2.5, 3: 2 itself would not count
        #expect(mask.bits == [false, false, true, true])
        let exact = Mask(activation: FloatMap(width: 1, height: 1, values: [2]), threshold: 2, width: 2, height: 2)
        #expect(exact.count == 0)
    }

    @Test func outsideIsDimmedToTwentyPercent() {
        let image = RGBImage(width: 2, height: 1, pixels: [100, 200, 250, 100, 200, 250])
        let mask = Mask(width: 2, height: 1, bits: [true, false])
        let out = image.maskOverlay(mask, style: MaskOverlayStyle(outline: nil))
        #expect(out.pixels == [100, 200, 250, 20, 40, 50])
    }

    @Test func outlineFollowsTheInnerEdgeButNotTheImageBorder() {
        // A 6x6 mask filling columns 0...3: its edge is column 3 only.
        var bits = [Bool](repeating: false, count: 36)
        for y in 0..<6 { for x in 0..<4 { bits[y * 6 + x] = true } }
        let mask = Mask(width: 6, height: 6, bits: bits)
        let edge = mask.outline(thickness: 1)
        for y in 0..<6 { for x in 0..<6 { #expect(edge[x, y] == (x == 3), "(\(x),\(y))") } }
        let thick = mask.outline(thickness: 2)
        #expect(thick[2, 0] && thick[3, 5] && !thick[1, 3])
    }

    @Test func fullAndEmptyMasksHaveNoOutline() {
        #expect(Mask(width: 3, height: 3, bits: .init(repeating: true, count: 9)).outline().count == 0)
        #expect(Mask(width: 3, height: 3, bits: .init(repeating: false, count: 9)).outline().count == 0)
    }

    @Test func outlineTakesTheThemeColour() {
        let image = RGBImage(width: 4, height: 4, color: RGBColor(50, 50, 50))
        var bits = [Bool](repeating: false, count: 16)
        bits[5] = true; bits[6] = true; bits[9] = true; bits[10] = true
        let out = image.maskOverlay(Mask(width: 4, height: 4, bits: bits),
                                    style: MaskOverlayStyle(outline: RGBColor(1, 2, 3), outlineThickness: 1))
        #expect(out[1, 1] == (1, 2, 3))
        #expect(out[0, 0] == (10, 10, 10))
    }

    @Test func heatmapBlendsTheColormap() {
        let image = RGBImage(width: 2, height: 1, color: .white)
        let act = FloatMap(width: 2, height: 1, values: [0, 1])
        let out = image.heatmapOverlay(activation: act, style: HeatmapStyle(colormap: .inferno, alpha: 1))
        #expect(out[0, 0] == (0, 0, 4))
        let half = image.heatmapOverlay(activation: act, style: HeatmapStyle(colormap: .inferno, alpha: 0.5))
        #expect(half[0, 0] == (128, 128, 130))
    }
}
