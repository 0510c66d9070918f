// Choosing the kernel variant: NETDISSECT_ISA honoured when the CPU runs it, refused with the
// reason when it does not or when it names nothing, and the widest supported one otherwise.
import Testing
@testable import KernelSupport

@Suite struct ISATests {
    @Test func unsetOrEmptyChoosesTheWidestSupported() {
        #expect(ISA.choose(nil, supported: [.baseline, .avx2]) == .success(.avx2))
        #expect(ISA.choose("", supported: [.baseline, .avx2, .avx512]) == .success(.avx512))
        #expect(ISA.choose(nil, supported: [.baseline]) == .success(.baseline))
    }

    @Test func aSupportedVariantIsHonouredWhateverItsCase() {
        #expect(ISA.choose("baseline", supported: [.baseline, .avx2, .avx512]) == .success(.baseline))
        #expect(ISA.choose("AVX2", supported: [.baseline, .avx2, .avx512]) == .success(.avx2))
    }

    @Test func aVariantTheCPUCannotRunIsRefusedWithWhatItRuns() throws {
        guard case let .failure(problem) = ISA.choose("avx512", supported: [.baseline, .avx2]) else {
            Issue.record("avx512 accepted on a CPU without it")
            return
        }
        #expect(problem.message.contains("NETDISSECT_ISA=avx512"))
        #expect(problem.message.contains("cannot run the avx512 kernels (it runs baseline, avx2)"))
    }

    @Test func aNameThatIsNoVariantIsRefusedWithTheNames() throws {
        guard case let .failure(problem) = ISA.choose("sse9", supported: [.baseline, .avx2]) else {
            Issue.record("sse9 accepted")
            return
        }
        #expect(problem.message.contains("baseline, avx2, avx512"))
    }

    /// CPUID's bits as the C shim reports them: AVX-512 only counts with AVX2 (the shim never
    /// sets it alone), and the baseline is always there.
    @Test func featureBitsMapToVariants() {
        #expect(ISA.supported(features: 0) == [.baseline])
        #expect(ISA.supported(features: 1) == [.baseline, .avx2])
        #expect(ISA.supported(features: 3) == [.baseline, .avx2, .avx512])
    }

    /// The process's own choice is one its CPU runs, and the widest when nothing forces it.
    @Test func theSelectedVariantRunsHere() {
        #expect(ISA.supported.contains(ISA.selected))
        #expect(ISA.supported.first == .baseline)
        #expect(ISA.supported == ISA.supported.sorted())
    }
}
