// swift-tools-version:6.1
//
// netdissect: Network Dissection in Swift. The module graph is the design (docs/architecture.md):
//
//   Runtime, Render        know nothing of ours (running ONNX models; images, pictures, reports)
//   Dissection             the method: probe reading, activations, quantiles, tallies, scores, the run store
//   ProbeTools             making and checking probes: synthetic probe, Broden download, probe check
//   Workflows              what commands and the explorer do: runners, views, reports, experiments, export
//   TUI                    the explorer
//   CLI                    the commands: argument parsing only (tested by CLITests)
//   netdissect             the executable: main.swift runs CLI's Netdissect
//
// Dependencies point one way (Runtime, Render <- Dissection <- ProbeTools, Workflows <- TUI <-
// CLI <- netdissect). Each system C library enters through one tiny `systemLibrary` shim target,
// used by one module.
import Foundation
import PackageDescription

/// Sources/Kernels (the runtime's SIMD loops) is compiled three times, once per instruction set,
/// and the process picks one at run time from CPUID (KernelSupport/ISA.swift): KernelsBaseline
/// for any x86-64 CPU, KernelsWithAVX2 with AVX2 and FMA (eight-lane SIMD types become single AVX
/// instructions with fused multiply-adds), KernelsWithAVX512 with AVX-512 (sixteen-lane tiles in the
/// 512-bit registers). Everything else is compiled for the baseline: one binary runs on any x86-64
/// CPU. The three targets share their sources through a symbolic link (Sources/<module>/Kernels
/// -> ../Kernels); so do their test targets (Tests/<module>Tests/KernelTests -> ../KernelTests).
///
/// The names are chosen for the link order. Each copy emits the same-named helpers (value witness
/// copies such as `__swift_memcpy208_8`, outlined copies of KernelSupport's types, generic
/// specializations); the linker keeps the first copy it reads, and SwiftPM lists object files in
/// the order of their module names. "KernelsBaseline" sorts before "KernelsWith...", so the copy
/// every module may call is always the one compiled for any x86-64 CPU (scripts/e2e-isa checks
/// the binary for it).
func kernelModule(_ isa: String) -> String {
    isa == "Baseline" ? "KernelsBaseline" : "KernelsWith\(isa)"
}
func kernelVariant(_ isa: String) -> [SwiftSetting] {
    #if arch(x86_64)
    switch isa {
    case "AVX2": return [.unsafeFlags(["-target-cpu", "haswell"]), .define("NETDISSECT_FMA")] + kernelDefine(isa)
    case "AVX512": return [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("NETDISSECT_FMA")] + kernelDefine(isa)
    default: return []
    }
    #else
    return kernelDefine(isa)  // compiled plain elsewhere; never selected (ISA.supported is [baseline])
    #endif
}
/// Which variant a copy of the kernels (or of their tests) is: `FastKernels.isa`.
func kernelDefine(_ isa: String) -> [SwiftSetting] {
    isa == "Baseline" ? [] : [.define("NETDISSECT_ISA_\(isa)")]
}
let kernelISAs = ["Baseline", "AVX2", "AVX512"]
let kernelTargets: [Target] = kernelISAs.map { isa in
    .target(name: kernelModule(isa), dependencies: ["KernelSupport", "CCBlas", "CPrefetch"], swiftSettings: kernelVariant(isa))
}
/// Every kernel against the plain reference, once per variant (skipped where the CPU lacks it).
let kernelTestTargets: [Target] = kernelISAs.map { isa in
    .testTarget(name: "\(kernelModule(isa))Tests", dependencies: [.target(name: kernelModule(isa)), "KernelSupport", "Runtime", "TestSupport"],
                swiftSettings: kernelDefine(isa))
}

/// System libraries, CPUID, and what the kernels share with Runtime.
let baseTargets: [Target] = [
    // MARK: System libraries
    .systemLibrary(name: "CCBlas", path: "Sources/CCBlas", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", pkgConfig: "ncursesw",
                   providers: [.apt(["libncurses-dev"])]),
    .systemLibrary(name: "CSixel", path: "Sources/CSixel", pkgConfig: "libsixel",
                   providers: [.apt(["libsixel-dev"])]),
    .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                   providers: [.apt(["libturbojpeg0-dev"])]),
    .systemLibrary(name: "CSpng", path: "Sources/CSpng", pkgConfig: "spng",
                   providers: [.apt(["libspng-dev"])]),
    .systemLibrary(name: "CLapack", path: "Sources/CLapack", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev"])]),

    // A cache prefetch hint for the kernels (not a system library: a builtin Swift cannot spell;
    // a header of one static inline function, so it is a module map with nothing to link).
    .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
    // CPUID for the kernel dispatch (not a system library: one C function Swift cannot write).
    .target(name: "CCPUFeatures", path: "Sources/CCPUFeatures"),
    // libcurl through dlopen, for downloads only (linking it would load it, and the ~30 libraries
    // it needs, at every start of netdissect).
    .target(name: "CCurlLoader", path: "Sources/CCurlLoader", linkerSettings: [.linkedLibrary("dl")]),

    // MARK: Libraries
    // What the kernels and Runtime share: shapes, the kernel seam, workers, the ISA choice.
    .target(name: "KernelSupport", dependencies: ["CCBlas", "CCPUFeatures"]),
]

