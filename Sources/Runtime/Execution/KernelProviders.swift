// Which fast kernels new sessions use: the copy of Sources/Kernels compiled for the instruction
// set this process runs (`ISA.selected`: the widest the CPU has, or `NETDISSECT_ISA`), or none
// when `NETDISSECT_KERNELS=reference` (whole models then run on the plain operators, to compare).
// `NETDISSECT_THREADS` sets the number of workers (default: every core). The dissection's bit
// kernels (`MaskKernels`: unit masks, label scans, intersections) come from the same copy.
import KernelSupport
import KernelsWithAVX2
import KernelsWithAVX512
import KernelsBaseline
import Foundation

/// The providers the planner consults, in order, before falling back on the reference.
package enum KernelProviders {
    /// The default list for new sessions.
    static var standard: [any KernelProvider] { standard(threads: nil) }

    /// The standard providers with kernels on `threads` threads (nil: every core).
    static func standard(threads: Int?) -> [any KernelProvider] {
        guard ProcessInfo.processInfo.environment["NETDISSECT_KERNELS"] != "reference" else { return [] }
        return [fast(.selected, parallelism: threads.map { Parallelism(threads: $0) } ?? .machine)]
    }

    /// The fast kernels compiled for `isa` (which the CPU must support: see `ISA.supported`).
    package static func fast(_ isa: ISA, parallelism: Parallelism = .machine) -> any KernelProvider {
        precondition(ISA.supported.contains(isa), "KernelProviders: this CPU cannot run the \(isa.rawValue) kernels")
        switch isa {
        case .baseline: return KernelsBaseline.FastKernels(parallelism: parallelism)
        case .avx2: return KernelsWithAVX2.FastKernels(parallelism: parallelism)
        case .avx512: return KernelsWithAVX512.FastKernels(parallelism: parallelism)
        }
    }

    /// The dissection's bit kernels compiled for `isa` (which the CPU must support).
    package static func masks(_ isa: ISA) -> any MaskKernels {
        precondition(ISA.supported.contains(isa), "KernelProviders: this CPU cannot run the \(isa.rawValue) kernels")
        switch isa {
        case .baseline: return KernelsBaseline.FastMaskKernels()
        case .avx2: return KernelsWithAVX2.FastMaskKernels()
        case .avx512: return KernelsWithAVX512.FastMaskKernels()
        }
    }

    /// The bit kernels of `ISA.selected`, for the dissection's tallies and masks.
    package static let selectedMasks: any MaskKernels = masks(.selected)
}

extension NodeRequest {
    /// The request for a node the fast kernels may cover, or nil (constants, views, casts,
    /// gathers, selections and reductions, and what the convolution and pooling requests carry).
    init?(_ op: ResolvedOp) {
        switch op {
        case let .binary(b, s): self = .binary(b, s)
        case let .activation(f, shape): self = .activation(f, shape: shape)
        case let .unary(u, shape): self = .unary(u, shape: shape)
        case let .affine(s): self = .affine(s)
        case let .softmax(s): self = .softmax(s)
        case let .layerNorm(s): self = .layerNorm(s)
        case let .lrn(a, shape): self = .lrn(a, shape: shape)
        case let .concat(s): self = .concat(s)
        case let .pad(s): self = .pad(s)
        case let .matMul(s): self = .matMul(s)
        case let .transpose(s): self = .stridedCopy(StridedCopyShape(outputShape: s.outputShape, offset: 0, inputStrides: s.inputStrides))
        case let .slice(s): self = .stridedCopy(StridedCopyShape(outputShape: s.outputShape, offset: s.offset, inputStrides: s.inputStrides))
        case let .expand(s): self = .stridedCopy(StridedCopyShape(outputShape: s.outputShape, offset: 0, inputStrides: s.inputStrides))
        case .constant, .conv, .pool, .globalPool, .resize, .gemm, .view, .cast,
             .gather, .select, .reduce, .scatterND:
            return nil
        }
    }
}
