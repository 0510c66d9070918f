"""Writes the whole-model golden fixtures of the runtime tests (GoldenModelTests.swift).

Small random-weight ONNX models covering every operator the runtime supports and the graph
patterns both torch.onnx exporters write, each with a random input and the reference outputs as
float32 .npy: onnxruntime's (CPU provider) for graph outputs and tapped values, torch forward
hooks' for PyTorch module paths. manifest.json lists the cases.

Run by hand, not by CI (it needs torch), from the repository root:

    python3 Tests/RuntimeTests/Fixtures/golden/make_fixtures.py

(any Python with numpy, onnx, onnxruntime and torch does: the .venv of scripts/fetch-models
after `.venv/bin/pip install torch`). The output is deterministic for given
library versions; re-record after changing a case, never edit the .npy files by hand.
"""

import json
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
RNG = np.random.RandomState(20240611)
CASES = []


def rand(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def init(name, array):
    array = np.asarray(array)
    return numpy_helper.from_array(array.astype(array.dtype if array.dtype != np.float64 else np.float32), name)


def model(nodes, inits, outputs, opset, input_shape=("N", 3, 8, 8), name="x", extra_inputs=()):
    graph = helper.make_graph(
        nodes, "case", [helper.make_tensor_value_info(name, TensorProto.FLOAT, list(input_shape))] + list(extra_inputs),
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_fixtures")
    m.ir_version = 7 if opset <= 15 else 8 if opset <= 18 else 10
    # No onnx.checker here: graph outputs carry no shapes, which it insists on; onnxruntime checks the rest.
    return m


def run_ort(m, x, names):
    """onnxruntime's values of `names` (graph outputs or inner values) on input x."""
    m = onnx.ModelProto.FromString(m.SerializeToString())
    present = {o.name for o in m.graph.output}
    for n in names:
        if n not in present:
            m.graph.output.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, None))
    s = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    return dict(zip(names, s.run(names, {s.get_inputs()[0].name: x})))


def save(name, m, x, expected, external=False, note=""):
    """Writes <name>.onnx, <name>.input.npy and one .npy per expected value; adds a manifest entry."""
    path = os.path.join(HERE, f"{name}.onnx")
    if external:
        onnx.save(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                  location=f"{name}.weights", size_threshold=0)
    else:
        onnx.save(m, path)
    np.save(os.path.join(HERE, f"{name}.input.npy"), x.astype(np.float32))
    files = {}
    for i, (key, value) in enumerate(expected.items()):
        f = f"{name}.out{i}.npy"
        np.save(os.path.join(HERE, f), np.asarray(value, dtype=np.float32))
        files[key] = f
    CASES.append({"name": name, "model": f"{name}.onnx", "input": f"{name}.input.npy", "expected": files, "note": note})


def ort_case(name, m, x, taps=(), external=False, note=""):
    outputs = [o.name for o in m.graph.output]
    save(name, m, x, run_ort(m, x, outputs + list(taps)), external, note)


# ---------------------------------------------------------------------------------------------
# Hand-built models, one family of operators each


def conv_cases():
    x = rand(2, 4, 11, 13)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 0, 2, 1], strides=[2, 1], name="asymmetric"),
        helper.make_node("Conv", ["c1", "wd"], ["c2"], group=6, dilations=[2, 2], pads=[2, 2, 2, 2], name="depthwise"),
        helper.make_node("Conv", ["c2", "wg", "bg"], ["c3"], group=2, auto_pad="SAME_UPPER", strides=[2, 2], name="grouped"),
        helper.make_node("Conv", ["c3", "w4"], ["c4"], kernel_shape=[1, 1], name="pointwise"),
        helper.make_node("Conv", ["c4", "w5"], ["c5"], auto_pad="SAME_LOWER", name="same_lower"),
        helper.make_node("Conv", ["c5", "w6", "b6"], ["y"], auto_pad="VALID", name="valid"),
    ]
    inits = [init("w1", rand(6, 4, 3, 2, scale=0.3)), init("b1", rand(6)), init("wd", rand(6, 1, 3, 3, scale=0.3)),
             init("wg", rand(6, 3, 3, 3, scale=0.3)), init("bg", rand(6)), init("w4", rand(4, 6, 1, 1, scale=0.3)),
             init("w5", rand(4, 4, 2, 2, scale=0.3)), init("w6", rand(5, 4, 3, 3, scale=0.3)), init("b6", rand(5))]
    m = model(nodes, inits, ["y"], 13, ("N", 4, 11, 13))
    ort_case("conv", m, x, taps=["c1", "c2", "c3", "c4", "c5"], note="pads, strides, dilation, groups, auto_pad")
    # A 1-D convolution inside an image model.
    x1 = rand(2, 3, 1, 17)
    m1 = model([helper.make_node("Squeeze", ["x"], ["x3"], axes=[2]),
                helper.make_node("Conv", ["x3", "w", "b"], ["y"], pads=[2, 1], strides=[2], dilations=[2])],
               [init("w", rand(4, 3, 3, scale=0.3)), init("b", rand(4))], ["y"], 11, ("N", 3, 1, 17))
    ort_case("conv1d", m1, x1)


