// The loader never crashes or hangs on hostile bytes: random buffers, every truncation of a real
// model, and random byte mutations of it either load or fail with a ModelError. Models that
// still load are also listed (folding and shape inference run on whatever the mutation made).
import Foundation
import Testing
import TestSupport
@testable import Runtime

@Suite struct LoaderFuzzTests {
    /// Loads `bytes` and, when that works, lists the layers at a small input size.
    func exercise(_ bytes: [UInt8]) -> Bool {
        do {
            let model = try ONNXModel.load(bytes: bytes, name: "fuzz.onnx")
            _ = try? model.layers(height: 8, width: 8)
            return true
        } catch is ModelError {
            return false
        } catch {
            Issue.record("not a ModelError: \(error)")
            return false
        }
    }

    var seedModel: [UInt8] {
        get throws { [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("golden/batchnorm.onnx")))) }
    }

    @Test func randomBytes() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            let count = Int.random(in: 0...2048, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(!exercise(bytes))
        }
    }

    @Test func everyTruncation() throws {
        let bytes = try seedModel
        #expect(exercise(bytes))
        var loaded = 0
        for cut in stride(from: 0, to: bytes.count, by: 3) where exercise(Array(bytes.prefix(cut))) { loaded += 1 }
        // A prefix can only parse when it ends between top-level fields; the graph comes first
        // and the opset last, so almost none do.
        #expect(loaded < bytes.count / 30)
    }

    @Test func byteMutations() throws {
        let bytes = try seedModel
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<400 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<mutated.count, using: &rng)
                mutated[i] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : mutated[i] ^ (1 << UInt8.random(in: 0...7, using: &rng))
            }
            _ = exercise(mutated)
        }
    }
}
