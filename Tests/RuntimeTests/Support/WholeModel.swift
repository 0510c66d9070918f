// The tolerance for whole networks, where per-element bounds (KernelBounds.swift) cannot be had.

/// Whole networks against another executor: onnxruntime's recorded outputs, or our own plan on
/// the reference operators.
enum WholeModel {
    /// Each tensor within this fraction of its largest |value| (`assertClose(_:_:normwise:)`).
    ///
    /// Normwise because a network's rounding errors follow from the magnitudes of each layer's terms,
    /// which have the size of the layer's values, not of one element's (a logit near zero carries the
    /// errors of its large neighbours); a per-element bound would need the network run again on
    /// absolute values, layer by layer. Not derived from a theorem, so measured: the worst tensor over
    /// OpenBLAS's Zen, Haswell, Sandybridge, Nehalem, Core2, Penryn, Prescott, Atom and Barcelona
    /// kernels, with NETDISSECT_KERNELS=reference and without FMA (then a NETDISSECT_PORTABLE=1 build,
    /// now NETDISSECT_ISA=baseline), was 2.3e-6 of its largest value (MobileNetV2's features.18, fast
    /// kernels against the reference operators), 1.7e-6 for features.13 against onnxruntime and 5e-7
    /// for the golden fixtures: 1e-4 (~1700 u) leaves a factor of 40. A real bug moves values by
    /// percents of the scale: a tap one column off or a neighbouring channel's bias moves single
    /// outputs by 0.1 to 100 on values of size 1 to 50 (ConvolutionKernelTests).
    static let tolerance: Double = 1e-4
}
