"""Writes a ResNet-18-shaped ONNX model with random weights (torchvision's layout and module
paths, as the legacy exporter names nodes), so the benchmark needs no torch and no download.

    python resnet18.py OUT.onnx

Conv layers carry no bias and are followed by BatchNormalization, as an un-fused export has
them; both runtimes fold those at load. The input is (N, 3, 224, 224) with a symbolic batch.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.initializers = [], []

    def param(self, name, array):
        self.initializers.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def node(self, op, scope, inputs, suffix="", **attrs):
        name = f"{scope}/{op}{suffix}"
        out = f"{name}_output_0"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def conv(self, x, scope, path, cin, cout, k, stride):
        # He initialisation keeps activations in range through the depth.
        w = self.rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))
        return self.node("Conv", scope, [x, self.param(f"{path}.weight", w)], dilations=[1, 1], group=1,
                         kernel_shape=[k, k], pads=[k // 2] * 4, strides=[stride, stride])

    def batch_norm(self, x, scope, path, c, epsilon=1e-5):
        p = [self.param(f"{path}.weight", 1 + 0.1 * self.rng.standard_normal(c)),
             self.param(f"{path}.bias", 0.1 * self.rng.standard_normal(c)),
             self.param(f"{path}.running_mean", 0.1 * self.rng.standard_normal(c)),
             self.param(f"{path}.running_var", 1 + 0.1 * self.rng.random(c))]
        return self.node("BatchNormalization", scope, [x] + p, epsilon=epsilon, momentum=0.9)

    def basic_block(self, x, layer, index, cin, cout, stride):
        block = f"{layer}.{index}"
        scope = f"/{layer}/{block}"
        y = self.conv(x, f"{scope}/conv1", f"{block}.conv1", cin, cout, 3, stride)
        y = self.batch_norm(y, f"{scope}/bn1", f"{block}.bn1", cout)
        y = self.node("Relu", f"{scope}/relu", [y])
        y = self.conv(y, f"{scope}/conv2", f"{block}.conv2", cout, cout, 3, 1)
        y = self.batch_norm(y, f"{scope}/bn2", f"{block}.bn2", cout)
        if stride != 1 or cin != cout:
            x = self.conv(x, f"{scope}/downsample/downsample.0", f"{block}.downsample.0", cin, cout, 1, stride)
            x = self.batch_norm(x, f"{scope}/downsample/downsample.1", f"{block}.downsample.1", cout)
        y = self.node("Add", scope, [y, x])
        return self.node("Relu", f"{scope}/relu", [y], suffix="_1")

    def finish(self, x, name, features, producer, fc=True):
        """The checked model of the nodes so far: torchvision's global average pool after `x`
        (N, features, H, W), then flatten and the 1000-class fc when `fc`. The input is
        (N, 3, 224, 224) with a symbolic batch."""
        x = self.node("GlobalAveragePool", "/avgpool", [x])
        output = (x, ["N", features, 1, 1])
        if fc:
            x = self.node("Flatten", "", [x], axis=1)
            fc_w = self.param("fc.weight", self.rng.standard_normal((1000, features)) / np.sqrt(features))
            fc_b = self.param("fc.bias", np.zeros(1000))
            self.nodes.append(helper.make_node("Gemm", [x, fc_w, fc_b], ["output"], name="/fc/Gemm",
                                               alpha=1.0, beta=1.0, transB=1))
            output = ("output", ["N", 1000])
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 224, 224])],
            [helper.make_tensor_value_info(output[0], TensorProto.FLOAT, output[1])],
            self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                                  producer_name=f"netdissect {producer}")
        onnx.checker.check_model(model)
        return model


def build():
    b = Builder()
    x = b.conv("input", "/conv1", "conv1", 3, 64, 7, 2)
    x = b.batch_norm(x, "/bn1", "bn1", 64)
    x = b.node("Relu", "/relu", [x])
    x = b.node("MaxPool", "/maxpool", [x], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2], ceil_mode=0)
    cin = 64
    for i, (cout, stride) in enumerate([(64, 1), (128, 2), (256, 2), (512, 2)], start=1):
        layer = f"layer{i}"
        x = b.basic_block(x, layer, 0, cin, cout, stride)
        x = b.basic_block(x, layer, 1, cout, cout, 1)
        cin = cout
    return b.finish(x, "resnet18", 512, "benchmarks/runtime/resnet18.py")

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: resnet18.py OUT.onnx")
    onnx.save(build(), sys.argv[1])
