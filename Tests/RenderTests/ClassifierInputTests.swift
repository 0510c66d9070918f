// torchvision's evaluation transform (Render/Image/RGBImage+ClassifierInput.swift): the
// antialiased resize and the centre crop.
import Testing
import TestSupport
@testable import Render

@Suite struct ClassifierInputTests {
    @Test func resizeAndCrop() {
        // A same-size resize is the identity; halving averages 2x2 blocks.
        var rng = SeededGenerator(seed: 5)
        let pixels = (0..<(4 * 4 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        #expect(RGBImage(width: 4, height: 4, pixels: pixels).resizedAntialiased(width: 4, height: 4).pixels == pixels)
        let flat = [UInt8](repeating: 0, count: 2 * 2 * 3) + [UInt8](repeating: 200, count: 2 * 2 * 3)
        let halved = RGBImage(width: 2, height: 4, pixels: flat).resizedAntialiased(width: 1, height: 2)
        #expect(halved.width == 1 && halved.height == 2)
        #expect(halved.pixels[0] < 60 && halved.pixels[3] > 140, "rows keep their brightness")
        let crop = RGBImage(width: 3, height: 3, pixels: [UInt8](0..<27)).centerCropped(width: 1, height: 1)
        #expect(crop.pixels == [12, 13, 14])
        let input = RGBImage(width: 451, height: 300, pixels: [UInt8](repeating: 7, count: 300 * 451 * 3)).classifierInput()
        #expect(input.width == 224 && input.height == 224 && input.pixels.allSatisfy { $0 == 7 })
    }
}
