// What the CPU (and the operating system, which must save the wider registers) can execute, from
// CPUID and XGETBV through the compiler's __builtin_cpu_supports. The one C function the kernel
// dispatch needs: Swift has no CPUID intrinsic.
#ifndef ND_CPU_FEATURES_H
#define ND_CPU_FEATURES_H

/// AVX2, FMA, BMI1/2, F16C, POPCNT and LZCNT: what `-target-cpu haswell` may emit.
#define ND_CPU_AVX2 1
/// AVX-512 F, CD, BW, DQ and VL (with the above): what `-target-cpu skylake-avx512` may emit.
#define ND_CPU_AVX512 2

/// The ND_CPU_* bits this CPU supports; 0 on other architectures than x86-64.
int nd_cpu_features(void);

#endif