def batchnorm_cases():
    x = rand(2, 3, 6, 6)
    c = 8
    def bn(prefix, n):
        return [init(f"{prefix}_s", rand(n) * 0.5 + 1), init(f"{prefix}_b", rand(n)), init(f"{prefix}_m", rand(n)),
                init(f"{prefix}_v", np.abs(rand(n)) + 0.5)]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "n1_s", "n1_b", "n1_m", "n1_v"], ["n1"], epsilon=1e-3),
        helper.make_node("Relu", ["n1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c2", "n2_s", "n2_b", "n2_m", "n2_v"], ["n2"]),
        helper.make_node("Concat", ["n2", "r1"], ["cat"], axis=1),
        helper.make_node("BatchNormalization", ["cat", "n3_s", "n3_b", "n3_m", "n3_v"], ["n3"]),  # DenseNet: BN after concat
        helper.make_node("Relu", ["n3"], ["r3"]),
        helper.make_node("Conv", ["r3", "w3", "b3"], ["y"]),
    ]
    inits = [init("w1", rand(c, 3, 3, 3, scale=0.3)), init("b1", rand(c)), init("w2", rand(c, c, 3, 3, scale=0.2)),
             init("w3", rand(4, 2 * c, 1, 1, scale=0.3)), init("b3", rand(4))] + bn("n1", c) + bn("n2", c) + bn("n3", 2 * c)
    ort_case("batchnorm", model(nodes, inits, ["y"], 9, ("N", 3, 6, 6)), x, taps=["c1", "n2", "n3"],
             note="BN folded into Conv, BN kept when its Conv is tapped, standalone BN after Concat (opset 9)")


def activation_cases():
    x = rand(2, 3, 5, 7, scale=3)
    outs, nodes = [], []
    def unary(op, src="x", **attrs):
        out = f"{op.lower()}_{len(outs)}"
        nodes.append(helper.make_node(op, [src], [out], **attrs))
        outs.append(out)
    for op in ["Relu", "Sigmoid", "HardSwish", "Tanh", "Exp", "Neg", "Abs", "Floor", "Ceil"]:
        unary(op)
    unary("LeakyRelu", alpha=0.1)
    unary("HardSigmoid", alpha=0.3, beta=0.4)
    nodes += [helper.make_node("Abs", ["x"], ["ax"]), helper.make_node("Add", ["ax", "one"], ["ax1"])]
    unary("Log", "ax1")
    unary("Sqrt", "ax")
    unary("Reciprocal", "ax1")
    nodes.append(helper.make_node("Clip", ["x", "lo", "hi"], ["clip_both"]))
    nodes.append(helper.make_node("Clip", ["x", "", "hi"], ["clip_max"]))
    nodes.append(helper.make_node("Clip", ["x"], ["clip_none"]))
    outs += ["clip_both", "clip_max", "clip_none"]
    inits = [init("one", np.array(1, np.float32)), init("lo", np.array(-0.5, np.float32)), init("hi", np.array(0.7, np.float32))]
    ort_case("activations", model(nodes, inits, outs, 14, ("N", 3, 5, 7)), x, note="element-wise functions, Clip inputs")


