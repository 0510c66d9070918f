// These tests are compiled once per kernel variant (Tests/<kernel module>Tests, sharing this folder
// through a symbolic link), each against its own copy of the kernels; a CPU without a variant's
// instructions skips that variant's suites instead of dying on an illegal instruction.
import Testing
#if NETDISSECT_ISA_AVX512
@testable import KernelsWithAVX512
#elseif NETDISSECT_ISA_AVX2
@testable import KernelsWithAVX2
#else
@testable import KernelsBaseline
#endif
import KernelSupport

extension Trait where Self == ConditionTrait {
    /// Runs the suite only where this CPU can execute the variant under test.
    static var kernelVariant: Self {
        .enabled(if: ISA.supported.contains(FastKernels.isa), "this CPU cannot run the \(FastKernels.isa.rawValue) kernels")
    }
}
