// `netdissect version` and NETDISSECT_ISA through the real executable: the variant in use is the
// widest the CPU runs unless forced, a forced variant is used, and a variant that names nothing or
// that this CPU cannot run stops the command in one line before any work.
import Testing
import TestSupport

@Suite struct VersionCommandTests {
    /// The variants `version` says this CPU runs, and its `kernels:` line.
    private func version(_ environment: [String: String] = [:]) throws -> (runs: [String], kernels: String, result: CommandResult) {
        let result = try runNetdissect(["version"], environment: environment, timeout: 60)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let runs = lines.first { $0.hasPrefix("this cpu runs: ") }.map {
            $0.dropFirst("this cpu runs: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } ?? []
        return (runs, lines.first { $0.hasPrefix("kernels: ") } ?? "", result)
    }

    @Test func printsTheWidestVariantThisCPURuns() throws {
        guard requireNetdissectBinary() != nil else { return }
        let (runs, kernels, result) = try version(["NETDISSECT_ISA": ""])
        #expect(result.status == 0 && !result.signalled, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("netdissect "))
        #expect(runs.first == "baseline", "\(result.stdout)")
        #expect(kernels.hasPrefix("kernels: \(runs.last ?? "?") "), "\(result.stdout)")
        #expect(result.stdout.contains("\ncpu: ") && result.stdout.contains("\nopenblas: "))
    }

    @Test func aForcedVariantIsTheOneInUse() throws {
        guard requireNetdissectBinary() != nil else { return }
        let runs = try version(["NETDISSECT_ISA": ""]).runs
        for isa in runs {
            let (_, kernels, result) = try version(["NETDISSECT_ISA": isa])
            #expect(result.status == 0, "\(isa): \(result.stderr)")
            #expect(kernels.hasPrefix("kernels: \(isa) ") && kernels.contains("NETDISSECT_ISA=\(isa)"), "\(kernels)")
        }
    }

    @Test func aVariantThatNamesNothingIsRefusedInOneLine() throws {
        guard requireNetdissectBinary() != nil else { return }
        let result = try runNetdissect(["version"], environment: ["NETDISSECT_ISA": "sse9"], timeout: 60)
        #expect(result.status == 2 && !result.signalled)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("NETDISSECT_ISA=sse9 is not a kernel variant (use one of baseline, avx2, avx512"))
    }

    /// On a CPU without AVX-512 (or AVX2), forcing it is refused instead of dying of an illegal
    /// instruction; on one with every variant there is nothing to refuse.
    @Test func aVariantThisCPUCannotRunIsRefusedInOneLine() throws {
        guard requireNetdissectBinary() != nil else { return }
        let runs = try version(["NETDISSECT_ISA": ""]).runs
        for isa in ["avx2", "avx512"] where !runs.contains(isa) {
            let result = try runNetdissect(["dissect", "--help"], environment: ["NETDISSECT_ISA": isa], timeout: 60)
            #expect(result.status == 2 && !result.signalled, "\(isa): \(result.stderr)")
            #expect(result.stderr.contains("this CPU cannot run the \(isa) kernels"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }
}
