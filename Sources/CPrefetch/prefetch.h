// A cache prefetch hint for the kernels: the compiler builtin Swift cannot spell. Inlined into
// each kernel copy (static inline), so no symbol is shared between the instruction-set variants.
#ifndef ND_PREFETCH_H
#define ND_PREFETCH_H

/// Asks the CPU to bring the cache line holding `p` into every level of cache, for reading
/// (`prefetcht0`, in every x86-64 CPU). A hint: it never faults, even past the end of an array.
static inline void nd_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// The same into the second-level cache and beyond (`prefetcht1`).
static inline void nd_prefetch_l2(const void *p) { __builtin_prefetch(p, 0, 2); }

#endif
