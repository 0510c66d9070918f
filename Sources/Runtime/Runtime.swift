// The Runtime module: running a CNN or ViT exported to ONNX, and reading out its layers.
//
// `Tensor/` (the float tensor), `IO/` (`.npy` and `RegularFile`, the one way a file named by
// untrusted input is opened), `ONNX/` (decoding a model file), `Graph/` (sorting, checking and
// folding the graph for one input shape), `Operators/` (the closed enum of operators and their
// plain reference implementations), `Execution/` (plans, sessions, taps and edits, and which
// kernel variant runs), `Classification/` (image normalisation, classifier preprocessing, top-k and
// ImageNet's class names) and `LinearAlgebra/` (small dense Double matrices on OpenBLAS's LAPACK).
//
// The fast kernels are below it: Sources/Kernels, compiled once per instruction set (modules
// KernelsBaseline, KernelsWithAVX2, KernelsWithAVX512), and KernelSupport, what they share with this
// module (operator shapes, the kernel seam, the worker pool, the ISA choice), re-exported here so
// that users of Runtime see `Activation`, `ConvShape`, `Parallelism` and `ISA` as before.
// Nothing else of ours is a dependency; OpenBLAS is reached through the `CCBlas` and `CLapack` shims.
@_exported import KernelSupport
