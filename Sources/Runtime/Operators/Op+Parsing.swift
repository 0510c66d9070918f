// ONNX node -> Op, for opsets 7 to 21. Attribute defaults and the attribute-to-input moves of
// each operator's history (Clip 11, Pad 11, Slice 10, Squeeze/Unsqueeze 13, Softmax 13,
// ReduceSum 13, ReduceMean/Max/Min 18) are settled here; whatever we do not run is refused here,
// at load, naming the operator, the node and the opset.

extension Op {
    /// Largest kernel, stride, dilation or pad we accept: far beyond any real network, small
    /// enough that no later arithmetic can overflow.
    static let maxWindowValue = 1 << 20

    /// Parses one node of the default (`ai.onnx`) domain.
    ///
    /// - Parameter subgraph: decodes an If branch in the context of the enclosing graph.
    static func parse(_ proto: Onnx_NodeProto, attributes a: NodeAttributes,
                      subgraph: (Onnx_GraphProto, String) throws -> Graph) throws -> Op {
        let opset = a.opset
        switch proto.opType {
        case "Conv":
            return .conv(ConvAttributes(window: try window(a, kernelRequired: false),
                                        group: try a.int("group", default: 1, in: 1...maxWindowValue)))
        case "BatchNormalization":
            if try a.int("training_mode", default: 0, in: 0...1) == 1 { throw a.unsupported("training_mode", "1") }
            if opset < 9, try a.int("spatial", default: 1, in: 0...1) == 0 { throw a.unsupported("spatial", "0") }
            return .batchNormalization(epsilon: try a.float("epsilon", default: 1e-5))
        case "Relu": return .activation(.relu)
        case "Sigmoid": return .activation(.sigmoid)
        case "Tanh": return .activation(.tanh)
        case "HardSwish": return .activation(.hardSwish)
        case "Exp": return .unary(.exp)
        case "Log": return .unary(.log)
        case "Sqrt": return .unary(.sqrt)
        case "Neg": return .unary(.neg)
        case "Abs": return .unary(.abs)
        case "Reciprocal": return .unary(.reciprocal)
        case "Floor": return .unary(.floor)
        case "Ceil": return .unary(.ceil)
        case "Erf": return .unary(.erf)
        case "Not": return .unary(.not)
        case "LeakyRelu": return .activation(.leakyRelu(alpha: try a.float("alpha", default: 0.01)))
        case "HardSigmoid":
            return .activation(.hardSigmoid(alpha: try a.float("alpha", default: 0.2), beta: try a.float("beta", default: 0.5)))
        case "Clip":
            if opset < 11 {
                return .clip(min: try a.float("min", default: -.greatestFiniteMagnitude),
                             max: try a.float("max", default: .greatestFiniteMagnitude))
            }
            return .clip(min: nil, max: nil)
        case "Add": return .binary(.add)
        case "Sub": return .binary(.sub)
        case "Mul": return .binary(.mul)
        case "Div": return .binary(.div)
        case "Pow": return .binary(.pow)
        case "Equal": return .binary(.equal)
        case "Less": return .binary(.less)
        case "Greater": return .binary(.greater)
        case "And": return .binary(.and)
        case "Mod": return .binary(try a.int("fmod", default: 0, in: 0...1) == 1 ? .fmod : .mod)
        case "ScatterND":
            let reduction = try a.string("reduction", default: "none")
            guard reduction == "none" else { throw a.unsupported("reduction", reduction) }
            return .scatterND
        case "Or": return .binary(.or)
        case "Max", "Min":
            guard proto.input.count == 2 else { throw a.unsupported("inputs", "\(proto.input.count) (only 2 are)") }
            return .binary(proto.opType == "Max" ? .max : .min)
        case "MaxPool", "AveragePool":
            let isMax = proto.opType == "MaxPool"
            let includePad = try a.int("count_include_pad", default: 0, in: 0...1) == 1
            let pool = PoolAttributes(
                window: try window(a, kernelRequired: true),
                ceilMode: try a.int("ceil_mode", default: 0, in: 0...1) == 1,
                countIncludePad: !isMax && includePad)
            return isMax ? .maxPool(pool) : .averagePool(pool)
        case "GlobalAveragePool": return .globalAveragePool
        case "GlobalMaxPool": return .globalMaxPool
        case "LRN":
            guard a.has("size") else { throw a.invalid("size", "is missing") }
            return .lrn(LRNAttributes(alpha: try a.float("alpha", default: 1e-4), beta: try a.float("beta", default: 0.75),
                                      bias: try a.float("bias", default: 1), size: try a.int("size", default: 1, in: 1...4096)))
        case "Softmax":
            let axis = try a.int("axis", default: opset < 13 ? 1 : -1)
            return .softmax(axis: axis, coerce2D: opset < 13)
        case "LayerNormalization":
            if proto.output.count > 1 && proto.output.dropFirst().contains(where: { !$0.isEmpty }) {
                // Mean and InvStdDev are training outputs; nothing computes them here.
                throw a.unsupported("outputs", "Mean and InvStdDev (only Y is computed)")
            }
            return .layerNormalization(axis: try a.int("axis", default: -1), epsilon: try a.float("epsilon", default: 1e-5))
        case "Gelu":
            let approximate = try a.string("approximate", default: "none")
            switch approximate {
            case "none": return .activation(.gelu)
            case "tanh": return .activation(.geluTanh)
            default: throw a.unsupported("approximate", approximate)
            }
        case "Resize", "Upsample":
            return .resize(try resizeAttributes(a, isUpsample: proto.opType == "Upsample"))
        case "Split":
            let sizes = opset < 13 ? try a.ints("split", in: 0...(1 << 40)) : nil
            if a.has("num_outputs"), try a.int("num_outputs", default: 1, in: 1...(1 << 16)) != proto.output.count {
                throw a.invalid("num_outputs", "differs from the node's \(proto.output.count) outputs")
            }
            return .split(axis: try a.int("axis", default: 0), sizes: sizes)
        case "Sum", "Mean":
            guard !proto.input.isEmpty, !proto.input.contains(where: \.isEmpty) else { throw a.invalid("inputs", "must be one or more values") }
            return .variadic(mean: proto.opType == "Mean")
        case "Gemm":
            return .gemm(GemmAttributes(alpha: try a.float("alpha", default: 1), beta: try a.float("beta", default: 1),
                                        transA: try a.int("transA", default: 0, in: 0...1) == 1,
                                        transB: try a.int("transB", default: 0, in: 0...1) == 1))
        case "MatMul": return .matMul
        case "Concat":
            guard a.has("axis") else { throw a.invalid("axis", "is missing") }
            return .concat(axis: try a.int("axis", default: 0))
        case "Flatten": return .flatten(axis: try a.int("axis", default: 1))
        case "Reshape": return .reshape(allowZero: try a.int("allowzero", default: 0, in: 0...1) == 1)
        case "Squeeze": return .squeeze(axes: opset < 13 ? try a.ints("axes") : nil)
        case "Unsqueeze":
            if opset < 13 {
                guard let axes = try a.ints("axes") else { throw a.invalid("axes", "is missing") }
                return .unsqueeze(axes: axes)
            }
            return .unsqueeze(axes: nil)
        case "Transpose": return .transpose(perm: try a.ints("perm"))
        case "Identity", "Dropout": return .identity
        case "Pad":
            let modeText = try a.string("mode", default: "constant")
            guard let mode = PadAttributes.Mode(rawValue: modeText) else { throw a.unsupported("mode", modeText) }
            if opset < 11 {
                guard let pads = try a.ints("pads", in: -maxWindowValue...maxWindowValue) else { throw a.invalid("pads", "is missing") }
                return .pad(PadAttributes(mode: mode, pads: pads, value: try a.float("value", default: 0)))
            }
            return .pad(PadAttributes(mode: mode, pads: nil, value: 0))
        case "Slice":
            guard opset < 10 else { return .slice(nil) }
            let big = 1 << 40
            guard let starts = try a.clampedInts("starts", to: -big...big),
                  let ends = try a.clampedInts("ends", to: -big...big) else {
                throw a.invalid("starts", "and ends are required before opset 10")
            }
            return .slice(SliceAttributes(starts: starts, ends: ends, axes: try a.ints("axes")))
        case "Gather": return .gather(axis: try a.int("axis", default: 0))
        case "Expand": return .expand
        case "Where": return .where
        case "Cast":
            let to = try a.int("to", default: 0)
            guard let type = Onnx_TensorProto.DataType(rawValue: to)?.elementType else {
                throw a.unsupported("to", "data type \(to)")
            }
            return .cast(to: type)
        case "Shape":
            let end: Int? = a.has("end") ? try a.int("end", default: 0) : nil
            return .shape(start: try a.int("start", default: 0), end: end)
        case "Size": return .size
        case "Constant": return .constant(try constantValue(a))
        case "ConstantOfShape":
            let value = try a.tensor("value") ?? TypedTensor(shape: [1], floats: [0])
            guard value.count == 1 else { throw a.invalid("value", "must hold exactly one element") }
            return .constantOfShape(value)
        case "Range": return .range
        case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin":
            let kind = ReduceAttributes.Kind(rawValue: String(proto.opType.dropFirst(6)).lowercased())!
            let axesAreInput = kind == .sum ? opset >= 13 : opset >= 18
            let axes = try a.ints("axes")
            return .reduce(ReduceAttributes(
                kind: kind, axes: axesAreInput ? nil : axes ?? [],
                keepDims: try a.int("keepdims", default: 1, in: 0...1) == 1,
                noopWithEmptyAxes: try a.int("noop_with_empty_axes", default: 0, in: 0...1) == 1))
        case "If":
            guard let thenProto = try a.graph("then_branch"), let elseProto = try a.graph("else_branch") else {
                throw a.invalid("then_branch", "and else_branch are required")
            }
            return .if(then: try subgraph(thenProto, "then_branch"), else: try subgraph(elseProto, "else_branch"))
        default:
            throw ModelError(file: a.file, .unsupportedOperator(op: proto.opType, node: a.node, opset: opset))
        }
    }

