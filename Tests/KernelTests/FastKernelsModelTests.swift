// Whole models on the fast kernels against the same plans on the reference operators.
import Foundation
import Testing
import TestSupport
@testable import Runtime
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

@Suite(.kernelVariant) struct FastKernelsModelTests {
    /// The real MobileNetV2 on the photo and a noise image: every tapped layer agrees with the
    /// reference operators, and every convolution, pool and linear layer ran on a fast kernel.
    @Test func mobileNetMatchesReference() throws {
        let model = try ONNXModel.load(path: try PackagePaths.model("mobilenet_v2.onnx"))
        let photo = try NPY.read(try PackagePaths.model("mobilenet_v2.chelsea.input.npy"))
        var rng = SeededGenerator(seed: 41)
        let batch = Tensor(shape: [2, 3, 224, 224], data: photo.data + rng.normals(photo.count))
        let taps = ["features.1", "features.6", "features.13", "features.18", "output"]
        let fast = try model.session(height: 224, width: 224, taps: taps,
                                     providers: [FastKernels(parallelism: Parallelism(threads: 2))])
        let reference = try model.session(height: 224, width: 224, taps: taps, providers: [])
        let summary = try fast.planSummary(batch: 2)
        #expect(!summary.contains { $0.contains("reference") }, "\(summary.filter { $0.contains("reference") })")
        // The batch runs on image lanes: one-image plans, here on two workers each. Every block is
        // one step (Planner+Blocks.swift): the three on 112x112 and 56x56 maps whose depthwise
        // convolutions are planar a band of rows at a time, the 14 on smaller maps cut by channels
        // (two groups per image).
        #expect(summary.filter { $0.contains("inverted residual") }.count == 17, "\(summary)")
        #expect(summary.filter { $0.contains("inverted residual by channels") }.count == 14, "\(summary)")
        let actual = try fast.run(batch), expected = try reference.run(batch)
        for tap in taps {
            let a = actual[tap]!, e = expected[tap]!
            assertClose(a.data, e.data, normwise: WholeModel.tolerance, shape: a.shape, expectedShape: e.shape, tap)
        }
    }

    /// A block whose inside is tapped runs as three steps (the tapped value must exist); the
    /// others stay fused, and both taps agree with the reference.
    @Test func aTappedBlockIsNotFused() throws {
        let model = try ONNXModel.load(path: try PackagePaths.model("mobilenet_v2.onnx"))
        let photo = try NPY.read(try PackagePaths.model("mobilenet_v2.chelsea.input.npy"))
        let taps = ["features.3.conv.1", "features.5"]
        let fast = try model.session(height: 224, width: 224, taps: taps,
                                     providers: [FastKernels(parallelism: Parallelism(threads: 2))])
        let reference = try model.session(height: 224, width: 224, taps: taps, providers: [])
        let fused = try fast.planSummary(batch: 1).filter { $0.contains("inverted residual") }
        // features.1 and .2 a band at a time, .4 and .5 (the last before the taps end) by channels.
        #expect(fused.count == 4, "\(fused)")
        #expect(fused.filter { $0.contains("by channels") }.count == 2, "\(fused)")
        #expect(!fused.contains { $0.contains("features.3/") }, "\(fused)")
        let actual = try fast.run(photo), expected = try reference.run(photo)
        for tap in taps {
            let a = actual[tap]!, e = expected[tap]!
            assertClose(a.data, e.data, normwise: WholeModel.tolerance, shape: a.shape, expectedShape: e.shape, tap)
        }
    }
}
