"""Writes the transformer golden fixtures of the runtime tests (GoldenModelTests.swift).

Small configurations of torchvision's VisionTransformer, SwinTransformer and ConvNeXt (fewer and
narrower layers, random weights, so the files stay small), each exported by both torch.onnx
exporters (legacy opset 17, dynamo opset 20), plus hand-built models of the operators they and
their neighbours need (LayerNormalization, Gelu, Resize/Upsample, Split, Sum/Mean, Mod,
ScatterND). Recorded: onnxruntime's outputs (CPU provider) for graph outputs and inner values
by ONNX name, torch forward hooks' for PyTorch module paths. manifest.json lists the cases in
the format of ../golden/manifest.json.

Run by hand, not by CI (it needs torch and torchvision), from the repository root:

    python3 -m venv .venv-torch
    .venv-torch/bin/pip install "torch==2.13.0+cpu" onnx onnxscript onnxruntime numpy
    .venv-torch/bin/pip install --no-deps "torchvision==0.28.*"
    .venv-torch/bin/python Tests/RuntimeTests/Fixtures/transformers/make_fixtures.py

Re-record after changing a case, never edit the .npy files by hand.
"""

import json
import os
import sys
import types
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.RandomState(20261204)
CASES = []


def rand(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def init(name, array):
    array = np.asarray(array)
    return numpy_helper.from_array(array.astype(np.float32) if array.dtype == np.float64 else array, name)


def model(nodes, inits, outputs, opset, input_shape, name="x"):
    graph = helper.make_graph(
        nodes, "case", [helper.make_tensor_value_info(name, TensorProto.FLOAT, list(input_shape))],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_fixtures")
    m.ir_version = 7 if opset <= 15 else 8 if opset <= 18 else 10
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


def save(name, m, x, expected, note=""):
    """Writes <name>.onnx, <name>.input.npy and one .npy per expected value; adds a manifest entry."""
    onnx.save(m, os.path.join(HERE, f"{name}.onnx"))
    np.save(os.path.join(HERE, f"{name}.input.npy"), x.astype(np.float32))
    files = {}
    for i, (key, value) in enumerate(expected.items()):
        f = f"{name}.out{i}.npy"
        np.save(os.path.join(HERE, f), np.asarray(value, dtype=np.float32))
        files[key] = f
    CASES.append({"name": name, "model": f"{name}.onnx", "input": f"{name}.input.npy", "expected": files, "note": note})


def ort_case(name, m, x, taps=(), note=""):
    outputs = [o.name for o in m.graph.output]
    save(name, m, x, run_ort(m, x, outputs + list(taps)), note)


# ---------------------------------------------------------------------------------------------
# Hand-built models of the operators transformers (and segmentation heads) add


def norm_cases():
    x = rand(2, 3, 4, 6)
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1]),                    # (N, H, W, C)
        helper.make_node("LayerNormalization", ["t", "s1", "b1"], ["ln_c"], epsilon=1e-6),   # over C
        helper.make_node("LayerNormalization", ["x", "s2"], ["ln_hw"], axis=2),              # over (H, W), no bias
        helper.make_node("Gelu", ["ln_c"], ["gelu"]),
        helper.make_node("Gelu", ["ln_c"], ["gelu_tanh"], approximate="tanh"),
        # The decomposition older exports write: (x - mean) / sqrt(var + eps) * s + b.
        helper.make_node("ReduceMean", ["x", "axis_c"], ["mu"]),
        helper.make_node("Sub", ["x", "mu"], ["d"]),
        helper.make_node("Pow", ["d", "two"], ["d2"]),
        helper.make_node("ReduceMean", ["d2", "axis_c"], ["var"]),
        helper.make_node("Add", ["var", "eps"], ["ve"]),
        helper.make_node("Sqrt", ["ve"], ["sd"]),
        helper.make_node("Div", ["d", "sd"], ["decomposed"]),
        helper.make_node("Erf", ["decomposed"], ["erf"]),
    ]
    inits = [init("s1", rand(3) + 1), init("b1", rand(3)), init("s2", rand(4, 6) + 1),
             init("two", np.array(2, np.float32)), init("eps", np.array(1e-5, np.float32)),
             init("axis_c", np.array([1], np.int64))]
    ort_case("layernorm_gelu", model(nodes, inits, ["gelu", "gelu_tanh", "ln_hw", "erf"], 20, ("N", 3, 4, 6)), x,
             taps=["ln_c", "decomposed"], note="LayerNormalization over C and over (H, W), Gelu exact and tanh, the ReduceMean decomposition, Erf")


