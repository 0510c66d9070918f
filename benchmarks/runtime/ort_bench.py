"""The onnxruntime side of benchmarks/runtime: images per second of the CPU provider on a model
truncated at one tensor, with a given intra-op thread count. Prints one JSON line.

    python ort_bench.py --model M.onnx --output TENSOR --batch 32 --threads 2 --seconds 3
"""
import argparse
import json
import time

import numpy as np
import onnx
import onnxruntime as ort


def truncated(path, output):
    """The model's graph cut at `output`: only the nodes it depends on, `output` the only result."""
    model = onnx.load(path)
    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    if output not in producer:
        raise SystemExit(f"ort_bench: {path}: no node produces '{output}'")
    needed, stack, kept = set(), [output], set()
    while stack:
        name = stack.pop()
        node = producer.get(name)
        if node is None or id(node) in kept:
            continue
        kept.add(id(node))
        for i in node.input:
            needed.add(i)
            stack.append(i)
    nodes = [n for n in graph.node if id(n) in kept]
    del graph.node[:]
    graph.node.extend(nodes)
    initializers = [t for t in graph.initializer if t.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    del graph.output[:]
    graph.output.append(onnx.helper.make_tensor_value_info(output, onnx.TensorProto.FLOAT, None))
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--output", required=True, help="the ONNX value to stop at")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--input-size", type=int, default=224)
    p.add_argument("--seconds", type=float, default=3)
    a = p.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = a.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    model = truncated(a.model, a.output)
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    x = np.random.default_rng(1).uniform(-1, 1, (a.batch, 3, a.input_size, a.input_size)).astype(np.float32)
    session.run([a.output], {name: x})  # warm-up
    runs, start = 0, time.perf_counter()
    elapsed = 0.0
    while runs < 3 or elapsed < a.seconds:
        session.run([a.output], {name: x})
        runs += 1
        elapsed = time.perf_counter() - start
    print(json.dumps({"runtime": "onnxruntime " + ort.__version__, "value": a.output, "batch": a.batch,
                      "threads": a.threads, "batches": runs, "seconds": round(elapsed, 3),
                      "images_per_second": round(runs * a.batch / elapsed, 3)}))


if __name__ == "__main__":
    main()
