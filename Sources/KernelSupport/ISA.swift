// The instruction sets the kernels are compiled for, and the one this process uses.
//
// Sources/Kernels is compiled three times (Package.swift): KernelsBaseline for any x86-64 CPU
// (SSE2), KernelsWithAVX2 for AVX2 with FMA (`-target-cpu haswell`) and KernelsWithAVX512 for AVX-512
// F/CD/BW/DQ/VL (`-target-cpu skylake-avx512`: LLVM keeps the eight-lane loops 256-bit there, with
// AVX-512's 32 registers and masks; explicit sixteen-lane types would use the 512-bit registers). Everything else is compiled for the baseline, so one binary runs on
// any x86-64 CPU, and the kernels use the widest vectors the CPU has, chosen once from CPUID (with
// the operating system's consent, XGETBV) as OpenBLAS and onnxruntime do.
// `NETDISSECT_ISA=baseline|avx2|avx512` forces one; a value the CPU cannot run is refused (the
// command line says so and stops; a library user gets the widest supported one).
import CCPUFeatures
import Foundation

/// A set of instructions a kernel variant is compiled for, narrowest first.
public enum ISA: String, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case baseline, avx2, avx512

    public static func < (a: ISA, b: ISA) -> Bool { a.rank < b.rank }
    private var rank: Int { ISA.allCases.firstIndex(of: self)! }

    /// What `netdissect version` and the benchmarks print.
    public var description: String {
        switch self {
        case .baseline: "baseline (x86-64 SSE2)"
        case .avx2: "avx2 (AVX2 + FMA)"
        case .avx512: "avx512 (AVX-512 F/CD/BW/DQ/VL + FMA)"
        }
    }

    /// The variants this CPU can execute, narrowest first (always `.baseline`).
    public static let supported: [ISA] = supported(features: nd_cpu_features())

    static func supported(features: Int32) -> [ISA] {
        var list: [ISA] = [.baseline]
        if features & ND_CPU_AVX2 != 0 { list.append(.avx2) }
        if features & ND_CPU_AVX512 != 0 { list.append(.avx512) }
        return list
    }

    /// The variant new sessions use: `NETDISSECT_ISA` when it names one this CPU runs, else the
    /// widest this CPU runs.
    public static let selected: ISA = {
        (try? choose(ProcessInfo.processInfo.environment["NETDISSECT_ISA"], supported: supported).get())
            ?? supported.last!
    }()

    /// Why `NETDISSECT_ISA` cannot be honoured, or nil (unset, or a variant this CPU runs).
    public static var environmentProblem: String? {
        if case let .failure(problem) = choose(ProcessInfo.processInfo.environment["NETDISSECT_ISA"],
                                               supported: supported) {
            return problem.message
        }
        return nil
    }

    /// The variant a setting asks for (nil or empty: the widest supported).
    static func choose(_ setting: String?, supported: [ISA]) -> Result<ISA, Problem> {
        guard let setting, !setting.isEmpty else { return .success(supported.last!) }
        let names = ISA.allCases.map(\.rawValue).joined(separator: ", ")
        guard let isa = ISA(rawValue: setting.lowercased()) else {
            return .failure(Problem(message: "NETDISSECT_ISA=\(setting) is not a kernel variant (use one of \(names), or unset it for the widest this CPU runs)"))
        }
        guard supported.contains(isa) else {
            let runs = supported.map(\.rawValue).joined(separator: ", ")
            return .failure(Problem(message: "NETDISSECT_ISA=\(setting): this CPU cannot run the \(isa.rawValue) kernels (it runs \(runs)); unset it or choose one of those"))
        }
        return .success(isa)
    }

    struct Problem: Error, Equatable { var message: String }
}