def attention_cases():
    # Tokens (N, T, C) -> batched MatMul with broadcasting, Softmax on the last and on a middle axis, Split.
    x = rand(2, 3, 4, 4)
    nodes = [
        helper.make_node("Reshape", ["x", "tok_shape"], ["flat"]),                            # (N, 3, 16)
        helper.make_node("Transpose", ["flat"], ["tokens"], perm=[0, 2, 1]),                  # (N, 16, 3)
        helper.make_node("MatMul", ["tokens", "w_qkv"], ["qkv"]),                             # (N, 16, 12)
        helper.make_node("Split", ["qkv", "split"], ["q", "k", "v"], axis=2),                 # 4 each
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q", "kt"], ["scores"]),                                  # (N, 16, 16)
        helper.make_node("Softmax", ["scores"], ["attn"], axis=-1),
        helper.make_node("Softmax", ["scores"], ["attn_mid"], axis=1),
        helper.make_node("MatMul", ["attn", "v"], ["mixed"]),                                 # (N, 16, 4)
        helper.make_node("Unsqueeze", ["mixed", "ax1"], ["m4"]),                              # (N, 1, 16, 4)
        helper.make_node("MatMul", ["m4", "w_heads"], ["heads"]),                             # (N, 2, 16, 4): batch broadcast
        helper.make_node("Sum", ["heads", "m4", "bias"], ["summed"]),                         # (N, 2, 16, 4)
        helper.make_node("Mean", ["summed", "heads"], ["y"]),
    ]
    inits = [init("tok_shape", np.array([0, 3, -1], np.int64)), init("w_qkv", rand(3, 12, scale=0.5)),
             init("split", np.array([4, 4, 4], np.int64)), init("ax1", np.array([1], np.int64)),
             init("w_heads", rand(2, 4, 4, scale=0.5)), init("bias", rand(4))]
    ort_case("attention", model(nodes, inits, ["y", "attn_mid"], 13, ("N", 3, 4, 4)), x, taps=["attn", "q", "v", "heads", "summed"],
             note="batched and broadcast MatMul, Softmax on two axes, Split, Sum and Mean of three and two inputs")
    # Split by num_outputs (opset 18), uneven.
    nodes = [helper.make_node("Split", ["x"], ["a", "b"], axis=3, num_outputs=2),
             helper.make_node("Mul", ["a", "a"], ["y"])]
    ort_case("split_opset18", model(nodes, [], ["y", "b"], 18, ("N", 3, 4, 5)), rand(2, 3, 4, 5),
             note="Split into equal parts with the last one smaller")


