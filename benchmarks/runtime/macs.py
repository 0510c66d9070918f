"""Multiply-accumulates per image of a model up to one tensor, as the graph states them: every
Conv (output elements x C/groups x KH x KW, so a Winograd or other fast algorithm can do more
than this per second than the FMA ceiling), ConvTranspose, Gemm and MatMul (with the shapes that
ONNX shape inference gives them at batch 1). `run` divides each runtime's MACs per second by
`peak`'s ceiling. Prints one JSON line.

    python macs.py --model M.onnx --output TENSOR [--size 224]
"""
import argparse
import json
import math

from onnx import shape_inference

from ort_bench import truncated


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--size", type=int, default=224)
    a = p.parse_args()
    model = truncated(a.model, a.output)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    for d, v in zip(dims, [1, None, a.size, a.size]):
        if v is not None:
            d.ClearField("dim_param")
            d.dim_value = v
    model = shape_inference.infer_shapes(model)
    shapes = {i.name: list(i.dims) for i in model.graph.initializer}
    for v in list(model.graph.input) + list(model.graph.value_info) + list(model.graph.output):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]

    def shape(name):
        s = shapes.get(name)
        if s is None or not s or any(d <= 0 for d in s):
            raise SystemExit(f"macs: no static shape for '{name}' in {a.model}")
        return s

    macs, by_op = 0, {}
    for node in model.graph.node:
        if node.op_type == "Conv":
            w, y = shape(node.input[1]), shape(node.output[0])
            n = math.prod(y) * math.prod(w[1:])
        elif node.op_type == "ConvTranspose":
            x, w = shape(node.input[0]), shape(node.input[1])
            n = math.prod(x) * math.prod(w[1:])
        elif node.op_type in ("Gemm", "MatMul"):
            y, left = shape(node.output[0]), shape(node.input[0])
            n = math.prod(y) * left[-1] if node.op_type == "MatMul" else \
                math.prod(y) * (left[0] if any(t.name == "transA" and t.i for t in node.attribute) else left[-1])
        else:
            continue
        macs += n
        by_op[node.op_type] = by_op.get(node.op_type, 0) + n
    print(json.dumps({"model": a.model, "output": a.output, "size": a.size, "macs_per_image": macs,
                      "by_operator": by_op}))


if __name__ == "__main__":
    main()