    /// Resize's attributes (opsets 10-21) or Upsample's (7-9), refusing what we do not run:
    /// cubic interpolation, `tf_crop_and_resize`, `exclude_outside`, antialiasing, and a
    /// `keep_aspect_ratio_policy` other than stretch.
    private static func resizeAttributes(_ a: NodeAttributes, isUpsample: Bool) throws -> ResizeAttributes {
        let modeText = try a.string("mode", default: "nearest")
        // Upsample's "bilinear" (opset 7) is Resize's "linear".
        guard let mode = ResizeAttributes.Mode(rawValue: modeText == "bilinear" ? "linear" : modeText) else {
            throw a.unsupported("mode", modeText)
        }
        if isUpsample {
            // Upsample maps coordinates asymmetrically (x_in = x_out / scale) and rounds down.
            let scales = a.opset < 9 ? try a.floats("scales") : nil
            if a.opset < 9 && scales == nil { throw a.invalid("scales", "is missing") }
            return ResizeAttributes(mode: mode, coordinates: .asymmetric, nearest: .floor, scales: scales,
                                    isUpsample: true, scalesInput: 1, axes: nil)
        }
        let coordinateText = try a.string("coordinate_transformation_mode", default: a.opset < 11 ? "asymmetric" : "half_pixel")
        guard let coordinates = ResizeAttributes.CoordinateMode(rawValue: coordinateText) else {
            throw a.unsupported("coordinate_transformation_mode", coordinateText)
        }
        let nearestText = try a.string("nearest_mode", default: a.opset < 11 ? "floor" : "round_prefer_floor")
        guard let nearest = ResizeAttributes.NearestMode(rawValue: nearestText) else { throw a.unsupported("nearest_mode", nearestText) }
        if try a.int("exclude_outside", default: 0, in: 0...1) == 1 { throw a.unsupported("exclude_outside", "1") }
        if try a.int("antialias", default: 0, in: 0...1) == 1 { throw a.unsupported("antialias", "1") }
        let policy = try a.string("keep_aspect_ratio_policy", default: "stretch")
        if policy != "stretch" { throw a.unsupported("keep_aspect_ratio_policy", policy) }
        return ResizeAttributes(mode: mode, coordinates: coordinates, nearest: nearest, scales: nil, isUpsample: false,
                                scalesInput: a.opset < 11 ? 1 : 2, axes: try a.ints("axes"))
    }