def legacy_opset_cases():
    """Opset 7 attribute forms: Clip min/max, Pad pads/value, Slice starts/ends, Unsqueeze/Squeeze
    axes, Softmax coercing to 2-D, Dropout with ratio."""
    x = rand(2, 3, 4, 5)
    nodes = [
        helper.make_node("Clip", ["x"], ["clip"], min=-0.3, max=0.8),
        helper.make_node("Dropout", ["clip"], ["drop"], ratio=0.5),
        helper.make_node("Pad", ["drop"], ["pad"], pads=[0, 0, 1, 2, 0, 1, 0, 1], mode="constant", value=0.25),
        helper.make_node("Slice", ["pad"], ["slice"], starts=[1, -4], ends=[100, -1], axes=[2, 3]),
        helper.make_node("Unsqueeze", ["slice"], ["unsq"], axes=[0]),
        helper.make_node("Squeeze", ["unsq"], ["sq"], axes=[0]),
        helper.make_node("Softmax", ["sq"], ["y"], axis=2),
    ]
    ort_case("opset7", model(nodes, [], ["y"], 7, ("N", 3, 4, 5)), x, taps=["pad", "slice"])


def broadcast_cases():
    x = rand(2, 3, 4, 5)
    nodes = [
        helper.make_node("Add", ["x", "c"], ["add"]),
        helper.make_node("Sub", ["w", "x"], ["sub"]),
        helper.make_node("Mul", ["x", "s"], ["mul"]),
        helper.make_node("Div", ["x", "d"], ["div"]),
        helper.make_node("Abs", ["x"], ["ax"]),
        helper.make_node("Pow", ["ax", "p"], ["pow"]),
        helper.make_node("Max", ["x", "c"], ["max"]),
        helper.make_node("Min", ["x", "w"], ["min"]),
        helper.make_node("Add", ["x", "add"], ["both"]),
        helper.make_node("Mul", ["x", "row"], ["small"]),
    ]
    inits = [init("c", rand(1, 3, 1, 1)), init("w", rand(5)), init("s", np.array(1.7, np.float32)),
             init("d", np.abs(rand(4, 1)) + 1), init("p", np.array([[[[0.5, 1, 2, 3, 0.25]]]], np.float32)),
             init("row", rand(2, 1, 4, 1))]
    ort_case("broadcast", model(nodes, inits, ["add", "sub", "mul", "div", "pow", "max", "min", "both", "small"], 13,
                                ("N", 3, 4, 5)), x)


