// `ndbench sixel`: encode time and bytes of 256x256 overlay strips through every sixel path, side
// by side, against libsixel's own default (what img2sixel does: an adaptive 256-colour palette
// per image with Atkinson diffusion), measured in the same run. Targets: at most 10 ms and 80 KB
// per picture.
import ArgumentParser
import Dissection
import Foundation
import Render

struct SixelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sixel", abstract: "Sixel encode time and size per 256x256 strip picture, per path.")

    @Option(help: "A probe dataset (netdissect synth) whose images make the pictures.")
    var dataset: String

    @Option(help: "Timed passes over the pictures.")
    var passes: Int = 5

    func run() throws {
        let pictures = try makePictures()
        let baseline = SixelOptions(palette: .adaptive(colors: 256), dither: .atkinson)
        let paths: [(String, SixelOptions)] = [
            ("libsixel default (baseline)", baseline),
            ("adaptive 256, no dither", SixelOptions(palette: .adaptive(colors: 256), dither: .none)),
            ("adaptive 256, floyd-steinberg", SixelOptions(palette: .adaptive(colors: 256), dither: .floydSteinberg)),
            ("adaptive 64, atkinson", SixelOptions(palette: .adaptive(colors: 64), dither: .atkinson)),
            ("fixed xterm-256, no dither", SixelOptions(palette: .fixedXTerm256, dither: .none)),
            ("fixed xterm-256, atkinson", SixelOptions(palette: .fixedXTerm256, dither: .atkinson)),
            ("fixed xterm-256, positional", SixelOptions(palette: .fixedXTerm256, dither: .positional)),
            ("reused 256, no dither", SixelOptions(palette: .reused(colors: 256), dither: .none)),
            ("reused 256, atkinson", SixelOptions(palette: .reused(colors: 256), dither: .atkinson)),
            ("reused 256, positional", SixelOptions(palette: .reused(colors: 256), dither: .positional)),
        ]
        print("sixel: \(pictures.count) pictures of 256x256 (2x2 top images with mask overlays), \(passes) passes")
        print("path                              wall ms   CPU ms   KB/picture   error   x baseline (CPU)")
        var baseMs = 0.0
        for (name, options) in paths {
            let (wall, cpu, kb, error) = try measure(options, pictures)
            if name.hasSuffix("(baseline)") { baseMs = cpu }
            let ok = cpu <= 10 && kb <= 80 ? "" : "  (over budget)"
            print(name.padding(toLength: 34, withPad: " ", startingAt: 0)
                  + fmt(wall, 7, 2) + fmt(cpu, 9, 2) + fmt(kb, 13, 1) + fmt(error, 8, 1) + fmt(cpu / baseMs, 12, 2) + ok)
        }
        let cache = SixelCache()
        let encoder = SixelEncoder()
        let key = SixelCacheKey(identity: "bench", width: 256, height: 256, options: encoder.options)
        _ = try cache.encoding(for: key, encoder: encoder) { pictures[0] }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<1000 { _ = try cache.encoding(for: key, encoder: encoder) { pictures[0] } }
        let hit = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / 1000
        print("cached picture (SixelCache hit)   " + fmt(hit, 10, 4))
        print("wall and CPU: medians per picture; CPU is this thread's CPU time, which holds on a busy machine")
        print("error: mean absolute difference per channel (0-255) of the decoded picture from the source")
        print("budget: 10 ms (CPU) and 80 KB per picture")
    }

    /// Median wall and CPU encode time (ms), mean size (KB) and mean decode error.
    func measure(_ options: SixelOptions, _ pictures: [RGBImage]) throws -> (Double, Double, Double, Double) {
        var times: [Double] = [], cpuTimes: [Double] = []
        var bytes = 0, error = 0.0
        for pass in 0..<passes {
            let encoder = SixelEncoder(options: options)     // a reused palette starts afresh each pass
            for picture in pictures {
                let start = DispatchTime.now().uptimeNanoseconds
                let cpuStart = threadCPUms()
                let out = try encoder.encode(picture)
                cpuTimes.append(threadCPUms() - cpuStart)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                if pass == 0 {
                    bytes += out.count
                    let decoded = try SixelDecoder.decode(out)
                    var sum = 0
                    for i in 0..<picture.pixels.count { sum += abs(Int(decoded.pixels[i]) - Int(picture.pixels[i])) }
                    error += Double(sum) / Double(picture.pixels.count)
                }
            }
        }
        times.sort(); cpuTimes.sort()
        let n = Double(pictures.count)
        return (times[times.count / 2], cpuTimes[cpuTimes.count / 2], Double(bytes) / 1024 / n, error / n)
    }

    /// This thread's CPU time in milliseconds.
    func threadCPUms() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }

    /// 256x256 pictures as `netdissect unit` draws them: four probe images in a 2x2 grid, each
    /// with a mask overlay (a blob-shaped activation map thresholded).
    func makePictures() throws -> [RGBImage] {
        let index = try String(contentsOfFile: dataset + "/index.csv", encoding: .utf8)
        let paths = index.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
        guard paths.count >= 4 else { throw ValidationError("\(dataset): need at least 4 images") }
        var images: [RGBImage] = []
        for p in paths.prefix(32) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dataset + "/images/" + p)))
            images.append(try JPEG.decode(bytes))
        }
        var pictures: [RGBImage] = []
        for k in stride(from: 0, to: images.count - 3, by: 4) {
            let tiles = (0..<4).map { j -> MontageTile in
                let img = images[k + j]
                var map = FloatMap(width: 7, height: 7)
                for y in 0..<7 { for x in 0..<7 {
                    let dx = Float(x - (2 + (k + j) % 3)), dy = Float(y - (3 + j % 2))
                    map[x, y] = 4 - (dx * dx + dy * dy) / 3
                } }
                return MontageTile(image: img.maskOverlay(activation: map, threshold: 2.5), caption: "#\(j + 1) max 4.00")
            }
            pictures.append(Montage.grid(tiles, columns: 2, style: MontageStyle(cellWidth: 124, cellHeight: 112, gap: 2))
                .scaled(width: 256, height: 256))
        }
        return pictures
    }

    func fmt(_ v: Double, _ width: Int, _ decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