def resize_cases():
    x = rand(2, 3, 4, 5)
    nodes = [
        helper.make_node("Resize", ["x", "", "sc2"], ["nearest"], mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
        helper.make_node("Resize", ["x", "", "", "sizes"], ["bilinear"], mode="linear",
                         coordinate_transformation_mode="pytorch_half_pixel"),
        helper.make_node("Resize", ["x", "", "", "sizes"], ["aligned"], mode="linear",
                         coordinate_transformation_mode="align_corners"),
        helper.make_node("Resize", ["x", "", "sc_down"], ["half_pixel"], mode="linear"),
        helper.make_node("Resize", ["x", "", "sc_frac"], ["round"], mode="nearest",
                         coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil"),
    ]
    inits = [init("sc2", np.array([1, 1, 2, 2], np.float32)), init("sizes", np.array([2, 3, 7, 11], np.int64)),
             init("sc_down", np.array([1, 1, 0.5, 0.6], np.float32)), init("sc_frac", np.array([1, 1, 1.5, 2.5], np.float32))]
    ort_case("resize", model(nodes, inits, ["nearest", "bilinear", "aligned", "half_pixel", "round"], 13, ("N", 3, 4, 5)), x,
             note="Resize nearest (asymmetric floor, half_pixel round_prefer_ceil) and linear (pytorch_half_pixel, align_corners, half_pixel down)")
    nodes = [helper.make_node("Upsample", ["x", "scales"], ["y"], mode="linear")]
    ort_case("upsample_opset9", model(nodes, [init("scales", np.array([1, 1, 2, 3], np.float32))], ["y"], 9, ("N", 3, 4, 5)), x,
             note="Upsample (opset 9), linear")


def scatter_cases():
    # Swin's mask: a constant built by slice assignment, then Mod on integers, added per image;
    # then a per-image slice assignment along an axis other than the batch.
    x = rand(2, 1, 4, 4)
    nodes = [
        helper.make_node("ScatterND", ["zeros", "idx", "upd"], ["mask"]),
        helper.make_node("Mod", ["mask_i", "three"], ["mod"]),
        helper.make_node("Cast", ["mod"], ["modf"], to=TensorProto.FLOAT),
        helper.make_node("Add", ["x", "modf"], ["shifted"]),
        helper.make_node("Add", ["shifted", "mask"], ["y"]),
        helper.make_node("Transpose", ["y"], ["t"], perm=[2, 0, 1, 3]),                      # (4, N, 1, 4)
        helper.make_node("Slice", ["t", "s0", "s2", "s0"], ["head"]),                         # rows 0 and 1
        helper.make_node("ScatterND", ["t", "idx2", "head"], ["scattered"]),                  # to rows 3 and 1
        helper.make_node("Transpose", ["scattered"], ["out"], perm=[1, 2, 0, 3]),
    ]
    idx = np.array([[i, j] for i in range(2, 4) for j in range(0, 3)], np.int64).reshape(2, 3, 2)
    inits = [init("zeros", np.zeros((4, 4), np.float32)), init("idx", idx), init("upd", rand(2, 3)),
             init("mask_i", np.arange(-8, 8, dtype=np.int64).reshape(4, 4)), init("three", np.array(3, np.int64)),
             init("idx2", np.array([[3], [1]], np.int64)), init("s0", np.array([0], np.int64)),
             init("s2", np.array([2], np.int64))]
    ort_case("scatter_mod", model(nodes, inits, ["out"], 16, ("N", 1, 4, 4)), x, taps=["y"],
             note="ScatterND at load and per image, Mod (Python sign rule) at load")


# ---------------------------------------------------------------------------------------------
# torchvision's transformer families, small, both exporters, module paths checked against hooks

def strip_metadata(m):
    """Keeps only the metadata the runtime reads (module paths); the dynamo exporter's stack
    traces and class hierarchies would make up most of the file."""
    for n in m.graph.node:
        kept = [p for p in n.metadata_props if p.key == "pkg.torch.onnx.name_scopes"]
        del n.metadata_props[:]
        n.metadata_props.extend(kept)
    del m.graph.value_info[:]


def torch_cases():
    import torch
    # torchvision's compiled ops are built against CUDA; the model definitions need none of them.
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    from torchvision.models.convnext import CNBlockConfig, ConvNeXt
    from torchvision.models.swin_transformer import SwinTransformer
    from torchvision.models.vision_transformer import VisionTransformer
    warnings.filterwarnings("ignore")
    torch.manual_seed(20)

    def randomise(net):
        # Non-trivial affine parameters: LayerNorm weights and ConvNeXt's layer scale (1e-6 at init
        # would make every block an identity).
        with torch.no_grad():
            for name, p in net.named_parameters():
                if name.endswith("layer_scale"):
                    p.normal_(0, 0.5)
                elif p.dim() == 1 and "norm" in name or name.split(".")[-2:-1] == ["ln"]:
                    p.normal_(1 if name.endswith("weight") else 0, 0.3)
        return net.eval()

    specs = [
        ("vit", lambda: VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16,
                                          mlp_dim=32, num_classes=10), (2, 3, 32, 32),
         ["encoder.layers.encoder_layer_0", "encoder.layers.encoder_layer_1", "encoder.ln"]),
        ("swin", lambda: SwinTransformer(patch_size=[2, 2], embed_dim=8, depths=[2, 1], num_heads=[2, 2], window_size=[4, 4],
                                         stochastic_depth_prob=0.0, num_classes=10), (2, 3, 20, 20),
         ["features.0", "features.1", "features.2", "features.3", "norm"]),
        ("convnext", lambda: ConvNeXt([CNBlockConfig(8, 16, 2), CNBlockConfig(16, None, 1)], stochastic_depth_prob=0.0,
                                      num_classes=10), (2, 3, 24, 24),
         ["features.1", "features.1.0.block", "features.1.1.block.3", "features.3"]),
    ]
    for name, make, shape, modules in specs:
        net = randomise(make())
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
                                  dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}}, opset_version=17)
            m = onnx.load(path)
            if dynamo:
                strip_metadata(m)
                onnx.save(m, path)
            out_name = m.graph.output[0].name
            ort_y = run_ort(m, x.numpy(), [out_name])[out_name]
            assert np.allclose(ort_y, y, rtol=1e-4, atol=1e-5), f"{case}: onnxruntime and torch disagree"
            expected = {out_name: ort_y}
            expected.update(hooked)
            save(case, m, x.numpy(), expected,
                 note=f"torch.onnx.export(dynamo={dynamo}); module paths from forward hooks")


def main():
    for f in os.listdir(HERE):
        if f.endswith((".onnx", ".npy")) or f == "manifest.json":
            os.remove(os.path.join(HERE, f))
    norm_cases()
    attention_cases()
    resize_cases()
    scatter_cases()
    torch_cases()
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"generator": "make_fixtures.py", "onnx": onnx.__version__, "onnxruntime": ort.__version__,
                   "cases": CASES}, f, indent=1)
    print(f"wrote {len(CASES)} cases to {HERE}")


if __name__ == "__main__":
    main()