def pool_cases():
    x = rand(2, 3, 9, 10)
    nodes = [
        helper.make_node("MaxPool", ["x"], ["mp_ceil"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
        helper.make_node("MaxPool", ["x"], ["mp_dil"], kernel_shape=[2, 2], dilations=[2, 2]),
        helper.make_node("AveragePool", ["x"], ["ap_incl"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 0, 1, 2],
                         count_include_pad=1, ceil_mode=1),
        helper.make_node("AveragePool", ["x"], ["ap_excl"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("AveragePool", ["x"], ["ap_same"], kernel_shape=[2, 3], strides=[2, 2], auto_pad="SAME_UPPER"),
        helper.make_node("AveragePool", ["x"], ["ap_ceil_excl"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
        helper.make_node("GlobalAveragePool", ["x"], ["gap"]),
        helper.make_node("GlobalMaxPool", ["x"], ["gmp"]),
        helper.make_node("Unsqueeze", ["x", "axis1"], ["x5"]),
        helper.make_node("AveragePool", ["x5"], ["ap3d"], kernel_shape=[3, 1, 1], pads=[1, 0, 0, 1, 0, 0]),
        helper.make_node("Reshape", ["x", "flat3"], ["x3"]),
        helper.make_node("MaxPool", ["x3"], ["mp1d"], kernel_shape=[3], strides=[2]),
    ]
    inits = [init("axis1", np.array([1], np.int64)), init("flat3", np.array([0, 3, -1], np.int64))]
    outs = ["mp_ceil", "mp_dil", "ap_incl", "ap_excl", "ap_same", "ap_ceil_excl", "gap", "gmp", "ap3d", "mp1d"]
    ort_case("pools", model(nodes, inits, outs, 13, ("N", 3, 9, 10)), x)


def normalization_cases():
    x = rand(2, 7, 3, 4)
    nodes = [
        helper.make_node("LRN", ["x"], ["lrn3"], size=3, alpha=0.01, beta=0.75, bias=1.5),
        helper.make_node("LRN", ["x"], ["lrn5"], size=5),
        helper.make_node("Softmax", ["x"], ["sm1"], axis=1),
        helper.make_node("Softmax", ["x"], ["sm_last"]),
    ]
    ort_case("normalization", model(nodes, [], ["lrn3", "lrn5", "sm1", "sm_last"], 13, ("N", 7, 3, 4)), x)
    nodes = [helper.make_node("Softmax", ["x"], ["sm"], axis=1)]  # opset 11: softmax over C*H*W
    ort_case("softmax_opset11", model(nodes, [], ["sm"], 11, ("N", 7, 3, 4)), x)


def linear_cases():
    x = rand(2, 3, 4, 4)
    nodes = [
        helper.make_node("Flatten", ["x"], ["flat"]),
        helper.make_node("Gemm", ["flat", "w1", "b1"], ["g1"], transB=1),
        helper.make_node("Relu", ["g1"], ["r1"]),
        helper.make_node("Gemm", ["r1", "w2", "b2"], ["g2"], alpha=0.5, beta=2.0),
        helper.make_node("Gemm", ["g2", "w3", "c3"], ["g3"], beta=0.5),
        helper.make_node("MatMul", ["g3", "w4"], ["m4"]),
        helper.make_node("Transpose", ["flat"], ["flatT"]),
        helper.make_node("Gemm", ["flatT", "w5"], ["g5"], transA=1, transB=1),
        helper.make_node("Reshape", ["x", "s3"], ["x3"]),
        helper.make_node("Transpose", ["x3"], ["x3t"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["x3", "x3t"], ["gram"]),
        helper.make_node("MatMul", ["x3", "w6"], ["batched"]),
    ]
    inits = [init("w1", rand(10, 48, scale=0.2)), init("b1", rand(10)), init("w2", rand(10, 7, scale=0.3)),
             init("b2", rand(1, 7)), init("w3", rand(7, 6, scale=0.3)), init("c3", rand(2, 6)),
             init("w4", rand(6, 5, scale=0.3)), init("w5", rand(3, 48, scale=0.2)), init("s3", np.array([0, 3, 16], np.int64)),
             init("w6", rand(16, 4, scale=0.3))]
    ort_case("linear", model(nodes, inits, ["m4", "g5", "gram", "batched"], 13, (2, 3, 4, 4)), x, taps=["g1", "g2"],
             note="fixed batch 2 (C of Gemm g3 is a full (2, 6) matrix)")


def layout_cases():
    x = rand(2, 3, 4, 5)
    nodes = [
        helper.make_node("Relu", ["x"], ["r"]),
        helper.make_node("Concat", ["x", "r"], ["cat"], axis=1),
        helper.make_node("ReduceMean", ["x"], ["xm"], axes=[0]),
        helper.make_node("Concat", ["k", "xm"], ["catk"], axis=1),
        helper.make_node("Transpose", ["cat"], ["tr"], perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["tr", "shape"], ["rs"]),
        helper.make_node("Flatten", ["rs"], ["fl"], axis=2),
        helper.make_node("Unsqueeze", ["fl", "ax02"], ["unsq"]),
        helper.make_node("Squeeze", ["unsq", "ax0"], ["sq"]),
        helper.make_node("Identity", ["sq"], ["idn"]),
        helper.make_node("Dropout", ["idn"], ["drop"]),
        helper.make_node("Slice", ["x", "st", "en", "axs", "stp"], ["sl"]),
        helper.make_node("Gather", ["x", "idx"], ["ga"], axis=1),
        helper.make_node("Gather", ["x", "idx0"], ["ga0"], axis=3),
        helper.make_node("Slice", ["x", "st1", "en1"], ["x1"]),
        helper.make_node("Expand", ["x1", "eshape"], ["ex"]),
        helper.make_node("Where", ["cond", "x", "r"], ["wh"]),
        helper.make_node("Pad", ["x", "pads", "pv"], ["pad_const"]),
        helper.make_node("Pad", ["x", "pads2"], ["pad_reflect"], mode="reflect"),
        helper.make_node("Pad", ["x", "pads2"], ["pad_edge"], mode="edge"),
        helper.make_node("Pad", ["x", "crop"], ["pad_crop"]),
    ]
    inits = [init("k", rand(1, 2, 4, 5)), init("shape", np.array([0, -1, 8], np.int64)), init("ax02", np.array([0, 2], np.int64)),
             init("ax0", np.array([0], np.int64)), init("st", np.array([3, 0], np.int64)), init("en", np.array([-100, 4], np.int64)),
             init("axs", np.array([3, 2], np.int64)), init("stp", np.array([-2, 3], np.int64)), init("idx", np.array([[2, 0], [1, -1]], np.int64)),
             init("idx0", np.array(4, np.int64)), init("st1", np.array([0, 0, 1], np.int64)), init("en1", np.array([2, 3, 2], np.int64)),
             init("eshape", np.array([3, 1, 1], np.int64)), init("cond", RNG.rand(1, 4, 5) > 0.5),
             init("pads", np.array([0, 1, 2, 0, 0, 0, 1, 3], np.int64)), init("pv", np.array(-1.5, np.float32)),
             init("pads2", np.array([0, 0, 2, 3, 0, 0, 1, 2], np.int64)), init("crop", np.array([0, 0, -1, 1, 0, -1, 0, -2], np.int64))]
    outs = ["drop", "catk", "sl", "ga", "ga0", "ex", "wh", "pad_const", "pad_reflect", "pad_edge", "pad_crop"]
    ort_case("layout", model(nodes, inits, outs, 13, ("N", 3, 4, 5)), x, taps=["cat", "tr", "rs"])
    # Opset 18: Pad with an axes input.
    nodes = [helper.make_node("Pad", ["x", "p", "", "a"], ["y"], mode="reflect")]
    ort_case("pad_axes", model(nodes, [init("p", np.array([1, 2, 2, 1], np.int64)), init("a", np.array([-1, 2], np.int64))],
                               ["y"], 18, ("N", 3, 4, 5)), x)


def shape_arithmetic_cases():
    """What exporters write around flatten, padding and LRN, folded at load for a fixed size."""
    x = rand(2, 3, 4, 5)
    then_branch = helper.make_graph([helper.make_node("Squeeze", ["x5", "ax1"], ["sq_then"])], "then", [],
                                    [helper.make_tensor_value_info("sq_then", TensorProto.FLOAT, None)])
    else_branch = helper.make_graph([helper.make_node("Identity", ["x5"], ["id_else"])], "else", [],
                                    [helper.make_tensor_value_info("id_else", TensorProto.FLOAT, None)])
    nodes = [
        helper.make_node("Shape", ["x"], ["shp"]),
        helper.make_node("Gather", ["shp", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["flat"]),
        helper.make_node("Shape", ["x"], ["shp_tail"], start=2),
        helper.make_node("ConstantOfShape", ["shp_tail"], ["ones"], value=numpy_helper.from_array(np.array([2.0], np.float32))),
        helper.make_node("Mul", ["x", "ones"], ["scaled"]),
        helper.make_node("Size", ["x"], ["size"]),
        helper.make_node("Cast", ["size"], ["size_f"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["scaled", "size_f"], ["normed"]),
        helper.make_node("Range", ["zero_s", "five", "one_s"], ["rng"]),
        helper.make_node("Cast", ["rng"], ["rng_f"], to=TensorProto.FLOAT),
        helper.make_node("Add", ["normed", "rng_f"], ["ramp"]),
        helper.make_node("Constant", [], ["cst"], value_ints=[1, 1, 4, 1]),
        helper.make_node("Expand", ["half", "cst"], ["halves"]),
        helper.make_node("Pow", ["ramp", "two"], ["sq"]),
        helper.make_node("Add", ["sq", "halves"], ["sqh"]),
        helper.make_node("Unsqueeze", ["sqh", "ax1"], ["x5"]),
        helper.make_node("Shape", ["x5"], ["shp5"]),
        helper.make_node("Gather", ["shp5", "one_i"], ["dim1"], axis=0),
        helper.make_node("Equal", ["dim1", "one_s"], ["is1"]),
        helper.make_node("If", ["is1"], ["lrn_like"], then_branch=then_branch, else_branch=else_branch),
        helper.make_node("Equal", ["rng", "two_i"], ["eq"]),
        helper.make_node("Where", ["eq", "lrn_like", "x"], ["y"]),
        helper.make_node("Constant", [], ["c_f"], value_float=0.5),
        helper.make_node("Mul", ["y", "c_f"], ["y2"]),
    ]
    inits = [init("zero", np.array(0, np.int64)), init("ax0", np.array([0], np.int64)), init("ax1", np.array([1], np.int64)),
             init("minus1", np.array([-1], np.int64)), init("zero_s", np.array(0, np.int64)), init("five", np.array(5, np.int64)),
             init("one_s", np.array(1, np.int64)), init("one_i", np.array(1, np.int64)), init("half", np.array(0.5, np.float32)),
             init("two", np.array(2, np.float32)), init("two_i", np.array(2, np.int64))]
    ort_case("shape_arithmetic", model(nodes, inits, ["flat", "y2"], 15, ("N", 3, 4, 5)), x, taps=["lrn_like"],
             note="Shape, Gather, Unsqueeze, Concat, Reshape, ConstantOfShape, Size, Cast, Range, Constant, Expand, Pow, Equal, If, Where")


def reduce_cases():
    x = rand(2, 3, 4, 5)
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["mean_hw"], axes=[2, 3]),
        helper.make_node("ReduceMean", ["x"], ["mean_c"], axes=[1], keepdims=0),
        helper.make_node("ReduceSum", ["x", "ax"], ["sum"]),
        helper.make_node("ReduceMax", ["x"], ["max_all"], keepdims=0),
        helper.make_node("ReduceMin", ["x"], ["min_w"], axes=[-1]),
    ]
    ort_case("reduce", model(nodes, [init("ax", np.array([1, 3], np.int64))], ["mean_hw", "mean_c", "sum", "max_all", "min_w"],
                             13, ("N", 3, 4, 5)), x)
    nodes = [helper.make_node("ReduceMean", ["x", "ax"], ["y"], keepdims=1)]
    ort_case("reduce_opset18", model(nodes, [init("ax", np.array([-1, -2], np.int64))], ["y"], 18, ("N", 3, 4, 5)), x)


def external_and_batch_cases():
    x = rand(2, 3, 6, 6)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["y"])]
    inits = [init("w", rand(4, 3, 3, 3, scale=0.3)), init("b", rand(4))]
    ort_case("external_data", model(nodes, inits, ["y"], 13, ("N", 3, 6, 6)), x, external=True,
             note="weights in external_data.weights beside the model")
    # A fixed batch of 1: the runtime runs a batch of 2 image by image.
    m = model(nodes + [helper.make_node("Flatten", ["y"], ["f"]), helper.make_node("Gemm", ["f", "wf"], ["out"], transB=1)],
              inits + [init("wf", rand(5, 144, scale=0.1))], ["out"], 13, (1, 3, 6, 6))
    outs = np.concatenate([run_ort(m, x[i:i + 1], ["out"])["out"] for i in range(2)])
    save("fixed_batch", m, x, {"out": outs}, note="declared batch 1, run in chunks")


# ---------------------------------------------------------------------------------------------
# Real modules exported by torch, both exporters, module paths checked against forward hooks

def torch_cases():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    warnings.filterwarnings("ignore")
    torch.manual_seed(7)

    class AlexLike(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(inplace=True), nn.LocalResponseNorm(5),
                                          nn.MaxPool2d(3, 2, ceil_mode=True), nn.Conv2d(8, 12, 3, padding=1), nn.ReLU())
            self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(12 * 5 * 4, 10))

        def forward(self, x):
            x = F.pad(x, (1, 2, 1, 0), mode="reflect")
            x = self.features(x)
            x = x.view(x.size(0), -1)
            return self.classifier(x)

    class DenseLayer(nn.Module):
        def __init__(self, c, growth):
            super().__init__()
            self.norm1, self.relu1 = nn.BatchNorm2d(c), nn.ReLU()
            self.conv1 = nn.Conv2d(c, growth, 3, padding=1, bias=False)

        def forward(self, x):
            return torch.cat([x, self.conv1(self.relu1(self.norm1(x)))], 1)

    class DenseLike(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv0 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
            self.block = nn.Sequential(DenseLayer(8, 4), DenseLayer(12, 4))
            self.transition = nn.Sequential(nn.BatchNorm2d(16), nn.ReLU(), nn.Conv2d(16, 8, 1, bias=False),
                                            nn.AvgPool2d(2, ceil_mode=True))
            self.norm5 = nn.BatchNorm2d(8)
            self.fc = nn.Linear(8, 5)

        def forward(self, x):
            x = self.norm5(self.transition(self.block(self.conv0(x))))
            x = F.adaptive_avg_pool2d(F.relu(x), 1)
            return self.fc(torch.flatten(x, 1))

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None if stride == 1 and cin == cout else nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + identity)

    class ResLike(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, 5, 2, 2, bias=False)
            self.bn1 = nn.BatchNorm2d(8)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            self.layer1 = nn.Sequential(BasicBlock(8, 8, 1), BasicBlock(8, 8, 1))
            self.layer2 = nn.Sequential(BasicBlock(8, 16, 2))
            self.fc = nn.Linear(16, 6)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer2(self.layer1(x))
            return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, (1, 1)), 1))

    class SqueezeExcite(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.fc1, self.fc2 = nn.Conv2d(c, c // 2, 1), nn.Conv2d(c // 2, c, 1)

        def forward(self, x):
            s = F.adaptive_avg_pool2d(x, 1)
            return x * F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))

    class MobileLike(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.Hardswish())
            self.block = nn.Sequential(nn.Conv2d(8, 8, 3, 1, 1, groups=8, bias=False), nn.BatchNorm2d(8), nn.Hardswish(),
                                       SqueezeExcite(8), nn.Conv2d(8, 8, 1, bias=False), nn.BatchNorm2d(8))
            self.head = nn.Sequential(nn.Conv2d(8, 12, 1), nn.LeakyReLU(0.2), nn.Tanh(), nn.Sigmoid())

        def forward(self, x):
            x = self.stem(x)
            x = x + self.block(x)
            return self.head(x)

    specs = [
        ("alexlike", AlexLike, (2, 3, 19, 19), ["features", "features.2", "features.3"]),
        ("denselike", DenseLike, (2, 3, 9, 9), ["block", "block.0", "transition", "norm5"]),
        ("reslike", ResLike, (2, 3, 24, 24), ["maxpool", "layer1", "layer1.0", "layer2", "layer2.0.relu"]),
        ("mobilelike", MobileLike, (2, 3, 16, 16), ["stem", "block", "block.3", "head"]),
    ]
    for name, cls, shape, modules in specs:
        net = cls().eval()
        with torch.no_grad():  # non-trivial BatchNorm statistics
            for m in net.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.normal_(0, 0.5)
                    m.running_var.uniform_(0.5, 2)
                    m.weight.normal_(1, 0.3)
                    m.bias.normal_(0, 0.3)
        x = torch.randn(*shape)
        hooked = {}
        handles = [dict(net.named_modules())[path].register_forward_hook(
            lambda _m, _i, out, path=path: hooked.__setitem__(path, out.detach().numpy().copy())) for path in modules]
        with torch.no_grad():
            y = net(x).numpy()
        for h in handles:
            h.remove()
        for dynamo in (False, True):
            case = f"torch_{name}_{'dynamo' if dynamo else 'legacy'}"
            path = os.path.join(HERE, f"{case}.onnx")
            if dynamo:
                torch.onnx.export(net, (x,), path, dynamo=True, input_names=["x"], external_data=False)
            else:
                torch.onnx.export(net, (x,), path, dynamo=False, input_names=["x"], output_names=["logits"],
                                  dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
            m = onnx.load(path)
            out_name = m.graph.output[0].name
            ort_y = run_ort(m, x.numpy(), [out_name])[out_name]
            assert np.allclose(ort_y, y, rtol=1e-4, atol=1e-5), f"{case}: onnxruntime and torch disagree"
            expected = {out_name: ort_y}
            expected.update(hooked)
            save(case, m, x.numpy(), expected, note=f"torch.onnx.export(dynamo={dynamo}); module paths from forward hooks")


def main():
    for f in os.listdir(HERE):
        if f.endswith((".onnx", ".npy", ".weights")) or f == "manifest.json":
            os.remove(os.path.join(HERE, f))
    conv_cases()
    batchnorm_cases()
    activation_cases()
    legacy_opset_cases()
    broadcast_cases()
    pool_cases()
    normalization_cases()
    linear_cases()
    layout_cases()
    shape_arithmetic_cases()
    reduce_cases()
    external_and_batch_cases()
    torch_cases()
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"generator": "make_fixtures.py", "onnx": onnx.__version__, "onnxruntime": ort.__version__,
                   "cases": CASES}, f, indent=1)
    print(f"wrote {len(CASES)} cases to {HERE}")


if __name__ == "__main__":
    main()
