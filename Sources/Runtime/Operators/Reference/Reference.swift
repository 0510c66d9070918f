// The plain operators: one loop nest per operator, over raw pointers, allocating nothing. Each is
// the specification of its operator: the fast kernels in Sources/Kernels are tested against it,
// load-time folding evaluates constants with it, and the executor runs it wherever no fast kernel
// takes a node (everywhere with NETDISSECT_KERNELS=reference). Where a fast kernel sums many
// terms (convolution, pooling, Gemm, MatMul, Softmax, LRN), its reference sums them in Double and
// rounds once, so the reference's own error is below 2u times the magnitude of its terms (the
// bound the kernel tests add to theirs).

/// The plain operators (see the files in Operators/Reference).
enum Reference {}