/// Runtime and the modules above it, the executables, and the test targets below Dissection.
let upperTargets: [Target] = [
    .target(name: "Runtime", dependencies: [
        "CCBlas", "CLapack", "KernelSupport", "KernelsBaseline", "KernelsWithAVX2", "KernelsWithAVX512",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
    ], resources: [.copy("Classification/imagenet-classes.txt")]),
    .target(name: "Render", dependencies: ["CTurboJPEG", "CSpng", "CSixel"]),
    .target(name: "Dissection", dependencies: [
        "Runtime", "Render",
        .product(name: "GRDB", package: "GRDB.swift"),  // imported by Store/ only
        .product(name: "GRDBSQLite", package: "GRDB.swift"),  // Store/RowInserter.swift: rows bound with SQLite calls
    ]),
    .target(name: "ProbeTools", dependencies: [
        "Dissection", "Runtime", "Render", "CCurlLoader",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),  // Download/ only
    ]),
    .target(name: "Workflows", dependencies: ["Dissection", "Runtime", "Render"]),
    .target(name: "TUI", dependencies: ["Workflows", "Dissection", "Render", "CNcursesw"]),

    // MARK: Command line
    .target(name: "CLI", dependencies: [
        "Runtime", "Render", "Dissection", "ProbeTools", "Workflows", "TUI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .executableTarget(name: "netdissect", dependencies: [
        "CLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),

    // MARK: Benchmarks (benchmarks/*/run build this in release mode)
    .executableTarget(name: "ndbench", dependencies: [
        "Runtime", "Render", "Dissection",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ], path: "benchmarks/ndbench"),

    // MARK: Tests
    .target(name: "TestSupport", dependencies: ["Runtime"], path: "Tests/TestSupport"),  // seeded data: Runtime's SplitMix64
    // Probes, runs and fixtures shared by the test targets of Dissection and the modules above it.
    .target(name: "DissectionTestSupport", dependencies: ["Dissection", "Runtime", "Render", "TestSupport"],
            path: "Tests/DissectionTestSupport", resources: [.copy("Fixtures")]),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Render", "TestSupport"],
                resources: [.copy("Fixtures")]),
    .testTarget(name: "KernelSupportTests", dependencies: ["KernelSupport", "TestSupport"]),
]

/// The test targets of Render and of the modules above Runtime.
let otherTestTargets: [Target] = [
    .testTarget(name: "RenderTests", dependencies: ["Render", "TestSupport"],
                resources: [.copy("Fixtures")]),
    .testTarget(name: "DissectionTests", dependencies: [
        "Dissection", "Runtime", "Render", "TestSupport", "DissectionTestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),  // hostile run databases are made with SQL
    ], resources: [.copy("Fixtures")]),
    .testTarget(name: "ProbeToolsTests", dependencies: [
        "ProbeTools", "Dissection", "Render", "TestSupport", "DissectionTestSupport",
        "Runtime",  // imported probes are dissected over planted .npy activations
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),  // archives to download
    ]),
    .testTarget(name: "WorkflowsTests", dependencies: [
        "Workflows", "Dissection", "Runtime", "Render", "TestSupport", "DissectionTestSupport",
        "ProbeTools",  // runs to view are made on a synthetic probe with known ground truth
    ], resources: [.copy("Fixtures")]),
    .testTarget(name: "TUITests", dependencies: [
        "TUI", "Workflows", "Dissection", "Render", "Runtime", "TestSupport",
        "DissectionTestSupport",  // the explorer's end-to-end fixture
        .product(name: "GRDB", package: "GRDB.swift"),  // a damaged run for the explorer
    ], resources: [.copy("Fixtures")]),
    // Every subcommand's options and defaults, parsed without running the work.
    .testTarget(name: "CLITests", dependencies: [
        "CLI", "Workflows", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        "ProbeTools",  // the formats `probe import` parses
    ]),
    // A developer's tool, not a test: `swift run explorer-fixture DIR` writes the explorer's
    // end-to-end fixture where a person can open it.
    .executableTarget(name: "explorer-fixture", dependencies: ["DissectionTestSupport"],
                      path: "Tests/ExplorerFixtureTool"),
]

let package = Package(
    name: "netdissect",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "netdissect", targets: ["netdissect"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "Render", targets: ["Render"]),
        .library(name: "Dissection", targets: ["Dissection"]),
        .library(name: "ProbeTools", targets: ["ProbeTools"]),
        .library(name: "Workflows", targets: ["Workflows"]),
        .library(name: "TUI", targets: ["TUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: baseTargets + kernelTargets + upperTargets + kernelTestTargets + otherTestTargets
)
