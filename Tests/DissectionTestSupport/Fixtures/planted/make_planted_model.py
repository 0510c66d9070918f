#!/usr/bin/env python3
"""Writes planted.onnx: a tiny CNN whose units are known concept detectors (PlantedModelTests).

    image (N, 3, 32, 32) -> Conv 3x3 pad 1 (4 units) -> Relu -> MaxPool 4 -> "features" (N, 4, 8, 8)
                         -> GlobalAveragePool -> "pooled" (N, 4, 1, 1)

Unit 0 is a red detector: R - G - B on the normalised input (centre tap only), bias -1.
Unit 1 fires on vertical stripes: a horizontal gradient [-1, 0, 1] on every channel and row.
Units 2 and 3 are noise: small random 3x3 filters on G - B, which no planted concept changes.
It also writes planted_tokens.onnx: the same units written the ways transformers write theirs,

    "features" (N, 4, 8, 8) -> Reshape (N, 4, 64) -> Transpose -> patch tokens (N, 64, 4)
        -> Concat [mean token, patch tokens] -> "blocks" (N, 65, 4)   (a ViT block: class token first)
    "features" -> Transpose (0, 2, 3, 1) -> "stage" (N, 8, 8, 4)          (a Swin stage: channels last)

so a dissection of "blocks" and "stage" must find exactly what it finds in "features".
Re-record with numpy and onnx installed:  python3 make_planted_model.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
w = np.zeros((4, 3, 3, 3), dtype=np.float32)
b = np.zeros(4, dtype=np.float32)
w[0, :, 1, 1] = [1, -1, -1]
b[0] = -1
w[1, :, :, 0] = -1
w[1, :, :, 2] = 1
for u in (2, 3):
    k = rng.standard_normal((3, 3)).astype(np.float32) * 0.3
    w[u, 1] = k
    w[u, 2] = -k

nodes = [
    helper.make_node("Conv", ["image", "w", "b"], ["conv"], name="/features/conv/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["conv"], ["relu"], name="/features/relu/Relu"),
    helper.make_node("MaxPool", ["relu"], ["features"], name="/features/pool/MaxPool", kernel_shape=[4, 4], strides=[4, 4]),
    helper.make_node("GlobalAveragePool", ["features"], ["pooled"], name="/pool/GlobalAveragePool"),
]
graph = helper.make_graph(
    nodes, "planted",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 32, 32])],
    [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["N", 4, 1, 1])],
    initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="netdissect-tests")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "planted.onnx")
print("wrote planted.onnx")

tokens = nodes[:3] + [
    helper.make_node("Reshape", ["features", "flat_shape"], ["flat"], name="/blocks/Reshape"),
    helper.make_node("Transpose", ["flat"], ["patches"], name="/blocks/Transpose", perm=[0, 2, 1]),
    helper.make_node("ReduceMean", ["patches"], ["class_token"], name="/blocks/ReduceMean", axes=[1], keepdims=1),
    helper.make_node("Concat", ["class_token", "patches"], ["blocks"], name="/blocks/Concat", axis=1),
    helper.make_node("Transpose", ["features"], ["stage"], name="/stage/Transpose", perm=[0, 2, 3, 1]),
]
graph = helper.make_graph(
    tokens, "planted_tokens",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 32, 32])],
    [helper.make_tensor_value_info("blocks", TensorProto.FLOAT, ["N", 65, 4]),
     helper.make_tensor_value_info("stage", TensorProto.FLOAT, ["N", 8, 8, 4])],
    initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
                 numpy_helper.from_array(np.array([0, 4, 64], np.int64), "flat_shape")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="netdissect-tests")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "planted_tokens.onnx")
print("wrote planted_tokens.onnx")
