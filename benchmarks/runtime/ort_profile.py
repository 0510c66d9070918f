"""onnxruntime's time per node on a model truncated at one tensor, for layer-by-layer comparisons
with `NETDISSECT_PROFILE=1 ndbench runtime` while tuning. Prints one line per node (ms per run,
operator, the node's output) in graph order, then the sum and the plain rate.

    python ort_profile.py --model M.onnx --output TENSOR --batch 1 --threads 1 --seconds 20

TENSOR is the ONNX value name (`ndbench runtime --resolve-only --layer layer4` prints it). The
profiled rate is close to the plain one; compare it with `ort_bench.py` in the same minute before
trusting the per-node times. Convolutions appear under their fused names (`..._nchwc`): onnxruntime
keeps a blocked layout between them, so a convolution timed alone (`conv.py`) also pays reorders
it does not pay here.
"""
import argparse
import json
import os
import time

import numpy as np
import onnxruntime as ort

from ort_bench import truncated


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=None, help="input height and width (default: the model's)")
    p.add_argument("--seconds", type=float, default=10)
    a = p.parse_args()
    model = truncated(a.model, a.output)
    options = ort.SessionOptions()
    options.intra_op_num_threads = a.threads
    options.inter_op_num_threads = 1
    options.enable_profiling = True
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    graph_input = session.get_inputs()[0]
    dims = [d if isinstance(d, int) else None for d in graph_input.shape]
    size = a.size or dims[2] or 224
    x = np.random.default_rng(0).random((a.batch, dims[1] or 3, size, size), dtype=np.float32)
    warmup = 5
    for _ in range(warmup):
        session.run(None, {graph_input.name: x})
    start, runs = time.time(), 0
    while time.time() - start < a.seconds:
        session.run(None, {graph_input.name: x})
        runs += 1
    elapsed = time.time() - start
    trace = session.end_profiling()
    with open(trace) as f:
        events = json.load(f)
    os.remove(trace)
    per_node, order = {}, []
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            key = (e["name"][: -len("_kernel_time")], e["args"].get("op_name", "?"))
            if key not in per_node:
                per_node[key] = 0
                order.append(key)
            per_node[key] += e["dur"]
    total = 0.0
    for key in order:
        ms = per_node[key] / (runs + warmup) / 1000
        total += ms
        print(f"{ms:9.4f} ms  {key[1]:20s} {key[0]}")
    print(f"sum of nodes {total:.3f} ms per run; wall {elapsed / runs * 1000:.3f} ms per run; "
          f"{runs * a.batch / elapsed:.1f} img/s")


if __name__ == "__main__":
    main()
