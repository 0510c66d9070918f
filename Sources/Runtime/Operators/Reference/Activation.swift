// y = f(x) for the activations a model may fuse into the layer before it (Relu, Clip and the
// rest). Their plain definitions, through the C library, are the specification of the eight-lane
// loops in Kernels/ActivationKernel.swift and of every fused epilogue.

extension Reference {
    /// `y[i] = f(x[i])`; `x` may equal `y`.
    static func activation(_ f: Activation, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = f.reference(x[i]) }
    }
}
