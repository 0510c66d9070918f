// The Runtime module: running a CNN or ViT exported to ONNX, and reading out its layers.
//
// `Tensor/` (the float tensor and its shape arithmetic), `IO/` (`.npy` and `RegularFile`, the one
// way a file named by untrusted input is opened), `ONNX/` (decoding a model file), `Graph/`
// (sorting, checking and folding the graph for one input shape), `Operators/` (the closed enum of
// operators and their plain reference implementations), `Kernels/` (the fast kernels on OpenBLAS
// and SIMD loops), `Execution/` (plans, sessions, taps and edits), `Classification/` (image
// normalisation, classifier preprocessing, top-k and ImageNet's class names) and `LinearAlgebra/`
// (small dense Double matrices on OpenBLAS's LAPACK). It depends on nothing else of ours; every
// call into OpenBLAS (through the `CCBlas` and `CLapack` shims) is made from this module.