    /// The sliding-window attributes shared by Conv and the pools.
    private static func window(_ a: NodeAttributes, kernelRequired: Bool) throws -> WindowAttributes {
        let positive = 1...maxWindowValue
        let kernel = try a.ints("kernel_shape", in: positive)
        if kernelRequired && kernel == nil { throw a.invalid("kernel_shape", "is missing") }
        let autoPadText = try a.string("auto_pad", default: "NOTSET")
        guard let autoPad = AutoPad(rawValue: autoPadText) else { throw a.unsupported("auto_pad", autoPadText) }
        let w = WindowAttributes(kernelShape: kernel,
                                 strides: try a.ints("strides", in: positive),
                                 dilations: try a.ints("dilations", in: positive),
                                 pads: try a.ints("pads", in: 0...maxWindowValue),
                                 autoPad: autoPad)
        if let pads = w.pads, pads.count % 2 != 0 { throw a.invalid("pads", "must hold a begin and an end per axis") }
        return w
    }

    /// Constant's value from whichever of its attributes is present.
    private static func constantValue(_ a: NodeAttributes) throws -> TypedTensor {
        if let t = try a.tensor("value") { return t }
        if a.has("value_float") { return TypedTensor(shape: [], floats: [try a.float("value_float", default: 0)]) }
        if let v = try a.floats("value_floats") { return TypedTensor(shape: [v.count], floats: v) }
        if a.has("value_int") { return TypedTensor(shape: [], ints: [Int64(try a.int("value_int", default: 0))]) }
        if let v = try a.ints("value_ints") { return TypedTensor(shape: [v.count], ints: v.map(Int64.init)) }
        if let other = a.names.first { throw a.unsupported(other, "(only numeric values are)") }
        throw a.invalid("value", "is missing")
    }
}
