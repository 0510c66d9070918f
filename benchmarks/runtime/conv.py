"""One convolution (with bias and ReLU) on onnxruntime, for per-layer comparisons with
`ndbench conv` while tuning. Prints one JSON line.

    python conv.py --c 64 --oc 64 --size 56 --k 3 --stride 1 --pad 1 --groups 1 --batch 32 --threads 2
"""
import argparse
import json
import time

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def main():
    p = argparse.ArgumentParser()
    for name, default in [("c", 64), ("oc", 64), ("size", 56), ("k", 3), ("stride", 1), ("pad", 1),
                          ("groups", 1), ("batch", 1), ("threads", 2)]:
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--activation", default="relu", choices=["none", "relu", "relu6"])
    p.add_argument("--seconds", type=float, default=2)
    a = p.parse_args()
    rng = np.random.default_rng(2)
    w = rng.uniform(-1, 1, (a.oc, a.c // a.groups, a.k, a.k)).astype(np.float32)
    b = rng.uniform(-1, 1, a.oc).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["conv"], kernel_shape=[a.k, a.k], strides=[a.stride] * 2,
                              pads=[a.pad] * 4, group=a.groups)]
    if a.activation == "relu":
        nodes.append(helper.make_node("Relu", ["conv"], ["y"]))
    elif a.activation == "relu6":
        nodes.append(helper.make_node("Clip", ["conv", "lo", "hi"], ["y"]))
    else:
        nodes.append(helper.make_node("Identity", ["conv"], ["y"]))
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
             numpy_helper.from_array(np.array(0, np.float32), "lo"), numpy_helper.from_array(np.array(6, np.float32), "hi")]
    graph = helper.make_graph(nodes, "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [a.batch, a.c, a.size, a.size])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    options = ort.SessionOptions()
    options.intra_op_num_threads = a.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    x = rng.uniform(-1, 1, (a.batch, a.c, a.size, a.size)).astype(np.float32)
    session.run(None, {"x": x})
    runs, start, elapsed = 0, time.perf_counter(), 0.0
    while runs < 3 or elapsed < a.seconds:
        session.run(None, {"x": x})
        runs += 1
        elapsed = time.perf_counter() - start
    out = (a.size + 2 * a.pad - a.k) // a.stride + 1
    flops = 2.0 * a.batch * a.oc * out * out * (a.c // a.groups) * a.k * a.k
    ms = elapsed / runs * 1000
    print(json.dumps({"kernel": "onnxruntime conv", "batch": a.batch, "threads": a.threads,
                      "ms": round(ms, 3), "gflops": round(flops / (ms / 1000) / 1e9, 2)}))


if __name__ == "__main__":
    main()
