import Testing
import TestSupport
@testable import Render

@Suite struct ResizeTests {
    @Test func tapsFollowHalfPixelAlignmentWithClamping() {
        // 2 -> 4: source x = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp 0, 0.25, 0.75, 1
        let taps = BilinearTaps(source: 2, target: 4)
        #expect(taps.lower == [0, 0, 0, 1])
        #expect(taps.upper == [1, 1, 1, 1])
        assertClose(taps.weight, [0, 0.25, 0.75, 0])
    }

    @Test func upsamplingMatchesHandComputedValues() {
        let map = FloatMap(width: 2, height: 1, values: [0, 4])
        let up = map.resizedBilinear(width: 4, height: 1)
        assertClose(up.values, [0, 1, 3, 4])
    }

    @Test func oneByOneSourceFillsTheTarget() {
        let up = FloatMap(width: 1, height: 1, values: [2.5]).resizedBilinear(width: 3, height: 2)
        assertClose(up.values, [Float](repeating: 2.5, count: 6))
    }

    @Test func sameSizeIsIdentity() {
        var g = SeededGenerator(seed: 1)
        let map = FloatMap(width: 5, height: 3, values: g.floats(15))
        #expect(map.resizedBilinear(width: 5, height: 3) == map)
    }

    @Test func fastMatchesReferenceForFloatMaps() {
        withEvery("shape", in: [(1, 1, 7, 7), (7, 7, 112, 112), (14, 14, 113, 113), (9, 5, 3, 2), (3, 8, 17, 4)]) { shape in
            var g = SeededGenerator(seed: UInt64(shape.0 * 100 + shape.2))
            let map = FloatMap(width: shape.0, height: shape.1, values: g.floats(shape.0 * shape.1))
            let fast = map.resizedBilinear(width: shape.2, height: shape.3)
            let plain = map.referenceBilinear(width: shape.2, height: shape.3)
            #expect(fast.values == plain.values, "\(shape)")
        }
    }

    @Test func fastMatchesReferenceForImages() {
        withEvery("shape", in: [(4, 3, 9, 7), (16, 16, 5, 5), (2, 2, 2, 9)]) { shape in
            var g = SeededGenerator(seed: 7)
            let pixels = (0..<(shape.0 * shape.1 * 3)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let image = RGBImage(width: shape.0, height: shape.1, pixels: pixels)
            #expect(image.resizedBilinear(width: shape.2, height: shape.3)
                    == image.referenceBilinear(width: shape.2, height: shape.3), "\(shape)")
        }
    }

    @Test func imageChannelsRoundToNearest() {
        let image = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 1, 3, 255])
        let up = image.resizedBilinear(width: 4, height: 1)
        // weights 0, .25, .75, 1 of the second pixel: 0.25 -> 0, 0.75 -> 1, 2.25 -> 2, 63.75 -> 64
        #expect(up.pixels == [0, 0, 0, 0, 1, 64, 1, 2, 191, 1, 3, 255])
    }

    @Test func areaShrinkAveragesBlocks() {
        // 4x2 -> 2x1: each output pixel is the mean of a 2x2 block.
        let image = RGBImage(width: 4, height: 2, pixels: [
            0, 0, 0, 100, 100, 100, 10, 10, 10, 10, 10, 10,
            100, 100, 100, 200, 200, 200, 30, 30, 30, 50, 50, 50])
        let small = image.resizedArea(width: 2, height: 1)
        #expect(small.pixels == [100, 100, 100, 25, 25, 25])
    }

    @Test func fittingKeepsAspect() {
        let image = RGBImage(width: 200, height: 100)
        #expect(image.fittingSize(maxWidth: 50, maxHeight: 50) == (50, 25))
        #expect(image.scaled(toFit: 400, 100).width == 200)
    }
}
